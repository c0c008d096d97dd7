// The reporter app: sign in once, pick a hearing, post updates through the outbox,
// correct or delete your own (through the outbox too). Text from the server and from
// the reporter goes into the page through textContent only.

import { api, clearToken, getToken, onUnauthorized, setToken } from "./api.js";
import { kindText, roleText, speakerText, statusText } from "./labels.js";
import { LiveFeed } from "./live.js";
import { findRestricted, loadMatcher, matcherLoaded } from "./matcher.js";
import { isChange, Outbox, uuid } from "./outbox.js";
import { pad, rfc3339InZone, wallToDate, zoneLabel, zoneParts } from "./zones.js";

const USER_KEY = "courtwire.user";
const HEARING_KEY = "courtwire.reporter.hearing";
const HEARINGS_KEY = "courtwire.reporter.hearings";
const DRAFT_KEY = "courtwire.reporter.draft";
const MAX_BODY = 5000;
const MINE_SHOWN = 30;

const STATE_LABELS = {
  waiting: "Waiting", sending: "Sending…", published: "Published", refused: "Refused", held: "Held draft",
  conflict: "Conflict", pulled: "Pulled back", discarded: "Discarded by an editor",
};
// A post the server keeps without publishing it yet (a 202), by why it waits.
const WAIT_LABELS = { held: "Held", delayed: "Delayed", review: "In review" };
const QUEUE_POLL_MS = 5000;
const OP_LABELS = { revise: "Correction", delete: "Deletion" };

// The words for the fields the server names in a refusal.
const FIELD_LABELS = {
  body: "the text", "speaker.name": "the speaker's name", "speaker.role": "the speaker's role",
  speaker: "the speaker", occurred_at: "the court time", kind: "the kind", key: "key event",
};
const TIME_HINT = "Stamped when you start typing, forgotten when you clear the text; change it if needed.";
const TIME_HINT_KEPT = "The court time of the refused update, kept; change it if needed.";

const byId = (id) => document.getElementById(id);
const views = { login: byId("login-view"), pick: byId("pick-view"), compose: byId("compose-view") };
const composeForm = byId("compose-form");
const bodyInput = byId("body");
const roleSelect = byId("speaker-role");
const nameInput = byId("speaker-name");
const keyInput = byId("key");
const timeInput = byId("court-time");
const editDialog = byId("edit-dialog");
const confirmDialog = byId("confirm-dialog");
const conflictDialog = byId("conflict-dialog");

const state = {
  token: null,
  user: null,
  hearings: [],
  hearing: null,
  feed: null,
  stamp: null, // the court time of the update being written (a Date); it goes with the text
  refusal: null, // the server's error, when the update in the composer came back refused
  mine: new Map(), // id -> the reporter's own entries in this hearing
  editing: null, // {kind: "entry", entry} | {kind: "outbox", item} | {kind: "correction", item}
  changes: new Map(), // entry id -> its corrections and deletion in the outbox, unpublished
  comparing: null, // the correction in conflict shown in the conflict dialog
};
let outbox = null;

// Storage that may be unavailable (private mode): the app still works for the session.

function load(key, fallback = null) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

function save(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Full or unavailable: nothing to do.
  }
}

// Court time in the hearing's time zone

