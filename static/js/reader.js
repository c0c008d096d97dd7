// The reader page: server-rendered entries, then live updates applied in place.
//
// The page never moves under a reader: while they are scrolled down, new updates (and
// changes to the panels above the updates) wait behind a "N new updates" button. Text
// from the server goes in through textContent; only `entry.html`, which the server
// sanitized when the entry was written, is set as HTML.

import { courtDateTime, relativeTime } from "./courtdates.js";
import { entryArticle, fillEntry, keyLabel } from "./entryview.js";
import { courtDays, placeDayHeadings } from "./days.js";
import { LANG, kindText, phrase, phraseCount, speakerText, statusText } from "./labels.js";
import { LiveFeed } from "./live.js";
import { watchRevisions } from "./revisions.js";

const page = document.body.dataset;
const timezone = page.timezone;
const slug = page.hearing;
const archive = page.archive !== undefined;
// In the embed, an update's time links to it on the full page (opened outside the frame).
const entryBase = page.entryBase || "";
const byId = (id) => document.getElementById(id);

const entriesEl = byId("entries");
const announcer = byId("announcer");
const newButton = byId("new-updates");
const statusEl = byId("status");
const startsEl = byId("starts");
const connectionEl = byId("connection");
const orderButton = byId("order");
const olderNav = byId("older");
const olderLink = byId("older-link");
const olderStatus = byId("older-status");
const keyNav = byId("key-events");
const keyList = byId("key-list");
const pinnedEl = byId("pinned");
const emptyEl = byId("empty");
const lastUpdatedEl = byId("last-updated");
const daysNav = byId("days");
const dayList = byId("day-list");

const ORDER_KEY = "courtwire.reader.order";
const OLDER_PAGE = 100;
const MINUTE_MS = 60000;

let oldestFirst = false;
let held = []; // entries that arrived while the reader was scrolled down (newest first mode)
let unseen = []; // ids appended below the reader (oldest first mode)
let panelsStale = false;
let loadingOlder = null;
let connection = { state: null, transport: "socket" }; // the live feed's, shown with the hearing's status

// Bylines: display names by username, as the server gave them (it leaves out any that
// names one of the hearing's restricted terms). Fetched again when an entry by an author
// the page does not know arrives, and after a withholding or a change of the hearing.
let bylines = JSON.parse(page.bylines || "{}");
const liveAuthors = new Map(); // entry id → author, for the entries this script rendered
const askedAbout = new Set();

// Times

// In the page's language, as the server writes them in its first paint (days.js).
const days = courtDays(timezone);

/** The page's updates, in the order they stand (the day headings between them left out). */
function articles() {
  return [...entriesEl.querySelectorAll(":scope > article")];
}

function refreshTimes() {
  const now = Date.now();
  for (const article of document.querySelectorAll(".entry[data-occurred]")) {
    const ago = article.querySelector(".ago");
    if (ago) ago.textContent = relativeTime(article.dataset.occurred, now);
    // A date appears when the day is over in the hearing's time zone.
    article.querySelector(".time time").textContent = days.time(article.dataset.occurred, now);
  }
  for (const time of keyList.querySelectorAll("time")) {
    time.textContent = days.time(time.dateTime, now);
  }
  const updated = lastUpdatedEl.getAttribute("datetime");
  if (updated) lastUpdatedEl.title = relativeTime(updated, now);
}

function markUpdated(at) {
  if (!at) return;
  lastUpdatedEl.setAttribute("datetime", at);
  lastUpdatedEl.textContent = courtDateTime(at, timezone);
  lastUpdatedEl.title = relativeTime(at);
  lastUpdatedEl.parentElement.hidden = false;
}

// Entries

/** The author's display name to show on an entry this script draws ("": none). */
function bylineOf(entry) {
  liveAuthors.set(entry.id, entry.author);
  if (!(entry.author in bylines) && !askedAbout.has(entry.author)) {
    askedAbout.add(entry.author);
    refreshBylines();
  }
  return bylines[entry.author] || "";
}

/** Draw `entry` into `article` (entryview.js, as the server does), with its age (and a
 * fresh, closed "Show earlier versions": after a new version the old list is stale). */
function redraw(article, entry, prefix = "entry") {
  fillEntry(article, entry, { timezone, prefix, entryBase, byline: bylineOf(entry), earlier: true });
  article.querySelector(".ago").textContent = relativeTime(entry.occurred_at);
}

