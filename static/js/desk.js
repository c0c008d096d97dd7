// The editor desk: hearings (create, edit, status), live moderation of a hearing's
// entries, people (accounts, revoking tokens), replay and export.
//
// Everything goes through the staff API (api.js) with the token kept in localStorage;
// the moderation list is the hearing's event log folded by timeline.js, fed by the same
// resuming WebSocket the reader page uses (live.js). DOM text goes in through
// textContent; only entry.html, sanitized by the server, goes in as HTML.

import {
  ApiError, clearToken, del, get, getToken, login, logout, onUnauthorized, patch, post, seg,
} from "./api.js";
import { AuditView } from "./audit.js";
import { element, entryNodes } from "./entryview.js";
import { KIND_LABELS, kindText, roleText, statusText } from "./labels.js";
import { LiveFeed } from "./live.js";
import { QueuePanel } from "./queue.js";
import { courtFormat, ReplayPlayer } from "./replay.js";
import { applyEvent, emptyState, visible } from "./timeline.js";
import { pad, rfc3339InZone, validZone, wallToDate, zoneParts } from "./zones.js";

const KINDS = Object.keys(KIND_LABELS);
const SPEAKER_ROLES = ["judge", "prosecution", "defence", "defendant", "witness", "clerk", "other"];
const TABS = ["moderate", "details", "replay", "export", "audit"];
const FRESH_MS = 8000;

/** Status controls offered in each status: [label, new status, needs confirmation]. */
const STATUS_ACTIONS = {
  scheduled: [["Go live", "live"], ["Adjourn", "adjourned"], ["Close", "closed", true]],
  live: [["Recess", "recess"], ["Adjourn", "adjourned"], ["Close", "closed", true]],
  recess: [["Resume", "live"], ["Adjourn", "adjourned"], ["Close", "closed", true]],
  adjourned: [["Resume", "live"], ["Close", "closed", true]],
  closed: [["Reopen", "live", true]],
};

const $ = (selector, root = document) => root.querySelector(selector);

function button(text, className, onClick) {
  const node = element("button", className, text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

// Time zones: the <input type="datetime-local"> values are wall-clock times in the
// hearing's zone; the API wants RFC 3339 with the zone's offset at that moment.

/** "2020-01-06T10:00[:ss]" in `timezone` → "2020-01-06T10:00:00+06:00". */
export function wallToRfc3339(wall, timezone) {
  const [date, time] = wall.split("T");
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute, second = 0] = time.split(":").map(Number);
  return rfc3339InZone(wallToDate({ year, month, day, hour, minute, second }, timezone), timezone);
}

/** An RFC 3339 time → the datetime-local value of that moment in `timezone`. */
export function rfc3339ToWall(value, timezone) {
  if (!value) return "";
  const p = zoneParts(new Date(value), timezone);
  const base = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
  return p.second === 0 ? base : `${base}:${pad(p.second)}`;
}

// Messages

const toast = $("#toast");
let toastTimer = null;

function say(message, kind = "info") {
  clearTimeout(toastTimer);
  toast.textContent = message;
  toast.dataset.kind = kind;
  toast.classList.add("shown");
  toastTimer = setTimeout(() => toast.classList.remove("shown"), 6000);
}

function showError(target, error) {
  target.hidden = false;
  target.textContent = error instanceof ApiError ? error.message : String(error);
}

/** A confirmation in a modal dialog; resolves to true when confirmed. */
function confirmAction(title, text, action) {
  const dialog = $("#confirm-dialog");
  $("#confirm-title").textContent = title;
  $("#confirm-text").textContent = text;
  $("#confirm-ok").textContent = action;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
    $("#confirm-cancel").focus();
  });
}

// State of the desk

const desk = {
  user: null,
  hearings: [],
  slug: null,
  tab: "moderate",
  hearing: null,
  feed: null,
  state: emptyState(),
  liveFrom: Infinity,
  editing: new Set(),
  withheld: new Map(),
  replay: null,
  replayFor: null,
  queue: null, // the Queue panel (queue.js)
  audit: null, // the Audit tab (audit.js)
};

class DeskFeed extends LiveFeed {
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

// Sign-in

function showView(name) {
  document.body.dataset.state = name;
  $("#login-view").hidden = name !== "login";
  $("#desk-view").hidden = name !== "desk";
}

async function start() {
  onUnauthorized(() => signedOut("Your session has ended; sign in again."));
  $("#login-form").addEventListener("submit", submitLogin);
  $("#logout").addEventListener("click", async () => {
    await logout();
    signedOut("Signed out.");
  });
  if (!getToken()) {
    showView("login");
    return;
  }
  try {
    const { user } = await get("/api/me");
    await enter(user);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401) {
      showView("login");
      showError($("#login-error"), error);
    }
  }
}