function timeValue(date, timeZone) {
  const p = zoneParts(date, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** The time input's value (HH:MM[:SS]) on the day of `reference`, in the zone. */
function withTime(reference, value, timeZone) {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const day = zoneParts(reference, timeZone);
  return wallToDate({ ...day, hour: Number(match[1]), minute: Number(match[2]), second: Number(match[3] || 0) }, timeZone);
}

function courtClock(value) {
  const zone = state.hearing?.timezone || "UTC";
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(new Date(value));
}

// Restricted terms: the server decides; the app warns first, with the server's own rules
// (matcher.js, fed by the server's folding data). Until that data has loaded (a first
// start without network) the app does not warn, and the server still refuses.

loadMatcher().catch(() => {});

/** The earliest restricted term in text as {term, start, end} code point positions. */
function restrictedIn(text, terms) {
  if (!text || !terms?.length) return null;
  if (!matcherLoaded()) {
    loadMatcher().catch(() => {});
    return null;
  }
  const hit = findRestricted(text, terms);
  if (!hit) return null;
  const codePoint = (unit) => [...text.slice(0, unit)].length;
  return { term: hit.term, start: codePoint(hit.start), end: codePoint(hit.end) };
}

function unitIndex(text, codePoint) {
  return [...text].slice(0, codePoint).join("").length;
}

/** {start, end} (code points, end exclusive) from the server's "at characters 5–14". */
function positionsIn(message) {
  const match = /characters (\d+)\s*[–-]\s*(\d+)/.exec(message || "");
  return match ? { start: Number(match[1]) - 1, end: Number(match[2]) } : null;
}

// The API (api.js) with this phone's session: the reporter keeps its token itself
// (state.token), so that a session lasts while storage is unavailable.

const NO_CONNECTION = "No connection. Try again when the network is back.";

function request(method, path, body = undefined) {
  return api(method, path, body, { token: state.token, offline: NO_CONNECTION });
}

// Views

function showView(name) {
  byId("booting").hidden = true;
  for (const [key, view] of Object.entries(views)) view.hidden = key !== name;
  for (const who of document.querySelectorAll(".who")) who.textContent = state.user?.username || "";
}

function setNotice(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

// Session

function storeSession(token, user) {
  state.token = token;
  state.user = user;
  try {
    setToken(token); // the same sign-in as the desk's
  } catch {
    // Storage unavailable: the session lasts while the page is open.
  }
  save(USER_KEY, user);
}

function clearSession() {
  state.token = null;
  state.user = null;
  clearToken();
  save(USER_KEY, null);
}

function signedOut() {
  if (!state.token) return;
  clearSession();
  byId("signed-out").hidden = false;
}

function showLogin(note = "") {
  setNotice(byId("login-note"), note);
  showView("login");
  byId(byId("login-username").value ? "login-password" : "login-username").focus();
}

async function signIn(event) {
  event.preventDefault();
  const username = byId("login-username").value.trim();
  const password = byId("login-password").value;
  const errorEl = byId("login-error");
  if (!username || !password) {
    setNotice(errorEl, "Enter your username and password.");
    return;
  }
  const button = byId("login-submit");
  button.disabled = true;
  button.textContent = "Signing in…";
  try {
    const data = await api("POST", "/api/login", { username, password }, { token: null, offline: NO_CONNECTION });
    storeSession(data.token, data.user);
    setNotice(errorEl, "");
    byId("login-password").value = "";
    byId("signed-out").hidden = true;
    await afterSignIn();
  } catch (error) {
    setNotice(errorEl, error.status === 401 ? "Wrong username or password." : error.message);
  } finally {
    button.disabled = false;
    button.textContent = "Sign in";
  }
}

async function afterSignIn() {
  await loadHearings();
  const slug = load(HEARING_KEY);
  if (slug && state.hearings.some((hearing) => hearing.slug === slug)) openHearing(slug);
  else showPicker();
  outbox.sendSoon(0);
  renderOutbox();
  checkQueued();
}

async function signOut() {
  const waiting = state.user ? (await outbox.pending(state.user.username)).length : 0;
  if (waiting) {
    const plural = waiting === 1 ? "1 update is" : `${waiting} updates are`;
    const ok = await confirmAction(
      "Sign out?",
      `${plural} still waiting to be sent. They stay on this phone and are sent when you sign in again.`,
      "Sign out",
    );
    if (!ok) return;
  }
  try {
    await request("POST", "/api/logout");
  } catch {
    // Offline or already revoked: the token is forgotten on this phone either way.
  }
  state.feed?.close();
  state.feed = null;
  clearSession();
  showLogin("You are signed out.");
}

// Hearings

async function loadHearings() {
  const note = byId("pick-note");
  try {
    const data = await request("GET", "/api/hearings");
    state.hearings = data.hearings;
    save(HEARINGS_KEY, { at: new Date().toISOString(), hearings: data.hearings });
    setNotice(note, "");
  } catch (error) {
    if (error.status === 401) return;
    const cached = load(HEARINGS_KEY);
    state.hearings = cached?.hearings || [];
    setNotice(note, cached ? "Offline: this is the list as it was when you last had a connection." : error.message);
  }
}

function showPicker() {
  state.feed?.close();
  state.feed = null;
  const list = byId("hearing-list");
  const template = byId("hearing-item");
  list.replaceChildren(...state.hearings.map((hearing) => {
    const item = template.content.firstElementChild.cloneNode(true);
    const button = item.querySelector("button");
    button.dataset.slug = hearing.slug;
    button.querySelector(".title").textContent = hearing.title;
    const status = button.querySelector(".status");
    status.textContent = statusText(hearing.status);
    status.className = `status status-${hearing.status}`;
    const meta = [hearing.court, hearing.location].filter(Boolean);
    if (hearing.scheduled_start) {
      meta.push(new Intl.DateTimeFormat("en-GB", {
        timeZone: hearing.timezone, day: "2-digit", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
      }).format(new Date(hearing.scheduled_start)));
    }
    button.querySelector(".meta").textContent = meta.join(" · ");
    button.addEventListener("click", () => openHearing(hearing.slug));
    return item;
  }));
  byId("pick-empty").hidden = state.hearings.length > 0;
  showView("pick");
}

function renderHearing() {
  const hearing = state.hearing;
  byId("hearing-title").textContent = hearing.title;
  const status = byId("hearing-status");
  status.textContent = statusText(hearing.status);
  status.className = `status status-${hearing.status}`;
  byId("zone-label").textContent = `(${zoneLabel(hearing.timezone)})`;
  byId("menu-reader").href = `/h/${encodeURIComponent(hearing.slug)}`;
  const warnings = {
    closed: "This hearing is closed: the server refuses new updates until an editor reopens it.",
    scheduled: "This hearing has not started: what you send is published at once.",
  };
  setNotice(byId("hearing-warning"), warnings[hearing.status] || "");
  setNotice(byId("hearing-held"), hearing.reporting === "held"
    ? `Reporting is held: ${hearing.reporting_note || "paused by the court"}. What you send waits until an editor releases it.`
    : "");
  setNotice(byId("hearing-rules"), rulesText(hearing));
  if (state.stamp) timeInput.value = timeValue(state.stamp, hearing.timezone);
}

/** The hearing's delay and review kinds, as the reporter needs to know them. */
function rulesText(hearing) {
  const rules = [];
  const delay = Number(hearing.publish_delay) || 0;
  if (delay > 0) rules.push(`Updates go out ${delay} s after you send them; until then you can undo.`);
  const kinds = hearing.review_kinds || [];
  if (kinds.length) {
    rules.push(`${kinds.map(kindText).join(", ")} updates wait for an editor's approval.`);
  }
  return rules.join(" ");
}

/** "Held — reporting paused: <note>" (the note without a "Reporting paused" of its own). */
function heldText(slug) {
  const hearing = slug === state.hearing?.slug ? state.hearing : state.hearings.find((h) => h.slug === slug);
  const note = (hearing?.reporting_note || "").replace(/^\s*reporting (is )?(paused|held)\s*[:.,;—-]?\s*/i, "").trim();
  return note ? `Held — reporting paused: ${note}` : "Held — reporting paused";
}

function openHearing(slug) {
  const hearing = state.hearings.find((item) => item.slug === slug);
  if (!hearing) {
    showPicker();
    return;
  }
  state.hearing = hearing;
  save(HEARING_KEY, slug);
  state.mine = new Map();
  renderHearing();
  restoreDraft();
  showView("compose");
  renderMine();
  renderOutbox();
  takeBack();
  refreshMine();
  state.feed?.close();
  startFeed(hearing.last_seq);
}

function startFeed(lastSeq) {
  const slug = state.hearing.slug;
  const feed = new LiveFeed({
    hearing: slug,
    lastSeq,
    epoch: null,
    onEvent: (event) => {
      if (state.feed === feed) liveEvent(event);
    },
    onState: (connection) => {
      if (state.feed === feed) showNet(connection);
    },
    onReset: async () => {
      feed.close();
      try {
        const fresh = await request("GET", `/api/hearings/${encodeURIComponent(slug)}`);
        updateHearing(fresh);
        refreshMine();
        if (state.feed === feed) {
          state.feed = null;
          startFeed(fresh.last_seq);
        }
      } catch {
        setTimeout(() => state.feed === feed && startFeed(lastSeq), 5000);
      }
    },
  });
  state.feed = feed;
  feed.connect();
}

function updateHearing(fields) {
  if (!state.hearing || fields.slug !== state.hearing.slug) return;
  state.hearing = { ...state.hearing, ...fields };
  const index = state.hearings.findIndex((hearing) => hearing.slug === fields.slug);
  if (index >= 0) state.hearings[index] = state.hearing;
  save(HEARINGS_KEY, { at: new Date().toISOString(), hearings: state.hearings });
  renderHearing();
}

async function liveEvent(event) {
  if (event.type === "hearing.updated") {
    updateHearing(event.data);
    renderOutbox(); // a held update says the note of the hold
    // The public event leaves out restricted terms: fetch them with the staff token.
    try {
      updateHearing(await request("GET", `/api/hearings/${encodeURIComponent(state.hearing.slug)}`));
    } catch {
      // Offline: the terms are refreshed on the next update.
    }
    return;
  }
  const entry = event.data;
  if (event.type === "entry.published" && entry.author === state.user?.username) {
    // An update that waited at the server (held, delayed, in review) is out now.
    outbox.released(entry.id, event.seq, entry).catch((error) => console.error("outbox", error));
  }
  if (entry.deleted || event.type === "entry.deleted") {
    if (state.mine.delete(entry.id)) renderMine();
    return;
  }
  if (entry.author === state.user?.username) {
    state.mine.set(entry.id, entry);
    renderMine();
  }
}

function showNet(connection) {
  const el = byId("net-state");
  const online = navigator.onLine !== false;
  el.dataset.state = online ? connection : "offline";
  el.textContent = !online ? "Offline: updates wait on this phone" : connection === "live" ? "Online" : "Connecting…";
}

// Composing

function selectedKind() {
  return composeForm.querySelector('input[name="kind"]:checked')?.value || "note";
}

function setKind(kind) {
  const input = composeForm.querySelector(`input[name="kind"][value="${CSS.escape(kind)}"]`);
  if (input) input.checked = true;
}

function stampNow() {
  state.stamp = new Date();
  timeInput.value = timeValue(state.stamp, state.hearing.timezone);
  byId("time-hint").textContent = TIME_HINT;
  saveDraft();
}

/** The stamp belongs to the draft: an emptied composer forgets it (and any refusal),
 * so the next first keystroke stamps anew. */
function forgetDraft() {
  state.stamp = null;
  timeInput.value = "";
  byId("time-hint").textContent = TIME_HINT;
  showRefusal(null);
}

function onTimeInput() {
  // A time set by hand before the first keystroke is this draft's stamp: typing keeps it.
  if (timeInput.value && !state.stamp) state.stamp = new Date();
  saveDraft();
}

// The speaker stays from one update to the next (consecutive testimony is common), so
// the Send button names it, whenever it changes.
let shownRole = "";

function showSpeaker() {
  shownRole = roleSelect.value;
  const name = nameInput.value.trim();
  const who = !roleSelect.value ? "" : name ? `${name}, ${roleSelect.value}` : roleText(roleSelect.value);
  byId("send-speaker").textContent = who ? ` · ${who}` : "";
  byId("speaker-clear").hidden = !roleSelect.value && !nameInput.value;
}

function onRoleChange() {
  // A new role is another person: the name of the previous one must not go with it.
  // (A name typed while the role was "Nobody" is for the role picked now: it stays.)
  if (shownRole) nameInput.value = "";
  showSpeaker();
  saveDraft();
}

function clearSpeaker() {
  roleSelect.value = "";
  nameInput.value = "";
  clearFieldErrors(byId("speaker-fields"));
  showSpeaker();
  saveDraft();
  roleSelect.focus();
}

function occurredAt() {
  const zone = state.hearing.timezone;
  if (!state.stamp) state.stamp = new Date();
  const chosen = withTime(state.stamp, timeInput.value, zone) || state.stamp;
  return rfc3339InZone(chosen, zone);
}

function draftKey() {
  return `${DRAFT_KEY}.${state.hearing?.slug}`;
}

/** The composer as a draft: what fillComposer takes back. */
function currentDraft() {
  return {
    body: bodyInput.value, kind: selectedKind(), role: roleSelect.value, name: nameInput.value,
    key: keyInput.checked, stamp: state.stamp?.toISOString() || null, time: timeInput.value,
    refusal: state.refusal,
  };
}

function writeDraft() {
  clearTimeout(draftTimer);
  if (!state.hearing) return;
  save(draftKey(), bodyInput.value || nameInput.value || roleSelect.value ? currentDraft() : null);
}

let draftTimer = null;
function saveDraft() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(writeDraft, 250);
}

/** Put a draft ({body, kind, role, name, key, stamp, time, refusal}) in the composer. */
function fillComposer(draft) {
  clearTimeout(checkTimer); // a check of the text that was there would hide this one's errors
  clearFieldErrors(composeForm);
  bodyInput.value = draft?.body || "";
  setKind(draft?.kind || "note");
  roleSelect.value = draft?.role || "";
  nameInput.value = draft?.name || "";
  keyInput.checked = Boolean(draft?.key);
  state.stamp = draft?.stamp ? new Date(draft.stamp) : null;
  timeInput.value = state.stamp ? draft.time || timeValue(state.stamp, state.hearing.timezone) : "";
  byId("time-hint").textContent = draft?.refusal ? TIME_HINT_KEPT : TIME_HINT;
  showSpeaker();
  showCount();
  showRefusal(draft?.refusal || null);
}

function restoreDraft() {
  fillComposer(load(draftKey()));
}

/** After Send: the text, kind, key and stamp go; the speaker deliberately stays. */
function resetComposer() {
  clearTimeout(checkTimer);
  bodyInput.value = "";
  keyInput.checked = false;
  setKind("note");
  forgetDraft();
  clearFieldErrors(composeForm);
  showCount();
  writeDraft();
}

function composerBusy() {
  return Boolean(bodyInput.value.trim());
}

/** The composer as an update to send. */
function composerPayload() {
  const payload = {
    id: uuid(),
    kind: selectedKind(),
    body: bodyInput.value,
    occurred_at: occurredAt(),
    key: keyInput.checked,
  };
  if (roleSelect.value) payload.speaker = { role: roleSelect.value, name: nameInput.value.trim() || null };
  return payload;
}

/** An outbox item's update as a draft for the composer, with its own stamp. */
function draftOf(item) {
  const { payload } = item;
  return {
    body: payload.body, kind: payload.kind, role: payload.speaker?.role, name: payload.speaker?.name,
    key: payload.key, stamp: payload.occurred_at, time: null, refusal: item.error,
  };
}

function showCount() {
  const length = bodyInput.value.length;
  byId("body-count").textContent = length > MAX_BODY - 500 ? `${length} / ${MAX_BODY}` : "";
}

function clearFieldErrors(root = document) {
  for (const el of root.querySelectorAll(".field-error")) {
    if (el.id === "login-error") continue;
    el.hidden = true;
    el.replaceChildren();
  }
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/**
 * Show an error on a field, right where it is: the message under it and, for a
 * restricted term, the words themselves marked and selected in the text.
 */
function fieldError({ errorEl, input, message, text = null, range = null, focus = true }) {
  const parts = [];
  if (range && text) {
    const words = [...text].slice(range.start, range.end).join("");
    const mark = document.createElement("mark");
    mark.textContent = words;
    parts.push("Reporting restriction: ", mark,
      ` (characters ${range.start + 1}–${range.end}) cannot be published. Remove or reword it.`);
  } else {
    parts.push(message);
  }
  errorEl.replaceChildren(...parts);
  errorEl.dataset.code = range ? "restricted_term" : "";
  errorEl.hidden = false;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    if (focus) {
      input.focus();
      if (range && text && input.setSelectionRange) {
        input.setSelectionRange(unitIndex(text, range.start), unitIndex(text, range.end));
      }
    }
  }
}

function checkRestricted(fields, { focus }) {
  const terms = state.hearing?.restricted_terms || [];
  for (const [input, errorEl] of fields) {
    const hit = restrictedIn(input.value, terms);
    if (hit) {
      fieldError({ errorEl, input, text: input.value, range: hit, focus });
      return true;
    }
  }
  return false;
}

let checkTimer = null;
function onBodyInput() {
  if (!bodyInput.value.trim()) forgetDraft();
  else if (!state.stamp) stampNow();
  showCount();
  saveDraft();
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    const errorEl = byId("body-error");
    if (errorEl.dataset.code === "restricted_term" || errorEl.hidden) {
      errorEl.hidden = true;
      bodyInput.removeAttribute("aria-invalid");
      checkRestricted([[bodyInput, errorEl]], { focus: false });
    }
  }, 200);
}

