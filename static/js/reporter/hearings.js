// Hearings: the list to pick from (kept for offline), the open hearing with its status,
// hold and rules, and its live feed.

import { courtDateTime } from "../courtdates.js";
import { kindText, phrase, statusText } from "../labels.js";
import { LiveFeed } from "../live.js";
import { zoneLabel } from "../zones.js";
import { renderCast } from "./cast.js";
import { timeValue } from "./clock.js";
import { restoreDraft, showSpeaker, timeInput } from "./composer.js";
import { refreshMine, renderMine } from "./mine.js";
import { renderOutbox } from "./outboxview.js";
import { takeBack } from "./sending.js";
import { byId, HEARING_KEY, HEARINGS_KEY, load, outbox, request, save, state } from "./state.js";
import { setNotice, showView } from "./views.js";

export async function loadHearings() {
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
    setNotice(note, cached ? phrase("hearing.list_offline") : error.message);
  }
}

export function showPicker() {
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
      meta.push(courtDateTime(hearing.scheduled_start, hearing.timezone));
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
    closed: phrase("hearing.closed"),
    scheduled: phrase("hearing.scheduled"),
  };
  setNotice(byId("hearing-warning"), warnings[hearing.status] || "");
  setNotice(byId("hearing-held"), hearing.reporting === "held"
    ? phrase("hearing.held", { note: hearing.reporting_note || phrase("hearing.paused") })
    : "");
  setNotice(byId("hearing-rules"), rulesText(hearing));
  if (state.stamp) timeInput.value = timeValue(state.stamp, hearing.timezone);
  renderCast();
  showSpeaker();
}

/** The hearing's delay and review kinds, as the reporter needs to know them. */
function rulesText(hearing) {
  const rules = [];
  const delay = Number(hearing.publish_delay) || 0;
  if (delay > 0) rules.push(phrase("hearing.delay", { delay }));
  const kinds = hearing.review_kinds || [];
  if (kinds.length) {
    rules.push(phrase("hearing.review", { kinds: kinds.map(kindText).join(", ") }));
  }
  return rules.join(" ");
}

export function openHearing(slug) {
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
  if (event.type === "entry.revised" || event.type === "entry.deleted" || event.type === "entry.withheld") {
    outbox.follow(entry).catch((error) => console.error("outbox", error));
  }
  if (entry.deleted || entry.withheld || event.type === "entry.deleted") {
    if (state.mine.delete(entry.id)) renderMine();
    return;
  }
  if (entry.author === state.user?.username) {
    state.mine.set(entry.id, entry);
    renderMine();
  }
}

export function showNet(connection) {
  const el = byId("net-state");
  const online = navigator.onLine !== false;
  el.dataset.state = online ? connection : "offline";
  el.textContent = !online ? phrase("net.offline") : connection === "live" ? phrase("net.online") : phrase("connection.connecting");
}