async function submitLogin(submit) {
  submit.preventDefault();
  const form = submit.currentTarget;
  const errorEl = $("#login-error");
  errorEl.hidden = true;
  form.querySelector("button").disabled = true;
  try {
    const user = await login(form.username.value.trim(), form.password.value);
    form.password.value = "";
    await enter(user);
  } catch (error) {
    showError(errorEl, error);
  } finally {
    form.querySelector("button").disabled = false;
  }
}

async function enter(user) {
  if (user.role !== "editor" && user.role !== "admin") {
    await logout();
    showView("login");
    showError($("#login-error"), `${user.username} is a ${user.role}: the desk needs an editor or admin account.`);
    return;
  }
  desk.user = user;
  $("#whoami").textContent = `${user.username} (${user.role})`;
  $("#user-role").querySelector("option[value=admin]").hidden = user.role !== "admin";
  $("#user-role").querySelector("option[value=admin]").disabled = user.role !== "admin";
  showView("desk");
  await loadHearings();
  await route();
}

function signedOut(message) {
  clearToken();
  desk.user = null;
  closeHearing();
  showView("login");
  if (message) say(message);
  $("#login-username").focus();
}

// Routing: #/hearings/<slug>/<tab>, #/new, #/people

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "people") return { view: "people" };
  if (parts[0] === "new") return { view: "new" };
  if (parts[0] === "hearings" && parts[1]) {
    return { view: "hearing", slug: parts[1], tab: TABS.includes(parts[2]) ? parts[2] : "moderate" };
  }
  return { view: "hearings" };
}

function hearingHash(slug, tab = "moderate") {
  return `#/hearings/${encodeURIComponent(slug)}/${tab}`;
}

async function route() {
  if (!desk.user) return;
  const target = parseRoute();
  $("#people-view").hidden = target.view !== "people";
  $("#hearings-panel").hidden = target.view === "people";
  $("#workspace").hidden = target.view === "people";
  $("#nav-people").toggleAttribute("aria-current", target.view === "people");
  $("#nav-hearings").toggleAttribute("aria-current", target.view !== "people");
  if (target.view === "people") {
    $("#nav-people").setAttribute("aria-current", "page");
    await loadPeople();
    return;
  }
  $("#nav-hearings").setAttribute("aria-current", "page");
  $("#create-view").hidden = target.view !== "new";
  if (target.view === "new") {
    closeHearing();
    $("#workspace-empty").hidden = true;
    showCreateForm();
    return;
  }
  if (target.view === "hearing") {
    await openHearing(target.slug);
    selectTab(target.tab);
    return;
  }
  closeHearing();
  $("#workspace-empty").hidden = false;
}

// Hearings list

async function loadHearings() {
  const { hearings } = await get("/api/hearings");
  desk.hearings = hearings;
  renderHearingList();
}

function renderHearingList() {
  const list = $("#hearing-list");
  list.replaceChildren(...desk.hearings.map((hearing) => {
    const item = element("li");
    const link = element("a", "hearing-link");
    link.href = hearingHash(hearing.slug, desk.slug === hearing.slug ? desk.tab : "moderate");
    link.dataset.slug = hearing.slug;
    if (hearing.slug === desk.slug) link.setAttribute("aria-current", "true");
    link.append(element("span", "hearing-name", hearing.title));
    const meta = element("span", "hearing-sub");
    meta.append(element("span", `status status-${hearing.status}`, statusText(hearing.status)));
    if (hearing.court) meta.append(" ", hearing.court);
    link.append(meta);
    item.append(link);
    return item;
  }));
  if (!desk.hearings.length) list.append(element("li", "hint", "No hearings yet."));
}

function upsertHearing(hearing) {
  const index = desk.hearings.findIndex((h) => h.slug === hearing.slug);
  if (index >= 0) desk.hearings[index] = { ...desk.hearings[index], ...hearing };
  else desk.hearings.unshift(hearing);
  renderHearingList();
}

// One hearing

async function openHearing(slug) {
  if (desk.slug === slug && desk.hearing) return;
  closeHearing();
  desk.slug = slug;
  $("#workspace-empty").hidden = true;
  $("#create-view").hidden = true;
  let hearing;
  try {
    hearing = await get(`/api/hearings/${seg(slug)}`);
  } catch (error) {
    desk.slug = null;
    $("#workspace-empty").hidden = false;
    say(error.message, "error");
    return;
  }
  if (desk.slug !== slug) return;
  desk.hearing = hearing;
  $("#hearing-view").hidden = false;
  showHearing();
  buildDetailsForm();
  for (const [id, suffix] of [["#export-json", "json"], ["#export-md", "md"], ["#export-html", "html"]]) {
    $(id).href = `/api/hearings/${seg(slug)}/export.${suffix}`;
  }
  showEmbedCode(slug);
  startModeration(slug);
  desk.queue.open(hearing);
  renderHearingList();
}

