// The live connection to a hearing: resume by seq, reconnect with backoff and jitter,
// never hand the page an event twice or out of order.

const MAX_BACKOFF_MS = 30000;

export function backoffDelay(attempt) {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export class LiveFeed {
  constructor({ hearing, lastSeq, epoch, onEvent, onState, onReset }) {
    this.hearing = hearing;
    this.lastSeq = lastSeq;
    this.epoch = epoch;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onReset = onReset;
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.closed = false;
    this.handleOnline = () => this.reconnectNow();
    // A socket can outlive the network without noticing: drop it, and resume by seq
    // when the network is back.
    this.handleOffline = () => this.dropForOffline();
    window.addEventListener("online", this.handleOnline);
    window.addEventListener("offline", this.handleOffline);
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams({ after: String(this.lastSeq) });
    if (this.epoch) params.set("epoch", this.epoch);
    return `${scheme}//${location.host}/ws/hearings/${encodeURIComponent(this.hearing)}?${params}`;
  }

  connect() {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.onState(navigator.onLine === false ? "offline" : "connecting");
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("message", (message) => {
      if (this.socket === socket) this.receive(JSON.parse(message.data));
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    });
  }

  receive(event) {
    switch (event.type) {
      case "hello":
        this.attempt = 0;
        this.epoch = event.epoch;
        this.onState("live");
        return;
      case "reset":
        this.socket = null;
        this.onReset(event);
        return;
      default:
        if (typeof event.seq !== "number" || event.seq <= this.lastSeq) return;
        this.lastSeq = event.seq;
        this.onEvent(event);
    }
  }

  scheduleReconnect() {
    clearTimeout(this.timer);
    if (navigator.onLine === false) {
      // The "online" event reconnects; until then only a slow check, in case the
      // browser's idea of being offline is wrong.
      this.onState("offline");
      this.timer = setTimeout(() => this.connect(), backoffDelay(10));
      return;
    }
    this.onState("reconnecting");
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.closed) return;
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return;
    const stale = this.socket;
    this.socket = null;
    if (stale) stale.close();
    this.attempt = 0;
    this.connect();
  }

  dropForOffline() {
    const socket = this.socket;
    this.socket = null;
    clearTimeout(this.timer);
    if (socket) socket.close();
    this.onState("offline");
  }

  // Stop for good: no reconnect, no more callbacks (the page moves to another hearing).
  close() {
    this.closed = true;
    clearTimeout(this.timer);
    window.removeEventListener("online", this.handleOnline);
    window.removeEventListener("offline", this.handleOffline);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000);
  }
}