async function send(event) {
  event?.preventDefault();
  if (!state.hearing || !state.user) return;
  clearFieldErrors(composeForm);
  const body = bodyInput.value;
  if (!body.trim()) {
    fieldError({ errorEl: byId("body-error"), input: bodyInput, message: "Write the update first." });
    return;
  }
  if (body.length > MAX_BODY) {
    fieldError({ errorEl: byId("body-error"), input: bodyInput, message: `The text has ${body.length} characters; at most ${MAX_BODY}.` });
    return;
  }
  const name = nameInput.value.trim();
  if (name && !roleSelect.value) {
    fieldError({ errorEl: byId("speaker-error"), input: roleSelect, message: "Pick the speaker's role as well." });
    return;
  }
  if (timeInput.value && !withTime(state.stamp || new Date(), timeInput.value, state.hearing.timezone)) {
    fieldError({ errorEl: byId("time-error"), input: timeInput, message: "Enter the court time as hours and minutes." });
    return;
  }
  if (checkRestricted([[bodyInput, byId("body-error")], [nameInput, byId("speaker-error")]], { focus: true })) return;
  const payload = composerPayload();
  const draft = currentDraft();
  // What is sent leaves the composer at once: keys pressed while it is being saved
  // start the next draft, not an addition to this one.
  resetComposer();
  bodyInput.focus();
  // Saved on the phone first; the outbox sends it (now, or when the network is back).
  try {
    await outbox.add({ hearing: state.hearing.slug, username: state.user.username, payload });
  } catch (error) {
    if (!composerBusy()) fillComposer(draft);
    fieldError({ errorEl: byId("body-error"), input: bodyInput, message: `Not saved on this phone: ${error.message}` });
    return;
  }
  takeBack();
}