/** The embed snippet: the iframe of the server's oEmbed answer for the hearing's page. */
async function showEmbedCode(slug) {
  const code = $("#embed-code");
  const copied = $("#embed-copied");
  code.value = "";
  copied.textContent = "";
  const params = new URLSearchParams({ url: `${location.origin}/h/${seg(slug)}`, format: "json" });
  try {
    const response = await fetch(`/oembed?${params}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (desk.slug === slug) code.value = (await response.json()).html;
  } catch {
    copied.textContent = "The embed code could not be loaded.";
  }
  $("#embed-copy").onclick = async () => {
    try {
      await navigator.clipboard.writeText(code.value);
      copied.textContent = "Copied.";
    } catch {
      code.select();
      copied.textContent = "Selected: copy it with your keyboard.";
    }
  };
}

function closeHearing() {
  desk.feed?.stop();
  desk.feed = null;
  desk.replay?.close();
  desk.replayFor = null;
  desk.slug = null;
  desk.hearing = null;
  desk.state = emptyState();
  desk.editing.clear();
  desk.queue?.close();
  desk.audit?.close();
  $("#mod-entries").replaceChildren();
  $("#hearing-view").hidden = true;
}

function showHearing() {
  const hearing = desk.hearing;
  $("#hearing-title").textContent = hearing.title;
  $("#hearing-meta").textContent = [hearing.court, hearing.case_ref, hearing.location, hearing.timezone]
    .filter(Boolean).join(" · ");
  const status = $("#hearing-status");
  status.className = `status status-${hearing.status}`;
  status.textContent = statusText(hearing.status);
  const reader = $("#reader-link");
  reader.href = `/h/${seg(hearing.slug)}`;
  reader.textContent = `Reader page /h/${hearing.slug}`;
  const actions = $("#status-actions");
  actions.replaceChildren(...(STATUS_ACTIONS[hearing.status] || []).map(([label, next, confirm]) => {
    const control = button(label, `status-action to-${next}`, () => changeStatus(label, next, confirm));
    control.dataset.status = next;
    return control;
  }));
  const held = hearing.reporting === "held";
  $("#reporting-state").hidden = !held;
  $("#reporting-state").title = hearing.reporting_note || "";
  const hold = $("#hold-toggle");
  hold.textContent = held ? "Resume reporting" : "Hold reporting";
  hold.dataset.reporting = held ? "held" : "open";
}

/** Hold reporting (what reporters send waits in the queue) or open it again (which
 * releases nothing by itself). The note for readers is set under Details. */
async function toggleHold() {
  const hearing = desk.hearing;
  if (!hearing) return;
  const next = hearing.reporting === "held" ? "open" : "held";
  const control = $("#hold-toggle");
  control.disabled = true;
  try {
    hearingChanged(await patch(`/api/hearings/${seg(hearing.slug)}`, { reporting: next }));
    say(next === "held"
      ? `${hearing.title}: reporting held. Updates wait in the queue until released.`
      : `${hearing.title}: reporting open. What waits in the queue stays there until released.`);
  } catch (error) {
    say(error.message, "error");
  } finally {
    control.disabled = false;
  }
}

async function changeStatus(label, next, confirm) {
  const hearing = desk.hearing;
  if (confirm) {
    const text = next === "closed"
      ? "Reporters can no longer post to a closed hearing. Editors can still correct it and reopen it."
      : "Reporters can post again and readers see the hearing as live.";
    if (!await confirmAction(`${label} “${hearing.title}”?`, text, label)) return;
  }
  for (const control of $("#status-actions").children) control.disabled = true;
  try {
    const updated = await patch(`/api/hearings/${seg(hearing.slug)}`, { status: next });
    hearingChanged(updated);
    say(`${hearing.title}: ${statusText(next).toLowerCase()}.`);
  } catch (error) {
    say(error.message, "error");
    showHearing();
  }
}

function hearingChanged(fields) {
  if (!desk.hearing || fields.slug !== desk.hearing.slug) return;
  desk.hearing = { ...desk.hearing, ...fields };
  desk.queue?.hearingChanged(desk.hearing);
  showHearing();
  upsertHearing(desk.hearing);
}

// Tabs

function selectTab(tab) {
  desk.tab = tab;
  for (const name of TABS) {
    const selected = name === tab;
    const control = $(`#tab-${name}`);
    control.setAttribute("aria-selected", String(selected));
    control.tabIndex = selected ? 0 : -1;
    $(`#panel-${name}`).hidden = !selected;
  }
  if (tab !== "replay") desk.replay?.pause();
  if (tab === "replay" && desk.hearing && desk.replayFor !== desk.hearing.slug) openReplay();
  if (tab === "audit" && desk.hearing) desk.audit.open(desk.hearing);
  renderHearingList();
}

function setupTabs() {
  const controls = TABS.map((name) => $(`#tab-${name}`));
  controls.forEach((control, index) => {
    control.addEventListener("click", () => {
      if (desk.slug) location.hash = hearingHash(desk.slug, TABS[index]);
    });
    control.addEventListener("keydown", (key) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[key.key];
      let next = null;
      if (step) next = (index + step + TABS.length) % TABS.length;
      if (key.key === "Home") next = 0;
      if (key.key === "End") next = TABS.length - 1;
      if (next === null || !desk.slug) return;
      key.preventDefault();
      location.hash = hearingHash(desk.slug, TABS[next]);
      controls[next].focus();
    });
  });
}