/** An entry's byline: its author's display name; for one the server rendered, the name it
 * shows while that is still a byline. */
function showByline(article) {
  const byline = article.querySelector(".byline");
  const author = liveAuthors.get(article.dataset.id);
  const shown = byline.querySelector(".author").textContent;
  const name = author !== undefined ? bylines[author] || ""
    : Object.values(bylines).includes(shown) ? shown : "";
  byline.querySelector(".author").textContent = name;
  byline.hidden = !name;
}

async function refreshBylines() {
  try {
    const response = await fetch(`/api/hearings/${encodeURIComponent(slug)}/bylines`);
    if (!response.ok) return;
    bylines = (await response.json()).bylines;
  } catch {
    return; // Offline: the next event asks again.
  }
  for (const article of document.querySelectorAll("article.entry")) showByline(article);
}

function newArticle(entry) {
  const article = entryArticle(entry, { timezone, entryBase, byline: bylineOf(entry), earlier: true });
  article.querySelector(".ago").textContent = relativeTime(entry.occurred_at);
  return article;
}

function shownArticle(id) {
  return byId(`entry-${id}`);
}

function placeEntry(article) {
  // Court-time order; among equal times the later post comes first in newest-first order.
  const when = Date.parse(article.dataset.occurred);
  const next = articles().find((other) => {
    const then = Date.parse(other.dataset.occurred);
    return other !== article && (oldestFirst ? then > when : then <= when);
  });
  if (next) entriesEl.insertBefore(article, next);
  else entriesEl.appendChild(article);
  refreshDays();
}

/** Day headings among the updates, and every day of them in the list of days to jump
 * to (the server listed the hearing's days when the page was made). */
function refreshDays() {
  for (const [key, label] of placeDayHeadings(entriesEl, days)) {
    if (dayList.querySelector(`li[data-day="${key}"]`)) continue;
    const item = document.createElement("li");
    item.dataset.day = key;
    const link = document.createElement("a");
    link.href = `#day-${key}`;
    link.textContent = label;
    item.append(link);
    const later = [...dayList.children].find((other) => other.dataset.day > key);
    dayList.insertBefore(item, later || null);
  }
  daysNav.hidden = dayList.children.length < 2;
}

/** Whether `entry` is older in court time than every update on the page. A tie counts
 * as on the page: the server breaks ties by seq, which the page does not keep, and an
 * older page that brings the entry again does not show it twice. */
function olderThanLoaded(entry) {
  const shown = articles();
  const oldest = oldestFirst ? shown[0] : shown[shown.length - 1];
  return !oldest || Date.parse(entry.occurred_at) < Date.parse(oldest.dataset.occurred);
}

function entriesTop() {
  return entriesEl.getBoundingClientRect().top + window.scrollY;
}

function atTop() {
  return window.scrollY < entriesTop();
}

function nearBottom() {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
}

function showEmpty() {
  emptyEl.hidden = articles().length > 0 || held.length > 0;
}

// Panels above the updates: pinned entries and key events, rebuilt from the page.

function keyItem(article) {
  const item = document.createElement("li");
  item.dataset.id = article.dataset.id;
  const link = document.createElement("a");
  link.href = `#entry-${article.dataset.id}`;
  const time = document.createElement("time");
  time.dateTime = article.dataset.occurred;
  time.textContent = days.time(article.dataset.occurred);
  const label = keyLabel(article.querySelector(".kind").textContent, article.querySelector(".body").innerHTML);
  link.append(time, ` · ${label}`);
  item.append(link);
  return item;
}

function refreshPanels() {
  panelsStale = false;
  const shown = articles();
  const keyed = shown.filter((article) => article.classList.contains("key"));
  keyList.replaceChildren(...keyed.map(keyItem));
  keyNav.hidden = keyed.length === 0;
  const pinned = shown.filter((article) => article.classList.contains("pinned"));
  pinnedEl.replaceChildren(...pinned.map((article) => {
    const copy = article.cloneNode(true);
    copy.id = `pinned-${article.dataset.id}`;
    copy.classList.remove("targeted");
    return copy;
  }));
  pinnedEl.hidden = pinned.length === 0;
}

function panelsChanged() {
  panelsStale = true;
  if (atTop()) refreshPanels();
}

// New updates, announcements

let announceQueue = [];
let announceTimer = null;