// Refusals: an update the server refuses (a 4xx that no retry can change) comes back
// into the composer with its kind, speaker and stamp, and the server's reason beside
// it; it leaves the outbox, so no second copy lingers there.

function problemText(error) {
  const where = FIELD_LABELS[error.field] || error.field;
  return where ? `${error.message} (In ${where}.)` : error.message;
}

const composeFields = {
  body: [bodyInput, byId("body-error")],
  "speaker.name": [nameInput, byId("speaker-error")],
  "speaker.role": [roleSelect, byId("speaker-error")],
  speaker: [roleSelect, byId("speaker-error")],
  occurred_at: [timeInput, byId("time-error")],
};

function showRefusal(error) {
  state.refusal = error || null;
  const box = byId("refusal");
  box.hidden = !error;
  if (!error) return;
  byId("refusal-reason").textContent = problemText(error);
  showServerError(error, composeFields, null, { focus: false });
}

// One move between the outbox and the composer at a time: a refusal and a Send that
// both find the composer empty must not both bring the same update in.
let moving = Promise.resolve();
function serially(work) {
  moving = moving.then(work).catch((error) => console.error("composer", error));
  return moving;
}

/** When the composer is empty: the oldest refused update of this hearing, else the
 * oldest held draft, comes into it and leaves the outbox. */
function takeBack() {
  return serially(takeNext);
}

async function takeNext() {
  if (!state.hearing || !state.user || composerBusy()) return;
  const slug = state.hearing.slug;
  const mine = (await outbox.items()).filter(
    (item) => item.username === state.user?.username && item.hearing === slug && !isChange(item),
  );
  const next = mine.find((item) => item.state === "refused") || mine.find((item) => item.state === "held");
  if (!next || composerBusy() || state.hearing?.slug !== slug) return;
  await bringIn(next);
}

async function bringIn(item) {
  fillComposer(draftOf(item));
  writeDraft(); // on the phone as a draft before it leaves the outbox
  await outbox.discard(item.id);
  if (item.error) byId("refusal").focus();
  else bodyInput.focus();
}

// "Edit it" while another draft is being written. A reporter on a phone, mid-hearing,
// expects one tap, no question and nothing lost: the draft being written is set aside
// in the outbox as a held draft (never sent), the refused update takes its place, and
// the held draft comes back by itself after the next Send (or with its own Edit).
function swapIn(item) {
  return serially(() => swapNow(item));
}

async function swapNow(item) {
  if (!(await outbox.get(item.id))) return; // already brought in
  if (composerBusy()) {
    await outbox.hold({
      hearing: state.hearing.slug, username: state.user.username, payload: composerPayload(), error: state.refusal,
    });
  }
  await bringIn(item);
}

function snippet(text) {
  const words = [...text];
  return words.length > 60 ? `${words.slice(0, 60).join("")}…` : text;
}

function whereText(item) {
  const other = item.hearing !== state.hearing?.slug;
  return other ? ` in ${state.hearings.find((h) => h.slug === item.hearing)?.title || item.hearing}` : "";
}

/** What an outbox item says the update is: a new one as written, a correction as it
 * makes the entry, a deletion as the entry was. */
function itemShown(item) {
  return isChange(item) ? { ...item.seen, ...(item.payload.changes || {}) } : item.payload;
}

function drawRefusedBanner(refused) {
  const banner = byId("refused-banner");
  banner.hidden = !refused.length;
  if (!refused.length) return;
  const oldest = refused[refused.length - 1];
  const what = { revise: "correction of", delete: "deletion of" }[oldest.op] || "update";
  const more = refused.length > 1 ? ` ${refused.length - 1} more refused in the outbox.` : "";
  byId("refused-text").textContent =
    `Not published: your ${what}${whereText(oldest)} “${snippet(itemShown(oldest).body)}” was refused. ${problemText(oldest.error)}${more}`;
  const edit = byId("refused-edit");
  edit.textContent = oldest.op === "delete" ? "Discard it" : "Edit it";
  edit.onclick = () => editRefused(oldest);
}

/** A refused update of this hearing is edited in the composer; of another, in the dialog.
 * A refused correction is edited in the dialog; a refused deletion can only go. */
function editRefused(item) {
  if (item.op === "revise") openEdit({ kind: "correction", item });
  else if (item.op === "delete") outbox.discard(item.id);
  else if (item.hearing === state.hearing?.slug) swapIn(item);
  else openEdit({ kind: "outbox", item });
}

// Conflicts: a correction made on a revision that someone else changed meanwhile. The
// server applied nothing; the reporter sees both versions and applies theirs on top of
// the current revision, or drops it.

function drawConflictBanner(conflicts) {
  const banner = byId("conflict-banner");
  banner.hidden = !conflicts.length;
  if (!conflicts.length) return;
  const oldest = conflicts[conflicts.length - 1];
  const more = conflicts.length > 1 ? ` ${conflicts.length - 1} more in the outbox.` : "";
  byId("conflict-text").textContent =
    `Not published: your correction${whereText(oldest)} of “${snippet(oldest.seen.body)}” crossed a newer`
    + ` version of the update (revision ${oldest.current.revision}). Compare the two and choose.${more}`;
  byId("conflict-review").onclick = () => compare(oldest);
}

function versionMeta(entry) {
  const parts = [courtClock(entry.occurred_at), kindText(entry.kind), speakerText(entry.speaker)];
  if (entry.key) parts.push("key event");
  if (entry.revision) parts.push(`revision ${entry.revision}`);
  return parts.filter(Boolean).join(" · ");
}