// Moderation: the log folded into entries, live

function startModeration(slug) {
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

// Withheld: entries a restriction took off the public channels, for an editor to
// correct (which publishes the clean revision) or delete.

async function loadWithheld() {
  const slug = desk.slug;
  let found;
  try {
    found = (await get(`/api/hearings/${seg(slug)}/withheld`)).withheld;
  } catch (error) {
    say(error.message, "error");
    return;
  }
  if (desk.slug !== slug) return;
  desk.withheld = new Map(found.map((item) => [item.entry.id, item.entry]));
  const list = $("#withheld-entries");
  list.replaceChildren(...found.map((item) => withheldItem(item)));
  $("#withheld").hidden = found.length === 0;
  $("#withheld-title").textContent = `Withheld by a reporting restriction (${found.length})`;
}

function withheldItem({ entry, message }) {
  const item = element("li", `mod-entry withheld-entry kind-${entry.kind}`);
  item.id = `withheld-${entry.id}`;
  const nodes = entryNodes(entry, courtFormat(desk.hearing.timezone), { byline: true });
  nodes[0].id = `withheld-head-${entry.id}`;
  const why = element("p", "why", message || "It named a term that was restricted after it went out.");
  const actions = element("div", "actions");
  const edit = button("Correct", "edit", () => openEditor(item, entry.id, entry));
  const remove = button("Delete", "delete danger", () => removeEntry(entry.id, entry));
  for (const control of [edit, remove]) control.setAttribute("aria-describedby", nodes[0].id);
  actions.replaceChildren(edit, remove);
  item.append(element("div", "display"), why, actions);
  $(".display", item).replaceChildren(...nodes);
  return item;
}

const FEED_LABELS = {
  connecting: "Connecting…", live: "Live: updates appear as they are posted",
  reconnecting: "Reconnecting…", offline: "Offline — will catch up",
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
  $("#entry-count").textContent = `${entries.length} ${entries.length === 1 ? "update" : "updates"}, ${keys} key`;
  $("#panel-moderate").dataset.lastSeq = String(desk.state.lastSeq);
}

function moderationItem(entry) {
  const item = element("li", "mod-entry");
  item.id = `mod-${entry.id}`;
  item.dataset.id = entry.id;
  item.append(element("div", "display"), element("div", "actions"));
  refreshItem(item, entry);
  return item;
}

function refreshItem(item, entry) {
  const format = courtFormat(desk.hearing.timezone);
  item.dataset.revision = String(entry.revision);
  item.className = `mod-entry kind-${entry.kind}${entry.key ? " key" : ""}${entry.pinned ? " pinned" : ""}${item.classList.contains("fresh") ? " fresh" : ""}`;

  const nodes = entryNodes(entry, format, { pinnedFlag: true, byline: true });
  const [header] = nodes;
  header.id = `mod-head-${entry.id}`;
  $(".display", item).replaceChildren(...nodes);
  if (desk.editing.has(entry.id)) {
    const stale = $(".edit-form .stale", item);
    if (stale) stale.hidden = false;
  }

  const actions = $(".actions", item);
  const label = `${format.time(entry.occurred_at)} ${kindText(entry.kind)}`;
  const edit = button("Edit", "edit", () => openEditor(item, entry.id));
  const pin = button(entry.pinned ? "Unpin" : "Pin", "pin", () => toggle(entry.id, "pinned"));
  pin.setAttribute("aria-pressed", String(Boolean(entry.pinned)));
  const key = button("Key event", "key-toggle", () => toggle(entry.id, "key"));
  key.setAttribute("aria-pressed", String(Boolean(entry.key)));
  const remove = button("Delete", "delete danger", () => removeEntry(entry.id));
  for (const control of [edit, pin, key, remove]) control.setAttribute("aria-describedby", header.id);
  edit.setAttribute("aria-expanded", String(desk.editing.has(entry.id)));
  actions.replaceChildren(edit, pin, key, remove);
  actions.setAttribute("aria-label", `Actions for the ${label} update`);
  actions.setAttribute("role", "group");
}

function currentEntry(id) {
  return desk.state.entries.get(id);
}

async function toggle(id, field) {
  const entry = currentEntry(id);
  if (!entry) return;
  try {
    await patch(`/api/hearings/${seg(desk.slug)}/entries/${seg(id)}`, { [field]: !entry[field] });
    const what = field === "pinned" ? (entry.pinned ? "Unpinned" : "Pinned") : (entry.key ? "No longer a key event" : "Marked as a key event");
    say(`${what}.`);
  } catch (error) {
    say(error.message, "error");
  }
}

async function removeEntry(id, entry = currentEntry(id)) {
  if (!entry) return;
  const preview = entry.body.length > 120 ? `${entry.body.slice(0, 120)}…` : entry.body;
  const confirmed = await confirmAction(
    "Delete this update?",
    `“${preview}” disappears from the reader page, the archive, replays and exports. This cannot be undone.`,
    "Delete",
  );
  if (!confirmed) return;
  try {
    await del(`/api/hearings/${seg(desk.slug)}/entries/${seg(id)}`);
    say("Update deleted.");
  } catch (error) {
    say(error.message, "error");
  }
}

function field(labelText, control, name, hint) {
  const wrapper = element("div", `field field-${name}`);
  const label = element("label", "", labelText);
  control.name = name;
  control.id = `${name}-${Math.random().toString(36).slice(2, 9)}`;
  label.htmlFor = control.id;
  wrapper.append(label, control);
  if (hint) {
    const small = element("small", "", hint);
    small.id = `${control.id}-hint`;
    control.setAttribute("aria-describedby", small.id);
    wrapper.append(small);
  }
  return wrapper;
}

function select(options, value) {
  const control = element("select");
  for (const [optionValue, text] of options) {
    const option = element("option", "", text);
    option.value = optionValue;
    control.append(option);
  }
  control.value = value;
  return control;
}

function openEditor(item, id, entry = currentEntry(id)) {
  if (!entry || desk.editing.has(id)) {
    $(".edit-form textarea", item)?.focus();
    return;
  }
  desk.editing.add(id);
  $(".edit", item).setAttribute("aria-expanded", "true");
  const timezone = desk.hearing.timezone;
  const form = element("form", "edit-form");
  const body = element("textarea");
  body.value = entry.body;
  body.rows = Math.min(12, Math.max(3, Math.ceil(entry.body.length / 80)));
  body.maxLength = 5000;
  const kind = select(KINDS.map((k) => [k, KIND_LABELS[k]]), entry.kind);
  const role = select([["", "No speaker"], ...SPEAKER_ROLES.map((r) => [r, roleText(r)])], entry.speaker?.role || "");
  const name = element("input");
  name.value = entry.speaker?.name || "";
  name.maxLength = 200;
  const occurred = element("input");
  occurred.type = "datetime-local";
  occurred.step = "1";
  occurred.value = rfc3339ToWall(entry.occurred_at, timezone);
  const correction = element("input");
  correction.value = entry.correction || "";
  correction.maxLength = 1000;
  const stale = element(
    "p", "stale", "This update changed while you were editing: saving shows you the newer version first.",
  );
  stale.hidden = true;
  const error = element("p", "error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  // A save that crossed someone else's: the newer version, to overwrite or to keep.
  const conflict = element("section", "conflict");
  conflict.setAttribute("aria-label", "The newer version");
  conflict.hidden = true;
  const save = element("button", "primary save", "Save");
  save.type = "submit";
  const cancel = button("Cancel", "cancel", () => closeEditor(item, id));
  const buttons = element("div", "buttons");
  buttons.append(save, cancel);
  form.append(
    field("Text", body, "body", "Markdown: **bold**, *italic*, links, lists, > quotes."),
    field("Kind", kind, "kind"),
    field("Speaker", role, "speaker_role"),
    field("Speaker's name", name, "speaker_name"),
    field(`Court time (${timezone})`, occurred, "occurred_at"),
    field("Correction note", correction, "correction", "Shown to readers as a correction; leave empty for a silent fix of a typo."),
    stale,
    error,
    conflict,
    buttons,
  );

  /** The form's fields that differ from `now`. */
  function changesFrom(now) {
    const changes = {};
    if (body.value !== now.body) changes.body = body.value;
    if (kind.value !== now.kind) changes.kind = kind.value;
    const speaker = role.value ? { role: role.value, name: name.value.trim() || null } : null;
    const before = now.speaker ? { role: now.speaker.role, name: now.speaker.name || null } : null;
    if (JSON.stringify(speaker) !== JSON.stringify(before)) changes.speaker = speaker;
    if (occurred.value && occurred.value !== rfc3339ToWall(now.occurred_at, timezone)) {
      changes.occurred_at = wallToRfc3339(occurred.value, timezone);
    }
    const note = correction.value.trim() || null;
    if (note !== (now.correction || null)) changes.correction = note;
    return changes;
  }

  function showConflict(current) {
    error.hidden = false;
    error.textContent = `Someone saved this update while you were editing: it is at revision ${current.revision} now.`
      + " Overwrite it with your version, or discard your edit.";
    stale.hidden = true;
    const newer = element("div", "newer");
    newer.replaceChildren(...entryNodes(current, courtFormat(timezone), { byline: true }));
    const overwrite = button("Overwrite with mine", "primary overwrite", () => saveOn(current));
    const discard = button("Discard my edit", "discard", () => closeEditor(item, id));
    const choices = element("div", "buttons");
    choices.append(overwrite, discard);
    conflict.replaceChildren(element("h4", "", "The newer version"), newer, choices);
    conflict.hidden = false;
    buttons.hidden = true;
    overwrite.focus();
  }

  // The edit is made on `seen` and sent with its revision: a change made meanwhile is
  // a 409 revision_conflict, shown above, never silently replaced.
  async function saveOn(seen) {
    const changes = changesFrom(seen);
    if (!Object.keys(changes).length) {
      closeEditor(item, id);
      return;
    }
    for (const control of form.querySelectorAll("button")) control.disabled = true;
    error.hidden = true;
    try {
      await patch(`/api/hearings/${seg(desk.slug)}/entries/${seg(id)}`, { ...changes, revision: seen.revision });
      closeEditor(item, id);
      say(changes.correction ? "Correction published." : "Update saved.");
    } catch (failure) {
      if (failure.code === "revision_conflict" && failure.answer?.entry) {
        showConflict(failure.answer.entry);
        return;
      }
      showError(error, failure);
      const target = { body, kind, speaker: role, "speaker.role": role, "speaker.name": name, occurred_at: occurred, correction }[failure.field];
      target?.setAttribute("aria-invalid", "true");
      target?.focus();
    } finally {
      for (const control of form.querySelectorAll("button")) control.disabled = false;
    }
  }

  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    if (buttons.hidden) return; // a conflict is shown: overwrite or discard
    saveOn(entry);
  });
  form.addEventListener("keydown", (key) => {
    if (key.key === "Escape") closeEditor(item, id);
    if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) form.requestSubmit();
  });
  item.append(form);
  body.focus();
}

