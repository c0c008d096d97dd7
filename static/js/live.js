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
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.onState("offline"));
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams({ after: String(this.lastSeq) });
    if (this.epoch) params.set("epoch", this.epoch);
    return `${scheme}//${location.host}/ws/hearings/${encodeURIComponent(this.hearing)}?${params}`;
  }

  connect() {
    clearTimeout(this.timer);
    this.onState(navigator.onLine === false ? "offline" : "connecting");
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("message", (message) => this.receive(JSON.parse(message.data)));
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
    this.onState(navigator.onLine === false ? "offline" : "reconnecting");
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.socket) return;
    this.attempt = 0;
    this.connect();
  }
}