function showVersion(prefix, entry) {
  byId(`conflict-${prefix}-meta`).textContent = versionMeta(entry);
  byId(`conflict-${prefix}`).textContent = entry.body;
  const note = byId(`conflict-${prefix}-note`);
  note.textContent = entry.correction ? `Correction note: ${entry.correction}` : "";
  note.hidden = !entry.correction;
}

function compare(item) {
  if (conflictDialog.open) return;
  state.comparing = item;
  const { revision } = item.payload;
  byId("conflict-intro").textContent =
    `You corrected revision ${revision} of this update; it has been changed since and is at revision`
    + ` ${item.current.revision} now. Apply your correction on top of it, or drop yours and keep what is published.`;
  showVersion("mine", { ...itemShown(item), revision: null });
  showVersion("current", item.current);
  conflictDialog.returnValue = "";
  conflictDialog.showModal();
  byId("conflict-apply").focus();
}

async function decideConflict() {
  const shown = state.comparing;
  state.comparing = null;
  const choice = conflictDialog.returnValue;
  if (!shown || (choice !== "apply" && choice !== "drop")) return;
  const item = await outbox.get(shown.id);
  if (!item || item.state !== "conflict") return; // decided in another tab
  if (choice === "apply") {
    await outbox.resend(item.id, { changes: item.payload.changes, revision: item.current.revision });
    byId("mine-state").textContent = "Your correction is sent again, on top of the newer version.";
    return;
  }
  await outbox.discard(item.id);
  if (item.hearing === state.hearing?.slug && item.current.author === state.user?.username) {
    state.mine.set(item.current.id, item.current);
  }
  byId("mine-state").textContent = "Your correction is dropped; the update stays as published.";
  renderMine();
}

// The outbox on screen

function itemText(element, text, range) {
  if (!range) {
    element.textContent = text;
    return;
  }
  const chars = [...text];
  const mark = document.createElement("mark");
  mark.textContent = chars.slice(range.start, range.end).join("");
  element.replaceChildren(chars.slice(0, range.start).join(""), mark, chars.slice(range.end).join(""));
}

function retryText() {
  const { reason, retryAt } = outbox.status;
  if (reason === "offline") return "Offline: waiting updates are sent when the network is back.";
  if (reason === "signed-out") return "Signed out: sign in again to send what is waiting.";
  if (reason === "retrying" && retryAt) {
    return `Could not reach the server; trying again in ${Math.max(1, Math.round((retryAt - Date.now()) / 1000))} s.`;
  }
  if (reason === "sending") return "Sending…";
  return "";
}

const outboxView = {
  running: false, dirty: false, waiting: 0, ops: {}, refused: 0, conflicts: 0, held: 0, queued: 0, total: 0,
};

async function renderOutbox() {
  if (!outbox || !state.user) return;
  // One render at a time; changes during a render cause one more.
  if (outboxView.running) {
    outboxView.dirty = true;
    return;
  }
  outboxView.running = true;
  try {
    do {
      outboxView.dirty = false;
      await drawOutbox();
    } while (outboxView.dirty);
  } finally {
    outboxView.running = false;
  }
}