function closeEditor(item, id) {
  desk.editing.delete(id);
  $(".edit-form", item)?.remove();
  const edit = $(".edit", item);
  edit?.setAttribute("aria-expanded", "false");
  const entry = currentEntry(id);
  if (entry && item.dataset.revision !== String(entry.revision)) refreshItem(item, entry);
  $(".edit", item)?.focus();
}

// Hearing forms: create and edit

function hearingForm(prefix, mode) {
  const form = $("#hearing-form-template").content.firstElementChild.cloneNode(true);
  form.id = `${prefix}-form`;
  form.dataset.mode = mode;
  for (const control of form.querySelectorAll("[data-name]")) {
    const name = control.dataset.name;
    control.name = name;
    control.id = `${prefix}-${name}`;
    const label = form.querySelector(`label[data-for="${name}"]`);
    label.htmlFor = control.id;
    if (control.dataset.hint) {
      const hint = element("small", "", control.dataset.hint);
      hint.id = `${control.id}-hint`;
      control.setAttribute("aria-describedby", hint.id);
      control.parentElement.append(hint);
    }
  }
  if (mode !== "create") for (const node of form.querySelectorAll(".create-only")) node.remove();
  $(".review-kinds .checks", form).replaceChildren(...KINDS.map((kind) => {
    const label = element("label", "check");
    const box = element("input");
    box.type = "checkbox";
    box.name = "review_kinds";
    box.value = kind;
    label.append(box, ` ${KIND_LABELS[kind]}`);
    return label;
  }));
  $("button[type=submit]", form).textContent = mode === "create" ? "Create hearing" : "Save changes";
  return form;
}