function announce(text) {
  announceQueue.push(text);
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    const count = announceQueue.length;
    const latest = announceQueue[count - 1];
    announcer.textContent = count === 1 ? latest : phraseCount("new_updates_latest", count, { latest });
    announceQueue = [];
  }, 600);
}

function summary(entry) {
  const text = entry.body.replace(/\s+/g, " ").trim().slice(0, 160);
  const speaker = entry.speaker ? `${speakerText(entry.speaker)}: ` : "";
  return `${kindText(entry.kind)}. ${speaker}${text}`;
}

function showNewButton() {
  const count = oldestFirst ? unseen.length : held.length;
  newButton.hidden = count === 0;
  newButton.textContent = phraseCount(oldestFirst ? "new_updates_below" : "new_updates", count);
}

function showHeld({ focus }) {
  const first = held.length ? held[held.length - 1].id : null;
  for (const entry of held) placeEntry(newArticle(entry));
  held = [];
  showNewButton();
  showEmpty();
  refreshTimes();
  if (panelsStale) refreshPanels();
  if (focus && first) {
    byId("updates-title").scrollIntoView({ block: "start" });
    const article = shownArticle(first);
    if (article) {
      article.tabIndex = -1;
      article.focus({ preventScroll: true });
    }
  }
}

function showUnseen() {
  const first = unseen.map(shownArticle).find(Boolean);
  unseen = [];
  showNewButton();
  if (first) {
    first.scrollIntoView({ block: "start" });
    first.tabIndex = -1;
    first.focus({ preventScroll: true });
  }
}

// Events

function published(entry) {
  if (entry.deleted) return;
  if (shownArticle(entry.id) || held.some((other) => other.id === entry.id)) {
    // Already on the page (rendered while this event was on its way): update it.
    revised(entry);
    return;
  }
  announce(summary(entry));
  if (!oldestFirst && !atTop()) {
    held.push(entry);
    panelsStale = panelsStale || entry.key || entry.pinned;
    showNewButton();
    return;
  }
  showEntry(entry);
  if (oldestFirst && !nearBottom()) {
    unseen.push(entry.id);
    showNewButton();
  }
}

/** Put an entry that is not on the page yet in its place by court time. */
function showEntry(entry) {
  placeEntry(newArticle(entry));
  showEmpty();
  if (entry.key || entry.pinned) panelsChanged();
}

function revised(entry) {
  if (entry.deleted) {
    removed(entry.id);
    return;
  }
  const index = held.findIndex((other) => other.id === entry.id);
  if (index >= 0) {
    held[index] = entry;
    return;
  }
  const article = shownArticle(entry.id);
  if (!article) {
    // Not loaded yet: an older page brings it, unless its new court time puts it among
    // the updates already here, where no older page will.
    if (!olderLink.dataset.before || !olderThanLoaded(entry)) showEntry(entry);
    return;
  }
  const moved = article.dataset.occurred !== entry.occurred_at;
  const panelBefore = `${article.classList.contains("key")}${article.classList.contains("pinned")}`;
  redraw(article, entry);
  if (moved) placeEntry(article);
  const copy = byId(`pinned-${entry.id}`);
  if (copy && entry.pinned) redraw(copy, entry, "pinned");
  if (moved || panelBefore !== `${entry.key}${entry.pinned}` || entry.key || entry.pinned) {
    panelsChanged();
  }
}

