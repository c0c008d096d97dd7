// Moderation: the log folded into entries, live

import { phrase, phraseCount } from "../labels.js";
import { applyEvent, emptyState, visible } from "../timeline.js";
import { moderationItem, refreshItem } from "./entries.js";
import { DeskFeed } from "./feed.js";
import { hearingChanged } from "./header.js";
import { desk } from "./state.js";
import { $ } from "./ui.js";
import { loadWithheld } from "./withheld.js";

const FRESH_MS = 8000;

export function startModeration(slug) {
  desk.state = emptyState();
  desk.liveFrom = Infinity;
  setFeedState("connecting");
  const feed = new DeskFeed({
    hearing: slug,
    lastSeq: 0,
    epoch: null,
    onEvent: (event) => moderationEvent(feed, event),
    onState: (state) => {
      if (desk.feed === feed) setFeedState(state);
    },
    onReset: () => {
      // The server's history changed (a restored backup): fold it again from the start.
      feed.stop();
      if (desk.feed === feed) {
        desk.editing.clear();
        $("#mod-entries").replaceChildren();
        startModeration(slug);
      }
    },
  });
  feed.onHello = (hello) => {
    if (desk.liveFrom === Infinity) desk.liveFrom = hello.last_seq;
  };
  desk.feed = feed;
  feed.connect();
  renderModeration();
  loadWithheld();
}

const FEED_LABELS = {
  connecting: phrase("connection.connecting"), live: phrase("desk.feed_live"),
  reconnecting: phrase("connection.reconnecting"), offline: phrase("connection.offline"),
};

function setFeedState(state) {
  const el = $("#feed-state");
  el.dataset.state = state;
  el.textContent = FEED_LABELS[state] || state;
}

function moderationEvent(feed, event) {
  if (desk.feed !== feed) return;
  applyEvent(desk.state, event);
  if (event.type === "entry.withheld" || desk.withheld.has(event.data?.id)) loadWithheld();
  if (event.type === "hearing.updated") hearingChanged(event.data);
  desk.queue.refresh(); // a release, a new hold: the queue may have changed
  desk.replay?.append(event);
  const fresh = event.seq > desk.liveFrom && event.type === "entry.published" ? event.data.id : null;
  scheduleRender(fresh);
}

let renderQueued = false;
const freshIds = new Set();

function scheduleRender(freshId) {
  if (freshId) freshIds.add(freshId);
  if (renderQueued) return;
  renderQueued = true;
  // One render per burst of events (a backlog arrives as many frames at once).
  setTimeout(() => {
    renderQueued = false;
    renderModeration();
  }, 0);
}

function renderModeration() {
  const list = $("#mod-entries");
  const entries = visible(desk.state);
  const wanted = new Set(entries.map((entry) => entry.id));
  for (const item of [...list.children]) {
    if (!wanted.has(item.dataset.id)) {
      desk.editing.delete(item.dataset.id);
      item.remove();
    }
  }
  entries.forEach((entry, index) => {
    let item = document.getElementById(`mod-${entry.id}`);
    if (!item) {
      item = moderationItem(entry);
    } else if (item.dataset.revision !== String(entry.revision)) {
      refreshItem(item, entry);
    }
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
  });
  for (const id of freshIds) {
    const item = document.getElementById(`mod-${id}`);
    if (!item) continue;
    item.classList.add("fresh");
    setTimeout(() => item.classList.remove("fresh"), FRESH_MS);
  }
  freshIds.clear();
  $("#mod-empty").hidden = entries.length > 0;
  const keys = entries.filter((entry) => entry.key).length;
  $("#entry-count").textContent = `${phraseCount("updates", entries.length)}, ${phraseCount("key_events", keys)}`;
  $("#panel-moderate").dataset.lastSeq = String(desk.state.lastSeq);
}