function fillHearingForm(form, hearing) {
  const timezone = hearing.timezone || "UTC";
  form.title.value = hearing.title || "";
  form.court.value = hearing.court || "";
  form.case_ref.value = hearing.case_ref || "";
  form.location.value = hearing.location || "";
  form.timezone.value = timezone;
  form.scheduled_start.value = hearing.scheduled_start ? rfc3339ToWall(hearing.scheduled_start, timezone).slice(0, 16) : "";
  form.description.value = hearing.description || "";
  form.restricted_terms.value = (hearing.restricted_terms || []).join("\n");
  form.reporting.value = hearing.reporting || "open";
  form.reporting_note.value = hearing.reporting_note || "";
  form.publish_delay.value = String(hearing.publish_delay ?? 0);
  const review = new Set(hearing.review_kinds || []);
  for (const box of form.querySelectorAll("input[name=review_kinds]")) box.checked = review.has(box.value);
}

function readHearingForm(form) {
  const timezone = form.timezone.value.trim();
  const fields = {
    title: form.title.value.trim(),
    court: form.court.value.trim(),
    case_ref: form.case_ref.value.trim(),
    location: form.location.value.trim(),
    timezone,
    description: form.description.value.trim(),
    restricted_terms: form.restricted_terms.value.split("\n").map((term) => term.trim()).filter(Boolean),
    scheduled_start: null,
    reporting: form.reporting.value,
    reporting_note: form.reporting_note.value.trim(),
    publish_delay: Number(form.publish_delay.value || 0),
    review_kinds: [...form.querySelectorAll("input[name=review_kinds]:checked")].map((box) => box.value),
  };
  if (form.scheduled_start.value) {
    if (!validZone(timezone)) throw new ApiError(422, { code: "invalid", message: `Unknown time zone ${timezone}.`, field: "timezone" });
    fields.scheduled_start = wallToRfc3339(form.scheduled_start.value, timezone);
  }
  if (form.slug && form.slug.value.trim()) fields.slug = form.slug.value.trim();
  return fields;
}