/** "2 updates, 1 correction and 1 deletion waiting." */
function waitingText(ops) {
  const parts = [["post", "update", "updates"], ["revise", "correction", "corrections"], ["delete", "deletion", "deletions"]]
    .filter(([op]) => ops[op])
    .map(([op, one, many]) => `${ops[op]} ${ops[op] === 1 ? one : many}`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  return `${list} waiting.`;
}

function drawOutboxState() {
  const { waiting, ops, refused, conflicts, held, queued, total } = outboxView;
  const summary = [];
  if (waiting) summary.push(waitingText(ops));
  if (queued) {
    summary.push(queued === 1
      ? "1 update is at the server, not published yet (held, delayed or in review)."
      : `${queued} updates are at the server, not published yet (held, delayed or in review).`);
  }
  if (refused) summary.push(refused === 1 ? "1 refused: edit it or discard it." : `${refused} refused: edit them or discard them.`);
  if (conflicts) {
    summary.push(conflicts === 1
      ? "1 correction crossed a newer version: compare them."
      : `${conflicts} corrections crossed newer versions: compare them.`);
  }
  if (held) summary.push(held === 1 ? "1 draft held: it comes back after your next Send." : `${held} drafts held: they come back one by one after each Send.`);
  const status = retryText();
  if (status && waiting) summary.push(status);
  byId("outbox-state").textContent = summary.join(" ") || (total ? "Everything is sent." : "Nothing waiting.");
}

async function drawOutbox() {
  const items = (await outbox.items()).filter((item) => item.username === state.user?.username).reverse();
  const waitingItems = items.filter((item) => item.state === "waiting" || item.state === "sending");
  const waiting = waitingItems.length;
  const ops = {};
  for (const item of waitingItems) ops[item.op || "post"] = (ops[item.op || "post"] || 0) + 1;
  const refusedItems = items.filter((item) => item.state === "refused");
  const refused = refusedItems.length;
  const conflictItems = items.filter((item) => item.state === "conflict");
  const conflicts = conflictItems.length;
  const held = items.filter((item) => item.state === "held").length;
  const queued = items.filter((item) => item.state === "queued").length;
  const badge = byId("outbox-badge");
  badge.dataset.count = String(waiting);
  badge.dataset.refused = String(refused + conflicts);
  byId("outbox-count").textContent = String(waiting);
  const template = byId("outbox-item");
  byId("outbox-list").replaceChildren(...items.map((item) => outboxItem(template, item)));
  byId("clear-published").hidden = !items.some((item) => ["published", "pulled", "discarded"].includes(item.state));
  Object.assign(outboxView, { waiting, ops, refused, conflicts, held, queued, total: items.length });
  drawOutboxState();
  drawRefusedBanner(refusedItems);
  drawConflictBanner(conflictItems);
  noteChanges(items);
}

function outboxItem(template, item) {
  const li = template.content.firstElementChild.cloneNode(true);
  li.dataset.state = item.state;
  li.dataset.id = item.id;
  li.dataset.op = item.op || "post";
  const change = isChange(item);
  const shown = itemShown(item);
  let label = item.state === "published" ? `Published · #${item.seq}` : STATE_LABELS[item.state];
  if (item.state === "queued") {
    label = WAIT_LABELS[item.wait?.state] || "Not published yet";
    li.dataset.wait = item.wait?.state || "";
    showWait(li, item);
  }
  if (change) label = `${OP_LABELS[item.op]} · ${label}`;
  li.querySelector(".state").textContent = label;
  const when = li.querySelector(".when");
  when.dateTime = shown.occurred_at;
  when.textContent = courtClock(shown.occurred_at);
  li.querySelector(".kind").textContent = kindText(shown.kind);
  li.querySelector(".where").textContent = whereText(item).trim();
  const error = item.error;
  const range = error && error.field === "body" ? positionsIn(error.message) : null;
  itemText(li.querySelector(".text"), shown.body, range);
  const note = li.querySelector(".note");
  note.textContent = item.state === "waiting" || item.state === "sending" ? item.note || "" : "";
  note.hidden = !note.textContent;
  const problem = li.querySelector(".problem");
  if (error) {
    problem.hidden = false;
    problem.textContent = problemText(error);
  }
  if (item.state === "refused" || item.state === "held" || item.state === "conflict") {
    const actions = li.querySelector(".actions");
    actions.hidden = false;
    const edit = actions.querySelector(".edit");
    if (item.state === "conflict") {
      edit.textContent = "Compare";
      edit.addEventListener("click", () => compare(item));
    } else {
      edit.hidden = item.op === "delete";
      edit.addEventListener("click", () => (item.state === "held" ? swapIn(item) : editRefused(item)));
    }
    const resend = actions.querySelector(".resend");
    resend.hidden = item.state !== "refused";
    resend.addEventListener("click", () => outbox.resend(item.id));
    const [title, text] = {
      revise: ["Discard this correction?", "It was never applied: the update stays as published."],
      delete: ["Discard this deletion?", "The update stays published."],
    }[item.op] || ["Discard this update?", "It was never published; it will be gone from this phone."];
    actions.querySelector(".discard").addEventListener("click", async () => {
      if (await confirmAction(title, text, "Discard")) outbox.discard(item.id);
    });
  }
  return li;
}

// Updates that wait at the server: held (reporting paused), delayed (the hearing's
// publish delay, with a countdown and Undo) or in review (an editor decides).

/** "0:27" until `releaseAt` (never below zero). */
function countdownText(releaseAt) {
  const left = Math.max(0, Math.ceil((Date.parse(releaseAt) - Date.now()) / 1000));
  return `${Math.floor(left / 60)}:${pad(left % 60)}`;
}

function showWait(li, item) {
  const wait = li.querySelector(".wait");
  wait.hidden = false;
  if (item.wait?.state === "held") {
    wait.textContent = heldText(item.hearing);
  } else if (item.wait?.state === "review") {
    wait.textContent = "In review — an editor publishes it or discards it.";
  } else if (item.wait?.state === "delayed" && item.wait.release_at) {
    const clock = document.createElement("span");
    clock.className = "countdown";
    clock.dataset.releaseAt = item.wait.release_at;
    clock.textContent = countdownText(item.wait.release_at);
    wait.replaceChildren("Delayed — published in ", clock, " unless you undo it.");
    const actions = li.querySelector(".actions");
    actions.hidden = false;
    for (const other of actions.querySelectorAll(".edit, .resend, .discard")) other.hidden = true;
    const undo = actions.querySelector(".undo");
    undo.hidden = false;
    undo.setAttribute("aria-label", `Undo: pull back “${snippet(item.payload.body)}” before it is published`);
    undo.addEventListener("click", () => pullBack(item, undo));
  } else {
    wait.textContent = "At the server, not published yet.";
  }
}

async function pullBack(item, control) {
  control.disabled = true;
  try {
    const after = await outbox.pullBack(item.id, state.token);
    byId("outbox-state").textContent = after?.state === "pulled"
      ? "Pulled back: it will not be published."
      : "Too late to undo: it is published.";
  } catch (error) {
    control.disabled = false;
    byId("outbox-state").textContent = `Not pulled back: ${error.message}`;
  }
}

/** Every second: the countdowns of delayed updates; one that reached zero is checked. */
function tickCountdowns() {
  let due = false;
  for (const clock of document.querySelectorAll("#outbox-list .countdown")) {
    clock.textContent = countdownText(clock.dataset.releaseAt);
    if (Date.parse(clock.dataset.releaseAt) <= Date.now()) due = true;
  }
  if (due && Date.now() - queueCheck.at > 2000) checkQueued();
}

const queueCheck = { at: 0, running: false };

/** Ask the server about this reporter's waiting updates: one that its hearing's queue
 * no longer lists was published or discarded, and a retry of the same post says which
 * (the live feed usually says it first, for the open hearing). */
async function checkQueued() {
  if (!state.user || !state.token || queueCheck.running || navigator.onLine === false) return;
  queueCheck.running = true;
  queueCheck.at = Date.now();
  try {
    const queued = (await outbox.items()).filter((item) => item.state === "queued" && item.username === state.user?.username);
    for (const slug of new Set(queued.map((item) => item.hearing))) {
      let listed;
      try {
        listed = (await request("GET", `/api/hearings/${encodeURIComponent(slug)}/queue`)).queue;
      } catch {
        continue; // offline or refused: next time
      }
      const waiting = new Set(listed.map((found) => found.entry.id));
      for (const item of queued.filter((one) => one.hearing === slug && !waiting.has(one.id))) {
        await outbox.recheck(item.id, state.token);
      }
    }
  } finally {
    queueCheck.running = false;
  }
}

// The reporter's own entries

async function refreshMine() {
  if (!state.hearing) return;
  const slug = state.hearing.slug;
  const stateEl = byId("mine-state");
  try {
    const data = await request("GET", `/api/hearings/${encodeURIComponent(slug)}/entries?limit=200`);
    if (state.hearing?.slug !== slug) return;
    state.mine = new Map(data.entries.filter((entry) => entry.author === state.user?.username).map((entry) => [entry.id, entry]));
    stateEl.textContent = "";
    renderMine();
  } catch (error) {
    stateEl.textContent = error.status === 0 ? "Offline: your updates are shown as last loaded." : error.message;
  }
}

/** The outbox's unpublished corrections and deletions of this hearing, by entry, oldest
 * first; "My updates" shows them on the entries at once, marked as waiting. */
function noteChanges(items) {
  const changes = new Map();
  for (const item of [...items].reverse()) {
    if (!isChange(item) || item.state === "published" || item.hearing !== state.hearing?.slug) continue;
    if (!changes.has(item.entry)) changes.set(item.entry, []);
    changes.get(item.entry).push(item);
  }
  const signature = (map) => JSON.stringify([...map].map(([id, list]) => [id, list.map((item) => [item.id, item.state, item.payload])]));
  const before = signature(state.changes);
  state.changes = changes;
  if (signature(changes) !== before) renderMine();
}

/** An entry as it will be once the outbox has sent the corrections waiting for it. */
function shownEntry(entry) {
  let shown = entry;
  for (const item of state.changes.get(entry.id) || []) {
    if (item.op === "revise") shown = { ...shown, ...item.payload.changes };
  }
  return shown;
}

/** What "My updates" says of an entry's changes in the outbox, as [state, text]. */
function pendingOf(entry) {
  const changes = state.changes.get(entry.id) || [];
  if (!changes.length) return [null, ""];
  const stuck = changes.find((item) => item.state === "conflict" || item.state === "refused");
  if (stuck?.state === "conflict") return ["conflict", "Your correction crossed a newer version: compare them."];
  if (stuck) return ["refused", `Your ${stuck.op === "delete" ? "deletion" : "correction"} was refused: see the outbox.`];
  const deleting = changes.some((item) => item.op === "delete");
  return ["waiting", deleting ? "Deletion waiting to be sent." : "Correction waiting to be sent."];
}

function renderMine() {
  const known = new Map(state.mine);
  // A change waiting for an entry not loaded (offline since a reload) shows it as seen.
  for (const [id, changes] of state.changes) if (!known.has(id)) known.set(id, changes[0].seen);
  const entries = [...known.values()]
    .sort((a, b) => Date.parse(shownEntry(b).occurred_at) - Date.parse(shownEntry(a).occurred_at))
    .slice(0, MINE_SHOWN);
  const template = byId("mine-item");
  byId("mine-list").replaceChildren(...entries.map((base) => {
    const entry = shownEntry(base);
    const li = template.content.firstElementChild.cloneNode(true);
    li.dataset.id = entry.id;
    const [pending, pendingText] = pendingOf(entry);
    const deleting = (state.changes.get(entry.id) || []).some((item) => item.op === "delete");
    if (pending) li.dataset.pending = pending;
    if (deleting) li.dataset.deleting = "true";
    const pendingEl = li.querySelector(".pending");
    pendingEl.textContent = pendingText;
    pendingEl.hidden = !pendingText;
    const when = li.querySelector(".when");
    when.dateTime = entry.occurred_at;
    when.textContent = courtClock(entry.occurred_at);
    li.querySelector(".kind").textContent = kindText(entry.kind);
    li.querySelector(".flag").hidden = !entry.key;
    li.querySelector(".speaker").textContent = speakerText(entry.speaker);
    li.querySelector(".revision").textContent = entry.revision > 1 ? `revision ${entry.revision}` : "";
    li.querySelector(".text").textContent = entry.body;
    li.querySelector(".correction").hidden = !entry.correction;
    li.querySelector(".correction-text").textContent = entry.correction || "";
    const edit = li.querySelector(".edit");
    const remove = li.querySelector(".delete");
    const review = li.querySelector(".review");
    edit.addEventListener("click", () => openEdit({ kind: "entry", entry: base }));
    remove.addEventListener("click", () => deleteEntry(base));
    edit.setAttribute("aria-label", `Edit the update at ${when.textContent}`);
    remove.setAttribute("aria-label", `Delete the update at ${when.textContent}`);
    edit.hidden = remove.hidden = deleting;
    const conflict = (state.changes.get(entry.id) || []).find((item) => item.state === "conflict");
    review.hidden = !conflict;
    if (conflict) {
      review.addEventListener("click", () => compare(conflict));
      review.setAttribute("aria-label", `Compare your correction of the update at ${when.textContent}`);
    }
    return li;
  }));
  const stateEl = byId("mine-state");
  const none = "You have not published anything in this hearing yet.";
  if (!entries.length && !stateEl.textContent) stateEl.textContent = none;
  else if (entries.length && stateEl.textContent === none) stateEl.textContent = "";
  const names = new Set([...known.values()].map((entry) => entry.speaker?.name).filter(Boolean));
  byId("speaker-names").replaceChildren(...[...names].map((name) => {
    const option = document.createElement("option");
    option.value = name;
    return option;
  }));
}

/** "Saved on this phone", and when it goes. */
function savedText(what) {
  return navigator.onLine === false
    ? `${what} saved on this phone: it is sent when the network is back.`
    : `${what} saved on this phone; sending…`;
}

async function deleteEntry(entry) {
  const shown = shownEntry(entry);
  const ok = await confirmAction(
    "Delete this update?",
    `“${shown.body.slice(0, 120)}” will disappear from the reader page and the record.`,
    "Delete",
  );
  if (!ok) return;
  // Through the outbox: on the phone first, sent when the network allows, after any
  // correction of the same update still waiting there.
  try {
    await outbox.remove({
      hearing: state.hearing.slug, username: state.user.username, seen: { ...shown, revision: entry.revision },
    });
    byId("mine-state").textContent = savedText("Deletion");
  } catch (error) {
    byId("mine-state").textContent = `Not deleted: ${error.message}`;
  }
}

// The edit dialog: a published entry (a correction, with its note, through the outbox),
// a refused outbox item (edited, then sent again) or a refused correction (likewise).

const EDIT_WORDS = {
  entry: ["Correct your update", "Save correction"],
  outbox: ["Edit and send again", "Send again"],
  correction: ["Fix your correction", "Send correction again"],
};

/** What the dialog starts from: the entry with its waiting corrections, the refused
 * update, or the entry as the refused correction makes it. */
function editSource(target) {
  if (target.kind === "entry") return shownEntry(target.entry);
  return itemShown(target.item);
}

const editFields = {
  body: [byId("edit-body"), byId("edit-body-error")],
  "speaker.name": [byId("edit-name"), byId("edit-speaker-error")],
  "speaker.role": [byId("edit-role"), byId("edit-speaker-error")],
  speaker: [byId("edit-role"), byId("edit-speaker-error")],
  correction: [byId("edit-correction"), byId("edit-correction-error")],
};

function openEdit(target) {
  state.editing = target;
  const source = editSource(target);
  const correcting = target.kind !== "outbox";
  clearFieldErrors(editDialog);
  setNotice(byId("edit-error"), "");
  [byId("edit-title").textContent, byId("edit-save").textContent] = EDIT_WORDS[target.kind];
  byId("edit-body").value = source.body;
  byId("edit-kind").value = source.kind;
  byId("edit-role").value = source.speaker?.role || "";
  byId("edit-name").value = source.speaker?.name || "";
  byId("edit-key").checked = Boolean(source.key);
  byId("edit-time").value = timeValue(new Date(source.occurred_at), state.hearing.timezone);
  byId("edit-correction-field").hidden = !correcting;
  byId("edit-correction").value = correcting ? source.correction || "" : "";
  editDialog.showModal();
  const error = target.kind !== "entry" ? target.item.error : null;
  if (error) showServerError(error, editFields, byId("edit-error"));
  else byId("edit-body").focus();
}

function showServerError(error, fields, fallbackEl, { focus = true } = {}) {
  const [input, errorEl] = fields[error.field] || [];
  if (!input) {
    if (fallbackEl) setNotice(fallbackEl, error.message);
    return;
  }
  const range = error.code === "restricted_term" ? positionsIn(error.message) : null;
  fieldError({ errorEl, input, message: error.message, text: input.value, range, focus });
}

function editedFields(source) {
  const zone = state.hearing.timezone;
  const role = byId("edit-role").value;
  const name = byId("edit-name").value.trim();
  const reference = new Date(source.occurred_at);
  const time = withTime(reference, byId("edit-time").value, zone);
  return {
    body: byId("edit-body").value,
    kind: byId("edit-kind").value,
    speaker: role ? { role, name: name || null } : null,
    key: byId("edit-key").checked,
    occurred_at: time && byId("edit-time").value !== timeValue(reference, zone) ? rfc3339InZone(time, zone) : source.occurred_at,
  };
}

async function saveEdit(event) {
  event.preventDefault();
  const target = state.editing;
  if (!target) return;
  clearFieldErrors(editDialog);
  setNotice(byId("edit-error"), "");
  const source = editSource(target);
  const fields = editedFields(source);
  if (!fields.body.trim()) {
    fieldError({ errorEl: byId("edit-body-error"), input: byId("edit-body"), message: "The text cannot be empty." });
    return;
  }
  if (byId("edit-name").value.trim() && !fields.speaker) {
    fieldError({ errorEl: byId("edit-speaker-error"), input: byId("edit-role"), message: "Pick the speaker's role as well." });
    return;
  }
  const checks = [[byId("edit-body"), byId("edit-body-error")], [byId("edit-name"), byId("edit-speaker-error")]];
  if (target.kind !== "outbox") checks.push([byId("edit-correction"), byId("edit-correction-error")]);
  if (checkRestricted(checks, { focus: true })) return;
  if (target.kind === "outbox") {
    const payload = { id: source.id, ...fields };
    if (!payload.speaker) delete payload.speaker;
    await outbox.resend(target.item.id, payload);
    editDialog.close();
    return;
  }
  // A correction is what differs from the entry the reporter saw (for a refused one,
  // from the entry it was made on, so that it still changes the same revision).
  const base = target.kind === "entry" ? source : target.item.seen;
  const changes = {};
  for (const [name, value] of Object.entries(fields)) {
    if (JSON.stringify(value) !== JSON.stringify(base[name] ?? null)) changes[name] = value;
  }
  const correction = byId("edit-correction").value.trim();
  if (correction !== (base.correction || "")) changes.correction = correction || null;
  if (!Object.keys(changes).length) {
    setNotice(byId("edit-error"), "Nothing has changed.");
    return;
  }
  const button = byId("edit-save");
  button.disabled = true;
  try {
    if (target.kind === "correction") {
      await outbox.resend(target.item.id, { changes, revision: target.item.payload.revision });
    } else {
      // Saved on the phone first, then sent with the revision it corrects: a retry is
      // never applied twice, and a change made meanwhile by someone else is a conflict.
      await outbox.revise({
        hearing: state.hearing.slug, username: state.user.username,
        seen: { ...source, revision: target.entry.revision }, changes,
      });
    }
    byId("mine-state").textContent = savedText("Correction");
    editDialog.close();
  } catch (error) {
    setNotice(byId("edit-error"), `Not saved on this phone: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

function confirmAction(title, text, okLabel) {
  byId("confirm-title").textContent = title;
  byId("confirm-text").textContent = text;
  byId("confirm-ok").textContent = okLabel;
  confirmDialog.returnValue = "";
  confirmDialog.showModal();
  return new Promise((resolve) => {
    confirmDialog.addEventListener("close", () => resolve(confirmDialog.returnValue === "ok"), { once: true });
  });
}

// Offline start: the service worker keeps this app's files for a reload without network.

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/report-sw.js", { scope: "/report" });
    await navigator.serviceWorker.ready;
    document.body.dataset.offlineReady = "true";
  } catch (error) {
    console.warn("offline start unavailable", error);
  }
}

// Wiring

function wire() {
  byId("login-form").addEventListener("submit", signIn);
  for (const button of document.querySelectorAll(".sign-out")) button.addEventListener("click", signOut);
  byId("pick-refresh").addEventListener("click", async () => {
    await loadHearings();
    showPicker();
  });
  const toPicker = async () => {
    document.querySelector("details.account").open = false;
    showPicker();
    await loadHearings();
    showPicker();
  };
  byId("change-hearing").addEventListener("click", toPicker);
  byId("menu-change").addEventListener("click", toPicker);
  byId("sign-in-again").addEventListener("click", () => showLogin("Sign in again: your waiting updates are kept."));
  composeForm.addEventListener("submit", send);
  composeForm.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send(event);
  });
  bodyInput.addEventListener("input", onBodyInput);
  for (const input of [nameInput, keyInput]) input.addEventListener("input", saveDraft);
  timeInput.addEventListener("input", onTimeInput);
  roleSelect.addEventListener("change", onRoleChange);
  composeForm.addEventListener("change", saveDraft);
  byId("speaker-clear").addEventListener("click", clearSpeaker);
  nameInput.addEventListener("input", () => {
    showSpeaker();
    const errorEl = byId("speaker-error");
    errorEl.hidden = true;
    nameInput.removeAttribute("aria-invalid");
    roleSelect.removeAttribute("aria-invalid");
  });
  byId("time-now").addEventListener("click", stampNow);
  byId("edit-form").addEventListener("submit", saveEdit);
  byId("edit-form").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) saveEdit(event);
  });
  byId("edit-cancel").addEventListener("click", () => editDialog.close());
  editDialog.addEventListener("close", () => {
    state.editing = null;
  });
  byId("mine-refresh").addEventListener("click", refreshMine);
  byId("clear-published").addEventListener("click", () => outbox.clearPublished());
  outbox.addEventListener("change", renderOutbox);
  outbox.addEventListener("status", drawOutboxState);
  outbox.addEventListener("published", (event) => {
    const item = event.detail;
    const entry = item?.entry;
    if (!entry || !state.hearing || item.hearing !== state.hearing.slug) return;
    if (item.op === "delete") {
      state.mine.delete(item.entry);
      byId("mine-state").textContent = "Deleted.";
      renderMine();
    } else if (entry.author === state.user?.username && entry.id) {
      state.mine.set(entry.id, entry);
      if (item.op === "revise") byId("mine-state").textContent = "Correction published.";
      renderMine();
    }
  });
  outbox.addEventListener("refused", takeBack);
  outbox.addEventListener("conflict", (event) => {
    const { current } = event.detail;
    if (event.detail.hearing === state.hearing?.slug && current.author === state.user?.username) {
      state.mine.set(current.id, current);
      renderMine();
    }
  });
  conflictDialog.addEventListener("close", decideConflict);
  outbox.addEventListener("unauthorized", signedOut);
  onUnauthorized(signedOut);
  window.addEventListener("online", () => showNet("connecting"));
  window.addEventListener("offline", () => showNet("offline"));
  setInterval(() => {
    if (outbox.status.reason === "retrying") drawOutboxState();
    tickCountdowns();
  }, 1000);
  setInterval(() => {
    if (outboxView.queued) checkQueued();
  }, QUEUE_POLL_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      outbox.sendSoon(0);
      checkQueued();
      if (state.hearing) refreshMine();
    }
  });
}

async function boot() {
  registerWorker();
  outbox = new Outbox({
    auth: () => (state.token && state.user ? { token: state.token, username: state.user.username } : null),
  });
  try {
    await outbox.open();
  } catch (error) {
    byId("booting").textContent = `This browser cannot keep an outbox (${error.message}). Updates cannot be saved offline.`;
    return;
  }
  wire();
  state.token = getToken();
  state.user = load(USER_KEY);
  if (!state.token || !state.user) {
    showLogin();
    return;
  }
  try {
    const me = await request("GET", "/api/me");
    storeSession(state.token, me.user);
  } catch (error) {
    if (error.status === 401) {
      byId("signed-out").hidden = true;
      showLogin("Your session has ended. Sign in again.");
      return;
    }
    // Offline: carry on as the stored user; the outbox sends once the network is back.
  }
  await afterSignIn();
}

boot();
