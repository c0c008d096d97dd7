// The moderation list's feed: live.js's resuming WebSocket, stoppable.

import { LiveFeed } from "../live.js";

export class DeskFeed extends LiveFeed {
  /** live.js's feed, plus stop() for switching hearings and the hello's last_seq. */
  receive(event) {
    if (this.stopped) return;
    if (event.type === "hello") this.onHello?.(event);
    super.receive(event);
  }

  connect() {
    if (!this.stopped) super.connect();
  }

  reconnectNow() {
    if (!this.stopped) super.reconnectNow();
  }

  stop() {
    this.stopped = true;
    if (typeof super.close === "function") {
      super.close(); // also unhooks the online/offline listeners
      return;
    }
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }
}