function formFailure(form, error) {
  showError($(".error", form), error);
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  const found = error.field && form.elements[error.field];
  const target = found instanceof RadioNodeList ? found[0] : found;
  if (target) {
    target.setAttribute("aria-invalid", "true");
    target.focus();
  }
}

function showCreateForm() {
  const slot = $("#create-form-slot");
  const form = hearingForm("create", "create");
  fillHearingForm(form, { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    $(".error", form).hidden = true;
    try {
      const created = await post("/api/hearings", readHearingForm(form));
      upsertHearing(created);
      say(`Hearing “${created.title}” created.`);
      location.hash = hearingHash(created.slug, "moderate");
    } catch (error) {
      formFailure(form, error);
    }
  });
  slot.replaceChildren(form);
  form.title.focus();
}

/** A new restriction withholds what names it at once: say so, and where to fix it. */
function warnWithheld(form, withheld) {
  if (!withheld.length) return;
  const notice = $(".error", form);
  notice.textContent = withheld.length === 1
    ? "1 published update named a restricted term and was withheld from readers: correct or delete it under Withheld in Moderation."
    : `${withheld.length} published updates named a restricted term and were withheld from readers: correct or delete them under Withheld in Moderation.`;
  notice.hidden = false;
}

function buildDetailsForm() {
  const form = hearingForm("details", "edit");
  fillHearingForm(form, desk.hearing);
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    $(".error", form).hidden = true;
    let fields;
    try {
      fields = readHearingForm(form);
    } catch (error) {
      formFailure(form, error);
      return;
    }
    const changes = {};
    for (const [name, value] of Object.entries(fields)) {
      if (JSON.stringify(value) !== JSON.stringify(desk.hearing[name] ?? (name === "restricted_terms" ? [] : null))) {
        changes[name] = value;
      }
    }
    if (!Object.keys(changes).length) {
      say("Nothing to save.");
      return;
    }
    try {
      const updated = await patch(`/api/hearings/${seg(desk.slug)}`, changes);
      hearingChanged(updated);
      fillHearingForm(form, desk.hearing);
      say("Hearing saved.");
      warnWithheld(form, updated.withheld || []);
    } catch (error) {
      formFailure(form, error);
    }
  });
  $("#details-form-slot").replaceChildren(form);
}

// Replay

function openReplay() {
  desk.replay ||= new ReplayPlayer($("#panel-replay"));
  desk.replayFor = desk.hearing.slug;
  desk.replay.open(desk.hearing).catch((error) => say(error.message, "error"));
}

// People

/** What the signed-in user may do to `target` (the server checks the same rules). */
function allowed(target) {
  const me = desk.user;
  const self = target.username === me.username;
  const manage = !self && (me.role === "admin" || (me.role === "editor" && target.role === "reporter"));
  const admin = me.role === "admin" && !self;
  return { self, manage, role: admin, reset: admin, revoke: manage || self };
}

