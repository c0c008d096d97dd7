// The replay player: a hearing's whole event log, played at 1×, 10× or 60× the pace of
// its `at` timestamps, paused, or scrubbed to any moment; the view shows the page as
// readers saw it then (static/js/timeline.js folds the events up to that moment).
//
// Idle stretches longer than a minute of court time are skipped at every speed (see
// timeline.js `playLine`): the demo hearing's 14 days between sessions pass at once.

import { get, seg } from "./api.js";
import { courtTime, element, entryArticle, keyLabel } from "./entryview.js";
import { courtDays, placeDayHeadings } from "./days.js";
import { courtDayTime } from "./courtdates.js";
import { kindText, phrase, phraseCount, statusText } from "./labels.js";
import {
  applyEvent, courtInstant, emptyState, eventsUpTo, fold, IDLE_GAP_MS, playLine,
  skippedGaps, stepEvents, visible,
} from "./timeline.js";

export const SPEEDS = [1, 10, 60];
const EVENTS_PAGE = 1000;
const TICK_MS = 100;
/** How many events PageUp and PageDown move the scrubber by. */
const PAGE_EVENTS = 10;
/** The scrubber's keys, in events: an arrow to the next or previous event, a page ten. */
const KEY_STEPS = {
  ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: PAGE_EVENTS, PageDown: -PAGE_EVENTS,
};

/** The replay clock's formatter of instants in a hearing's time zone: day and time. */
function courtFormat(timezone) {
  const zone = timezone || "UTC";
  return { clock: (value) => courtDayTime(value, zone) };
}

/** The whole log of a hearing, paged with `after` until `last_seq`. */
export async function loadEvents(slug) {
  const events = [];
  for (;;) {
    const after = events.length ? events[events.length - 1].seq : 0;
    const page = await get(`/api/hearings/${seg(slug)}/events?after=${after}&limit=${EVENTS_PAGE}`);
    events.push(...page.events);
    if (!page.events.length || events[events.length - 1].seq >= page.last_seq) return events;
  }
}

export class ReplayPlayer {
  /** `root` holds the controls and the view (see server/templates/desk.html). */
  constructor(root) {
    this.root = root;
    this.play = root.querySelector("#replay-play");
    this.scrub = root.querySelector("#replay-scrub");
    this.clock = root.querySelector("#replay-clock");
    this.progress = root.querySelector("#replay-progress");
    this.skipped = root.querySelector("#replay-skipped");
    this.loaded = root.querySelector("#replay-loaded");
    this.view = root.querySelector("#replay-view");
    this.statusEl = root.querySelector("#replay-status");
    this.titleEl = root.querySelector("#replay-title");
    this.pinnedEl = root.querySelector("#replay-pinned");
    this.keyEl = root.querySelector("#replay-key");
    this.entriesEl = root.querySelector("#replay-entries");
    this.emptyEl = root.querySelector("#replay-empty");
    this.slug = null;
    this.events = [];
    this.line = playLine([]);
    this.position = 0;
    this.speed = 60;
    this.timer = null;
    this.state = emptyState();
    this.applied = 0;
    this.shown = -1;
    this.hearing = {};
    this.format = courtFormat("UTC");
    this.days = courtDays("UTC");

    this.play.addEventListener("click", () => (this.timer ? this.pause() : this.start()));
    this.scrub.addEventListener("input", () => {
      this.pause();
      this.seek(Number(this.scrub.value));
    });
    // The range's own keys move it by its step, a second: across a day of court, hours of
    // presses. These go from event to event, and Home and End to the ends.
    this.scrub.addEventListener("keydown", (key) => {
      const target = this.keyTarget(key.key);
      if (target === null || !this.events.length) return;
      key.preventDefault();
      this.pause();
      this.seek(target);
    });
    for (const radio of root.querySelectorAll("input[name=replay-speed]")) {
      radio.addEventListener("change", () => {
        if (radio.checked) this.speed = Number(radio.value);
      });
      if (radio.checked) this.speed = Number(radio.value);
    }
  }

  /** Load `hearing`'s log (a staff hearing object) and show its first moment. */
  async open(hearing) {
    this.pause();
    this.slug = hearing.slug;
    this.hearing = hearing;
    this.format = courtFormat(hearing.timezone);
    this.days = courtDays(hearing.timezone);
    this.loaded.textContent = phrase("replay.loading");
    const events = await loadEvents(hearing.slug);
    if (this.slug !== hearing.slug) return;
    this.setEvents(events);
    this.seek(0);
  }

  setEvents(events) {
    this.events = events;
    this.line = playLine(events, IDLE_GAP_MS);
    this.state = emptyState();
    this.applied = 0;
    this.shown = -1;
    this.scrub.max = String(this.line.length);
    this.scrub.disabled = events.length === 0;
    this.play.disabled = events.length === 0;
    // Creating a hearing appends no event: before its first hearing.updated the hearing
    // stood as created, which is "scheduled" unless it never changed since.
    const changed = events.some((event) => event.type === "hearing.updated");
    this.initialStatus = changed ? "scheduled" : this.hearing.status;
    const gaps = skippedGaps(this.line);
    const longest = gaps.reduce((most, gap) => Math.max(most, gap.to - gap.from), 0);
    this.skipped.textContent = gaps.length
      ? phraseCount("replay.skipped", gaps.length, { longest: durationText(longest) })
      : phrase("replay.skipping");
    this.loaded.textContent = events.length
      ? phrase("replay.loaded", { time: this.format.clock(events[events.length - 1].at) })
      : phrase("replay.log_empty");
  }

