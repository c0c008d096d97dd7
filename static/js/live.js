// The live connection to a hearing: resume by seq, reconnect with backoff and jitter,
// never hand the page an event twice or out of order.
//
// Three transports carry the same log. The WebSocket first; Server-Sent Events
// (`/h/{slug}/events.sse`) when it cannot connect (a proxy that lets no WebSocket
// through); polling the events API every few seconds when neither streams. A transport
// that fails twice in a row before its hello gives way to the next (after polling comes
// the WebSocket again). A fallback that is live tries a WebSocket now and then, and
// hands the feed to it once it says hello. Whichever carries it, an event goes to the
// page only if its seq is above the last one handed on, so the overlap of a switch is
// dropped and every reconnect resumes with `after=` that seq.

const MAX_BACKOFF_MS = 30000;
const FAILURES_BEFORE_FALLBACK = 2;
const POLL_MS = 3000;
const UPGRADE_MS = 60000;
const TRANSPORTS = ["socket", "sse", "poll"];

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
    this.transport = "socket";
    this.failures = 0;
    this.rounds = 0;
    this.conn = null; // the open transport: {greeted, close()}
    this.timer = null;
    this.upgradeTimer = null;
    this.closed = false;
    this.handleOnline = () => this.reconnectNow();
    // A socket can outlive the network without noticing: drop it, and resume by seq
    // when the network is back.
    this.handleOffline = () => this.dropForOffline();
    window.addEventListener("online", this.handleOnline);
    window.addEventListener("offline", this.handleOffline);
  }

  url(transport = "socket") {
    const params = new URLSearchParams({ after: String(this.lastSeq) });
    if (this.epoch) params.set("epoch", this.epoch);
    const slug = encodeURIComponent(this.hearing);
    if (transport === "sse") return `/h/${slug}/events.sse?${params}`;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws/hearings/${slug}?${params}`;
  }

  connect() {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.onState(navigator.onLine === false ? "offline" : "connecting", this.transport);
    if (this.transport === "sse") this.conn = this.openStream();
    else if (this.transport === "poll") this.conn = this.openPoll();
    else this.conn = this.openSocket();
  }

  openSocket() {
    const socket = new WebSocket(this.url("socket"));
    const handle = { greeted: false, close: () => socket.close(1000) };
    socket.addEventListener("message", (message) => this.deliver(handle, JSON.parse(message.data)));
    socket.addEventListener("close", () => this.lost(handle));
    return handle;
  }

  openStream() {
    const source = new EventSource(this.url("sse"));
    const handle = { greeted: false, close: () => source.close() };
    source.addEventListener("message", (message) => this.deliver(handle, JSON.parse(message.data)));
    // EventSource would retry by itself; this feed does, with its backoff and its seq.
    source.addEventListener("error", () => {
      source.close();
      this.lost(handle);
    });
    return handle;
  }

  openPoll() {
    const handle = {
      greeted: false,
      stopped: false,
      close: () => {
        handle.stopped = true;
        clearTimeout(handle.timer);
      },
    };
    const slug = encodeURIComponent(this.hearing);
    const poll = async () => {
      try {
        for (;;) {
          const params = new URLSearchParams({ after: String(this.lastSeq), limit: "1000" });
          const response = await fetch(`/api/hearings/${slug}/events?${params}`, { cache: "no-store" });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const page = await response.json();
          if (handle.stopped) return;
          if (!handle.greeted) {
            this.deliver(handle, { type: "hello", hearing: this.hearing, last_seq: page.last_seq });
          }
          if (page.last_seq < this.lastSeq) {
            // The log is shorter than what the page has seen: another history.
            this.deliver(handle, { type: "reset", last_seq: page.last_seq, epoch: this.epoch });
            return;
          }
          for (const event of page.events) this.deliver(handle, event);
          if (handle.stopped || !page.events.length || this.lastSeq >= page.last_seq) break;
        }
        if (!handle.stopped) handle.timer = setTimeout(poll, POLL_MS);
      } catch {
        this.lost(handle);
      }
    };
    poll();
    return handle;
  }

  /** A message from the transport `handle`; ignored once another one carries the feed. */
  deliver(handle, event) {
    if (this.conn !== handle) return;
    if (event.type === "hello") handle.greeted = true;
    this.receive(event);
  }

  receive(event) {
    switch (event.type) {
      case "hello":
        this.attempt = 0;
        this.failures = 0;
        this.rounds = 0;
        if (event.epoch) this.epoch = event.epoch;
        this.onState("live", this.transport);
        if (this.transport !== "socket") this.scheduleUpgrade();
        return;
      case "reset": {
        const conn = this.conn;
        this.conn = null;
        conn?.close();
        this.onReset(event);
        return;
      }
      default:
        if (typeof event.seq !== "number" || event.seq <= this.lastSeq) return;
        this.lastSeq = event.seq;
        this.onEvent(event);
    }
  }

  /** The transport `handle` ended; one that never said hello counts towards falling back. */
  lost(handle) {
    if (this.conn !== handle) return;
    this.conn = null;
    handle.close();
    if (!handle.greeted && navigator.onLine !== false) {
      this.failures += 1;
      if (this.failures >= FAILURES_BEFORE_FALLBACK) {
        // The next transport is tried soon; the backoff grows with each round of all
        // three (a server that is down, rather than a proxy that blocks).
        const next = (TRANSPORTS.indexOf(this.transport) + 1) % TRANSPORTS.length;
        if (next === 0) this.rounds += 1;
        this.failures = 0;
        this.attempt = this.rounds;
        this.transport = TRANSPORTS[next];
      }
    }
    this.scheduleReconnect();
  }

  scheduleUpgrade() {
    clearTimeout(this.upgradeTimer);
    this.upgradeTimer = setTimeout(() => this.tryUpgrade(), UPGRADE_MS);
  }

  /** While a fallback is live: a WebSocket on the side, which takes over at its hello. */
  tryUpgrade() {
    if (this.closed || this.transport === "socket" || !this.conn?.greeted) return;
    const socket = new WebSocket(this.url("socket"));
    const handle = { greeted: false, close: () => socket.close(1000) };
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (this.conn !== handle) {
        if (event.type !== "hello" || this.closed || this.transport === "socket") {
          socket.close(1000);
          return;
        }
        const fallback = this.conn;
        this.conn = handle;
        this.transport = "socket";
        clearTimeout(this.timer);
        fallback?.close();
      }
      this.deliver(handle, event);
    });
    socket.addEventListener("close", () => {
      if (this.conn === handle) this.lost(handle);
      else if (this.transport !== "socket") this.scheduleUpgrade();
    });
  }

  scheduleReconnect() {
    clearTimeout(this.timer);
    clearTimeout(this.upgradeTimer);
    if (navigator.onLine === false) {
      // The "online" event reconnects; until then only a slow check, in case the
      // browser's idea of being offline is wrong.
      this.onState("offline", this.transport);
      this.timer = setTimeout(() => this.connect(), backoffDelay(10));
      return;
    }
    this.onState("reconnecting", this.transport);
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.closed) return;
    if (this.conn?.greeted) return;
    const stale = this.conn;
    this.conn = null;
    stale?.close();
    this.attempt = 0;
    this.connect();
  }

  dropForOffline() {
    const conn = this.conn;
    this.conn = null;
    clearTimeout(this.timer);
    clearTimeout(this.upgradeTimer);
    conn?.close();
    this.onState("offline", this.transport);
  }

  // Stop for good: no reconnect, no more callbacks (the page moves to another hearing).
  close() {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.upgradeTimer);
    window.removeEventListener("online", this.handleOnline);
    window.removeEventListener("offline", this.handleOffline);
    const conn = this.conn;
    this.conn = null;
    conn?.close();
  }
}
