// The reader page: server-rendered entries, then live updates applied in place.

import { LiveFeed } from "./live.js";

const page = document.body.dataset;
const timezone = page.timezone;
const entriesEl = document.getElementById("entries");
const template = document.getElementById("entry-template");
const announcer = document.getElementById("announcer");
const newButton = document.getElementById("new-updates");
const statusEl = document.getElementById("status");
const connectionEl = document.getElementById("connection");
let waiting = [];

const KIND_LABELS = {
  note: "Note", quote: "Quote", testimony: "Testimony", ruling: "Ruling", verdict: "Verdict",
  sentence: "Sentence", procedural: "Procedure", outside: "Outside court", summary: "Summary",
};
const STATUS_LABELS = {
  scheduled: "Scheduled", live: "Live", recess: "In recess", adjourned: "Adjourned", closed: "Closed",
};
const CONNECTION_LABELS = {
  connecting: "Connecting…", live: "Live updates on", reconnecting: "Reconnecting…",
  offline: "Offline — will catch up",
};

const clock = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hour: "2-digit", minute: "2-digit" });

function courtTime(value) {
  return clock.format(new Date(value));
}

function fillEntry(article, entry) {
  article.className = `entry kind-${entry.kind}${entry.key ? " key" : ""}${entry.pinned ? " pinned" : ""}`;
  article.id = `entry-${entry.id}`;
  article.dataset.id = entry.id;
  article.dataset.occurred = entry.occurred_at;
  article.dataset.published = entry.published_at;
  const link = article.querySelector(".time");
  link.href = `#entry-${entry.id}`;
  const time = article.querySelector("time");
  time.dateTime = entry.occurred_at;
  time.textContent = courtTime(entry.occurred_at);
  article.querySelector(".kind").textContent = KIND_LABELS[entry.kind] || entry.kind;
  article.querySelector(".flag").hidden = !entry.key;
  const speaker = article.querySelector(".speaker");
  speaker.hidden = !entry.speaker;
  if (entry.speaker) {
    speaker.textContent = entry.speaker.name
      ? `${entry.speaker.name} (${entry.speaker.role})`
      : entry.speaker.role.charAt(0).toUpperCase() + entry.speaker.role.slice(1);
  }
  // entry.html is sanitized by the server (nh3) when the entry is written.
  article.querySelector(".body").innerHTML = entry.html;
  const correction = article.querySelector(".correction");
  correction.hidden = !entry.correction;
  correction.querySelector(".text").textContent = entry.correction || "";
}

function newArticle(entry) {
  const article = template.content.firstElementChild.cloneNode(true);
  fillEntry(article, entry);
  return article;
}

function rebuildFromServerMarkup(article, entry) {
  // Server-rendered articles have the same parts; normalise them to the template's shape.
  const fresh = newArticle(entry);
  article.replaceWith(fresh);
  return fresh;
}

function placeEntry(article) {
  const when = new Date(article.dataset.occurred).getTime();
  for (const other of entriesEl.children) {
    if (other === article) continue;
    if (new Date(other.dataset.occurred).getTime() < when) {
      entriesEl.insertBefore(article, other);
      return;
    }
  }
  entriesEl.appendChild(article);
}

function atTop() {
  return window.scrollY < entriesEl.offsetTop;
}

function showWaiting() {
  newButton.hidden = waiting.length === 0;
  newButton.textContent = waiting.length === 1 ? "1 new update" : `${waiting.length} new updates`;
}

function publish(entry) {
  const article = newArticle(entry);
  if (atTop()) {
    placeEntry(article);
  } else {
    waiting.push(article);
    showWaiting();
  }
  document.getElementById("empty")?.remove();
  announcer.textContent = `New update, ${KIND_LABELS[entry.kind] || entry.kind}: ${article.querySelector(".body").textContent.slice(0, 140)}`;
}

function revise(entry) {
  const existing = document.getElementById(`entry-${entry.id}`);
  if (!existing) return publish(entry);
  const article = rebuildFromServerMarkup(existing, entry);
  if (article.isConnected) placeEntry(article);
  const pinnedCopy = document.getElementById(`pinned-${entry.id}`);
  if (pinnedCopy) pinnedCopy.remove();
  updateKeyList(entry);
}

function remove(entryId) {
  for (const id of [`entry-${entryId}`, `pinned-${entryId}`]) document.getElementById(id)?.remove();
  waiting = waiting.filter((article) => article.dataset.id !== entryId);
  showWaiting();
  document.querySelector(`#key-list li[data-id="${CSS.escape(entryId)}"]`)?.remove();
}

function updateKeyList(entry) {
  const list = document.getElementById("key-list");
  let item = list.querySelector(`li[data-id="${CSS.escape(entry.id)}"]`);
  if (!entry.key) {
    item?.remove();
  } else {
    if (!item) {
      item = document.createElement("li");
      item.dataset.id = entry.id;
      item.appendChild(document.createElement("a"));
      list.prepend(item);
    }
    const link = item.querySelector("a");
    link.href = `#entry-${entry.id}`;
    link.textContent = `${courtTime(entry.occurred_at)} · ${KIND_LABELS[entry.kind] || entry.kind}`;
  }
  list.closest("nav").hidden = list.children.length === 0;
}

function updateHearing(hearing) {
  statusEl.className = `status status-${hearing.status}`;
  statusEl.textContent = STATUS_LABELS[hearing.status] || hearing.status;
  document.querySelector(".starts")?.remove();
}

function apply(event) {
  switch (event.type) {
    case "entry.published":
      if (event.data.deleted) return;
      publish(event.data);
      updateKeyList(event.data);
      return;
    case "entry.revised":
      if (event.data.deleted) return;
      revise(event.data);
      return;
    case "entry.deleted":
      remove(event.data.id);
      return;
    case "hearing.updated":
      updateHearing(event.data);
      return;
    default:
      // Types this page does not know are ignored, as the contract says.
  }
}

function showConnection(state) {
  connectionEl.hidden = false;
  connectionEl.dataset.state = state;
  connectionEl.textContent = CONNECTION_LABELS[state];
}

newButton.addEventListener("click", () => {
  for (const article of waiting) placeEntry(article);
  waiting = [];
  showWaiting();
  entriesEl.scrollIntoView({ block: "start" });
});

window.addEventListener("scroll", () => {
  if (atTop() && waiting.length) newButton.click();
}, { passive: true });

const feed = new LiveFeed({
  hearing: page.hearing,
  lastSeq: Number(page.lastSeq),
  epoch: page.epoch,
  onEvent: apply,
  onState: showConnection,
  onReset: () => location.reload(),
});
window.courtwireFeed = feed;
feed.connect();