function lastSeen(user) {
  if (!user.last_seen) return "never";
  return new Date(user.last_seen).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

async function loadPeople() {
  const rows = $("#user-rows");
  try {
    const { users } = await get("/api/users");
    rows.replaceChildren(...users.map(personRow));
  } catch (error) {
    say(error.message, "error");
  }
}

function personRow(user) {
  const may = allowed(user);
  const row = element("tr");
  row.dataset.username = user.username;
  row.dataset.state = user.disabled ? "disabled" : "active";
  const name = element("th", "", user.username);
  name.scope = "row";
  if (may.self) name.append(element("span", "you", " (you)"));

  const roleCell = element("td");
  if (may.role) {
    const choice = select(["reporter", "editor", "admin"].map((r) => [r, roleText(r)]), user.role);
    choice.className = "role-choice";
    choice.setAttribute("aria-label", `Role of ${user.username}`);
    const change = button("Change role", "change-role", () => changeRole(user, choice.value, row));
    change.setAttribute("aria-label", `Change the role of ${user.username}`);
    roleCell.append(choice, " ", change);
  } else {
    roleCell.textContent = user.role;
  }

  const state = element("td", "state", user.disabled ? "Disabled" : "Active");
  const sessions = `${user.tokens} ${user.tokens === 1 ? "session" : "sessions"} · last seen ${lastSeen(user)}`;
  state.append(element("small", "sessions", sessions));

  const actions = element("div", "actions");
  if (may.manage) {
    const text = user.disabled ? "Enable" : "Disable";
    const toggle = button(text, user.disabled ? "enable" : "disable danger", () => setDisabled(user, !user.disabled, row));
    toggle.setAttribute("aria-label", `${text} ${user.username}`);
    actions.append(toggle);
  }
  if (may.reset) {
    const reset = button("Reset password", "reset-password", () => resetPassword(user, row));
    reset.setAttribute("aria-label", `Reset the password of ${user.username}`);
    actions.append(reset);
  }
  if (may.revoke) {
    const revoke = button("Revoke tokens", "revoke", () => revokeUser(user.username, row));
    revoke.setAttribute("aria-label", `Revoke every token of ${user.username}`);
    actions.append(revoke);
  }
  const problem = element("p", "error");
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  actions.append(problem);
  const actionsCell = element("td");
  actionsCell.append(actions);
  row.append(name, roleCell, state, actionsCell);
  return row;
}

/** Run a People action; its error is shown in the person's row. */
async function personAction(row, action) {
  const problem = row.querySelector(".error");
  problem.hidden = true;
  try {
    await action();
    return true;
  } catch (error) {
    showError(problem, error);
    return false;
  }
}

async function setDisabled(user, disabled, row) {
  if (disabled) {
    const confirmed = await confirmAction(
      `Disable ${user.username}?`,
      `${user.username} is signed out on every phone and browser at once and cannot sign in until the account is enabled again. Their entries stay as they are.`,
      "Disable",
    );
    if (!confirmed) return;
  }
  const done = await personAction(row, async () => {
    const { revoked } = await patch(`/api/users/${seg(user.username)}`, { disabled });
    say(disabled ? `${user.username} disabled; ${revoked} ${revoked === 1 ? "token" : "tokens"} revoked.` : `${user.username} enabled.`);
  });
  if (done) await loadPeople();
}

async function changeRole(user, role, row) {
  if (role === user.role) return;
  const done = await personAction(row, async () => {
    await patch(`/api/users/${seg(user.username)}`, { role });
    say(`${user.username} is now ${roleText(role).toLowerCase()}.`);
  });
  if (done) await loadPeople();
}

async function resetPassword(user, row) {
  const confirmed = await confirmAction(
    `Reset ${user.username}'s password?`,
    `A new password is generated and shown here once; ${user.username} is signed out everywhere and signs in with it.`,
    "Reset password",
  );
  if (!confirmed) return;
  const done = await personAction(row, async () => {
    const reply = await post(`/api/users/${seg(user.username)}/password`, {});
    showPassword(`New password for`, user.username, "shown only this once:", reply.password);
    say(`${user.username}: password reset.`);
  });
  if (done) await loadPeople();
}

function showPassword(lead, username, tail, password) {
  $("#new-password-lead").textContent = lead;
  $("#new-password-user").textContent = username;
  $("#new-password-tail").textContent = tail;
  $("#new-password-value").textContent = password;
  $("#new-password").hidden = false;
}

async function revokeUser(username, row) {
  const self = desk.user && username === desk.user.username;
  const confirmed = await confirmAction(
    `Revoke ${username}'s tokens?`,
    `${username} is signed out on every phone and browser at once and must sign in again.${self ? " That includes you, here." : ""}`,
    "Revoke",
  );
  if (!confirmed) return;
  await personAction(row, async () => {
    const { revoked } = await post(`/api/users/${seg(username)}/revoke`);
    say(`${username}: ${revoked} ${revoked === 1 ? "token" : "tokens"} revoked.`);
    row.setAttribute("data-revoked", String(revoked));
  });
}

function setupPeople() {
  const form = $("#user-form");
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const errorEl = $("#user-error");
    errorEl.hidden = true;
    $("#new-password").hidden = true;
    const payload = { username: form.username.value.trim(), role: form.role.value };
    if (form.password.value) payload.password = form.password.value;
    try {
      const created = await post("/api/users", payload);
      form.reset();
      if (created.password) {
        showPassword("Account", created.user.username, "created. Its password, shown only this once:", created.password);
      }
      say(`Account ${created.user.username} (${created.user.role}) created.`);
      await loadPeople();
    } catch (error) {
      showError(errorEl, error);
    }
  });
  $("#copy-password").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("#new-password-value").textContent);
      say("Password copied.");
    } catch {
      say("Copy it by hand: the clipboard is not available here.", "error");
    }
  });
}

function setupTimezones() {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  $("#timezones").replaceChildren(...zones.map((zone) => {
    const option = element("option");
    option.value = zone;
    return option;
  }));
}

desk.queue = new QueuePanel({ confirm: confirmAction, say });
desk.audit = new AuditView({ say });
$("#hold-toggle").addEventListener("click", toggleHold);
setupTabs();
setupPeople();
setupTimezones();
$("#replay-reload").addEventListener("click", () => desk.hearing && openReplay());
window.addEventListener("hashchange", () => route().catch((error) => say(error.message, "error")));
start().catch((error) => say(error.message, "error"));