/** Drop an entry from the page's schema.org data too: crawlers read the live DOM. */
function dropFromStructuredData(entryId) {
  const script = document.querySelector('script[type="application/ld+json"]');
  if (!script) return;
  const data = JSON.parse(script.textContent);
  const suffix = `#entry-${entryId}`;
  const updates = data.liveBlogUpdate || [];
  const kept = updates.filter((update) => !String(update.url).endsWith(suffix));
  if (kept.length === updates.length) return;
  data.liveBlogUpdate = kept;
  script.textContent = JSON.stringify(data).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

function removed(entryId) {
  // Deleted or withheld content leaves the page at once, wherever the reader is.
  dropFromStructuredData(entryId);
  held = held.filter((entry) => entry.id !== entryId);
  unseen = unseen.filter((id) => id !== entryId);
  for (const id of [`entry-${entryId}`, `pinned-${entryId}`]) byId(id)?.remove();
  refreshDays();
  keyList.querySelector(`li[data-id="${CSS.escape(entryId)}"]`)?.remove();
  keyNav.hidden = keyList.children.length === 0;
  pinnedEl.hidden = pinnedEl.children.length === 0;
  showNewButton();
  showEmpty();
}

function hearingUpdated(hearing) {
  const before = statusEl.className;
  statusEl.className = `status status-${hearing.status}`;
  statusEl.textContent = statusText(hearing.status);
  const scheduled = hearing.status === "scheduled" && hearing.scheduled_start;
  startsEl.hidden = !scheduled;
  if (scheduled) {
    const time = document.createElement("time");
    time.dateTime = hearing.scheduled_start;
    time.textContent = courtDateTime(hearing.scheduled_start, timezone);
    startsEl.replaceChildren(`${phrase("starts")} `, time);
  }
  byId("hearing-title").textContent = hearing.title;
  document.title = phrase("page_title", { title: hearing.title });
  byId("hearing-court").textContent = hearing.court;
  for (const [id, value] of [["hearing-case", hearing.case_ref], ["hearing-location", hearing.location]]) {
    const part = byId(id);
    part.textContent = value ? ` · ${value}` : "";
    part.hidden = !value;
  }
  showDescription(hearing.description);
  showReporting(hearing);
  if (connection.state) showConnection(connection.state, connection.transport);
  if (before !== statusEl.className) announce(phrase(`status_news.${hearing.status}`));
  // The page's own words are the hearing's language: a new language needs a new page.
  if (hearing.language && hearing.language !== LANG) location.reload();
}

/** The hearing's description, rendered by the server as entry bodies are: fetched
 * with the hearing when its text changed (the log carries the text alone). */
async function showDescription(text) {
  const description = byId("hearing-description");
  if (description.dataset.text === text) return;
  description.dataset.text = text;
  try {
    const response = await fetch(`/api/hearings/${encodeURIComponent(slug)}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const hearing = await response.json();
    if (hearing.description !== description.dataset.text) return; // changed again meanwhile
    // Sanitized by the server (courtwire.markup), as entry.html is.
    description.innerHTML = hearing.description_html;
    description.hidden = !hearing.description;
  } catch {
    delete description.dataset.text; // Offline or refused: the next change asks again.
  }
}

/** The court's hold on reporting, as a banner (its role="status" announces it). */
function showReporting(hearing) {
  const banner = byId("reporting-held");
  const held = hearing.reporting === "held";
  const text = hearing.reporting_note || phrase("reporting_paused");
  if (banner.hidden === !held && banner.textContent === text) return;
  banner.textContent = text;
  banner.hidden = !held;
}

function apply(event) {
  markUpdated(event.at);
  switch (event.type) {
    case "entry.published":
      published(event.data);
      return;
    case "entry.revised":
      revised(event.data);
      return;
    case "entry.deleted":
      removed(event.data.id);
      return;
    case "entry.withheld":
      // A new restriction: it may name a byline too.
      removed(event.data.id);
      refreshBylines();
      return;
    case "hearing.updated":
      hearingUpdated(event.data);
      refreshBylines();
      return;
    default:
      // Types this page does not know are ignored, as the contract says.
  }
}

/** The live feed's state; a closed hearing has no live updates to announce, only
 * corrections, so a working feed there says the page is up to date. */
function showConnection(state, transport = "socket") {
  connection = { state, transport };
  connectionEl.hidden = false;
  connectionEl.dataset.state = state;
  connectionEl.dataset.transport = transport;
  const closed = statusEl.classList.contains("status-closed");
  // Server-Sent Events or polling, where a network lets no WebSocket through.
  const compatible = state === "live" && transport !== "socket";
  if (state === "live" && closed) connectionEl.textContent = phrase("connection.up_to_date");
  else connectionEl.textContent = phrase(compatible ? "connection.compatible" : `connection.${state}`);
}

// Order: newest first (the server's) or oldest first, remembered on this device.

function placeOlderNav() {
  if (oldestFirst) entriesEl.before(olderNav);
  else emptyEl.after(olderNav);
}

function setOrder(oldest) {
  if (oldest === oldestFirst) return;
  showHeld({ focus: false });
  unseen = [];
  oldestFirst = oldest;
  entriesEl.append(...articles().reverse());
  refreshDays();
  placeOlderNav();
  refreshPanels();
  showNewButton();
  orderButton.setAttribute("aria-pressed", String(oldest));
  try {
    localStorage.setItem(ORDER_KEY, oldest ? "oldest" : "newest");
  } catch {
    // Private mode: the choice holds for this page only.
  }
}

function storedOrder() {
  try {
    return localStorage.getItem(ORDER_KEY) === "oldest";
  } catch {
    return false;
  }
}

// Older updates, on demand: the server page holds the newest ones.

function setOlderCursor(before) {
  olderLink.dataset.before = before ? String(before) : "";
  olderLink.href = before ? `/h/${encodeURIComponent(slug)}?before=${before}#updates-title` : "#";
  olderNav.hidden = !before;
}

async function fetchOlder() {
  const before = olderLink.dataset.before;
  if (!before) return [];
  olderStatus.textContent = phrase("loading_older");
  const params = new URLSearchParams({ limit: String(OLDER_PAGE), before });
  const response = await fetch(`/api/hearings/${encodeURIComponent(slug)}/entries?${params}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = await response.json();
  const fresh = body.entries
    .filter((entry) => !shownArticle(entry.id) && !held.some((other) => other.id === entry.id))
    .map(newArticle);
  if (oldestFirst) entriesEl.prepend(...fresh.reverse());
  else entriesEl.append(...fresh);
  for (const entry of body.entries) {
    // Here already, but a correction moved its court time among these older ones.
    const article = shownArticle(entry.id);
    if (article && !fresh.includes(article)) placeEntry(article);
  }
  refreshDays();
  setOlderCursor(body.next_before);
  olderStatus.textContent = phraseCount("older_loaded", fresh.length);
  showEmpty();
  if (fresh.some((article) => article.matches(".key, .pinned"))) panelsChanged();
  return oldestFirst ? fresh[fresh.length - 1] : fresh[0];
}

function loadOlder() {
  if (!loadingOlder) {
    loadingOlder = fetchOlder()
      .catch(() => {
        olderStatus.textContent = phrase("older_failed");
        return null;
      })
      .finally(() => {
        loadingOlder = null;
      });
  }
  return loadingOlder;
}

// Permalinks: #entry-<id> scrolls to the entry and #day-<date> to the day's heading,
// loading older pages when it is older.

async function revealHash() {
  const match = /^#(entry-[0-9a-f-]{36}|day-\d{4}-\d{2}-\d{2})$/i.exec(location.hash);
  if (!match) return;
  const id = match[1];
  if (held.some((entry) => `entry-${entry.id}` === id)) showHeld({ focus: false });
  let target = byId(id);
  for (let pages = 0; !target && olderLink.dataset.before && pages < 100; pages += 1) {
    if ((await loadOlder()) === null) break;
    target = byId(id);
  }
  if (!target) return;
  for (const other of document.querySelectorAll(".targeted")) other.classList.remove("targeted");
  target.classList.add("targeted");
  target.scrollIntoView({ block: "start" });
}

// Wiring

newButton.addEventListener("click", () => {
  if (oldestFirst) showUnseen();
  else showHeld({ focus: true });
});

window.addEventListener("scroll", () => {
  if (!oldestFirst && atTop()) {
    if (held.length) showHeld({ focus: false });
    else if (panelsStale) refreshPanels();
  }
  if (oldestFirst && unseen.length && nearBottom()) {
    unseen = [];
    showNewButton();
  }
  if (oldestFirst && panelsStale && atTop()) refreshPanels();
}, { passive: true });

orderButton.hidden = false;
orderButton.addEventListener("click", () => setOrder(!oldestFirst));
if (storedOrder()) setOrder(true);

olderLink.addEventListener("click", async (event) => {
  event.preventDefault();
  const first = await loadOlder();
  if (first) {
    first.tabIndex = -1;
    first.focus({ preventScroll: true });
  }
});

watchRevisions(document.querySelector("main"), slug, days);

window.addEventListener("hashchange", revealHash);
if (location.hash) revealHash();

// The server compares times as text; the page knows better when offsets differ.
const latest = Math.max(0, ...articles().flatMap((article) => [
  Date.parse(article.dataset.published), Date.parse(article.dataset.revised || "") || 0,
]));
if (latest > (Date.parse(lastUpdatedEl.getAttribute("datetime") || "") || 0)) {
  markUpdated(new Date(latest).toISOString());
}
refreshTimes();
setInterval(refreshTimes, MINUTE_MS);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refreshTimes();
});

if (!archive) {
  const feed = new LiveFeed({
    hearing: slug,
    lastSeq: Number(page.lastSeq),
    epoch: page.epoch,
    onEvent: apply,
    onState: showConnection,
    onReset: () => location.reload(),
  });
  window.courtwireFeed = feed;
  feed.connect();
}