  /**
   * A live event of the hearing (from the desk's feed): extend the log, so a running
   * hearing can be replayed up to now. A deletion or a withholding turns the entry's
   * earlier events into tombstones here too, as the server does in its log.
   */
  append(event) {
    if (!this.slug || event.hearing !== this.slug) return;
    const last = this.events.length ? this.events[this.events.length - 1].seq : 0;
    if (event.seq !== last + 1) return;
    if (event.type === "entry.deleted" || event.type === "entry.withheld") {
      const id = event.data.id;
      this.events = this.events.map((old) => (old.data && old.data.id === id && old.type !== "hearing.updated"
        ? { ...old, data: { id, deleted: true } } : old));
    }
    const atEnd = this.position >= this.line.length;
    this.setEvents([...this.events, event]);
    this.seek(atEnd && !this.timer ? this.line.length : this.position);
  }

  start() {
    if (!this.events.length) return;
    if (this.position >= this.line.length) this.seek(0);
    let before = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const next = this.position + (now - before) * this.speed;
      before = now;
      this.seek(Math.min(next, this.line.length));
      if (this.position >= this.line.length) this.pause();
    }, TICK_MS);
    this.play.textContent = phrase("replay.pause");
    this.play.setAttribute("aria-pressed", "true");
    this.root.dataset.playing = "true";
  }

  pause() {
    clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = phrase("replay.play");
    this.play.setAttribute("aria-pressed", "false");
    this.root.dataset.playing = "false";
  }

  close() {
    this.pause();
    this.slug = null;
  }

  /** The play-line position a key moves the scrubber to; null for a key it ignores. */
  keyTarget(name) {
    if (name === "Home") return 0;
    if (name === "End") return this.line.length;
    return name in KEY_STEPS ? stepEvents(this.line, this.position, KEY_STEPS[name]) : null;
  }

  /** Show the moment at play-line `position` (ms). */
  seek(position) {
    this.position = Math.max(0, Math.min(position, this.line.length));
    this.scrub.value = String(Math.round(this.position));
    const moment = courtInstant(this.line, this.position);
    const label = this.events.length ? this.format.clock(moment) : "—";
    this.clock.textContent = label;
    this.scrub.setAttribute("aria-valuetext", label); // the slider is labelled "Court time"
    this.root.dataset.moment = this.events.length ? new Date(moment).toISOString() : "";
    this.showCount(eventsUpTo(this.line, this.position));
  }

  showCount(count) {
    if (count < this.applied) {
      this.state = fold(this.events.slice(0, count));
    } else {
      for (const event of this.events.slice(this.applied, count)) applyEvent(this.state, event);
    }
    this.applied = count;
    this.progress.textContent = phrase("replay.event_of", { count, total: this.events.length });
    this.root.dataset.applied = String(count);
    if (count !== this.shown) {
      this.shown = count;
      this.render();
    }
  }

  /** An entry as readers saw it (entryview.js); its time links to the reader page. */
  article(entry, prefix) {
    const entryBase = `/h/${encodeURIComponent(this.slug)}`;
    return entryArticle(entry, { timezone: this.hearing.timezone, prefix, entryBase, target: "_blank" });
  }

  render() {
    const hearing = { ...this.hearing, ...this.state.hearing };
    const status = this.state.hearing.status || this.initialStatus;
    this.titleEl.textContent = hearing.title || "";
    this.statusEl.className = `status status-${status}`;
    this.statusEl.textContent = statusText(status);
    const entries = visible(this.state);
    const pinned = entries.filter((entry) => entry.pinned);
    this.pinnedEl.replaceChildren(...pinned.map((entry) => this.article(entry, "replay-pinned")));
    this.pinnedEl.hidden = pinned.length === 0;
    const keyItems = entries.filter((entry) => entry.key).map((entry) => {
      const item = element("li");
      const link = element("a", "", `${courtTime(entry.occurred_at, this.hearing.timezone)} · ${keyLabel(kindText(entry.kind), entry.html)}`);
      link.href = `#replay-${entry.id}`;
      link.addEventListener("click", (click) => {
        click.preventDefault();
        document.getElementById(`replay-${entry.id}`)?.scrollIntoView({ block: "center" });
      });
      item.append(link);
      return item;
    });
    this.keyEl.replaceChildren(...keyItems);
    this.keyEl.closest("nav").hidden = keyItems.length === 0;
    this.entriesEl.replaceChildren(...entries.map((entry) => this.article(entry, "replay")));
    placeDayHeadings(this.entriesEl, this.days, "replay-day");
    this.emptyEl.hidden = entries.length > 0;
  }
}

function durationText(ms) {
  const minutes = Math.round(ms / 60000);
  if (minutes < 120) return phraseCount("duration.minutes", minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 48) return phraseCount("duration.hours", hours);
  return phraseCount("duration.days", Math.round(hours / 24));
}
