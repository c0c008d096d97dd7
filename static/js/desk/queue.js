// The desk's Queue: posts of a hearing that wait (reporting held, a publish delay, a kind
// under review), in court order, for an editor to release or discard. Kept fresh by a
// poll every few seconds while the hearing is open and by every event of the hearing;
// items are updated in place, so a button in focus stays in focus. Text through
// textContent; only entry.html, sanitized by the server, as HTML (entryview.js).

import { ApiError, del, get, post, seg } from "../api.js";
import { courtTime, element } from "../entryview.js";
import { kindText, phrase, phraseParts } from "../labels.js";
import { deskEntry } from "./entrycard.js";

const POLL_MS = 4000;
const STATE_LABELS = { held: phrase("wait.held"), delayed: phrase("wait.delayed"), review: phrase("wait.review") };

/** "0:27" until `releaseAt` (never below zero). */
function countdown(releaseAt) {
  const left = Math.max(0, Math.ceil((Date.parse(releaseAt) - Date.now()) / 1000));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}

/** Why an update waits, in the page's words (the API's `reason` is English). */
function whyText(item, hearing) {
  if (item.state === "held") {
    const note = hearing.reporting_note;
    return note ? phrase("queue.why.held_note", { note }) : phrase("queue.why.held");
  }
  return phrase(item.state === "review" ? "queue.why.review" : "queue.why.delayed");
}

function preview(body) {
  return body.length > 120 ? `${body.slice(0, 120)}…` : body;
}

export class QueuePanel {
  /** `confirm(title, text, action)` resolves to true when confirmed; `say(text, kind)`. */
  constructor({ confirm, say }) {
    this.confirm = confirm;
    this.say = say;
    this.hearing = null;
    this.items = [];
    this.errors = new Map(); // entry id -> why its release was refused
    this.nodes = new Map(); // entry id -> {signature, li}
    this.poller = null;
    this.ticker = null;
    this.loading = null;
    this.again = false;
    this.busy = false; // "Release all" under way
    this.list = document.getElementById("queue-entries");
    this.section = document.getElementById("queue");
    this.status = document.getElementById("queue-status");
    this.releaseAll = document.getElementById("queue-release-all");
    this.releaseAll.addEventListener("click", () => this.releaseEvery());
  }

  open(hearing) {
    this.close();
    this.hearing = hearing;
    this.poller = setInterval(() => this.refresh(), POLL_MS);
    this.ticker = setInterval(() => this.tick(), 1000);
    this.refresh();
  }

  close() {
    clearInterval(this.poller);
    clearInterval(this.ticker);
    this.poller = this.ticker = null;
    this.hearing = null;
    this.items = [];
    this.errors.clear();
    this.nodes.clear();
    this.list.replaceChildren();
    this.status.textContent = "";
    this.show();
  }

  hearingChanged(hearing) {
    if (this.hearing && hearing.slug === this.hearing.slug) this.hearing = hearing;
  }

  /** Load the queue again; calls during a load cause one more load after it. */
  async refresh() {
    if (!this.hearing) return;
    if (this.loading) {
      this.again = true;
      return;
    }
    const slug = this.hearing.slug;
    this.loading = get(`/api/hearings/${seg(slug)}/queue`);
    try {
      const { queue } = await this.loading;
      if (this.hearing?.slug === slug) {
        this.items = queue;
        this.render();
      }
    } catch (error) {
      if (error instanceof ApiError && error.status !== 0) this.say(error.message, "error");
    } finally {
      this.loading = null;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    }
  }

  render() {
    const wanted = new Set(this.items.map((item) => item.entry.id));
    for (const [id, { li }] of this.nodes) {
      if (wanted.has(id)) continue;
      li.remove();
      this.nodes.delete(id);
      this.errors.delete(id);
    }
    this.items.forEach((item, index) => {
      const id = item.entry.id;
      const signature = JSON.stringify([item, this.errors.get(id) || ""]);
      let known = this.nodes.get(id);
      if (!known || known.signature !== signature) {
        const li = this.itemNode(item);
        if (known) {
          const focused = known.li.contains(document.activeElement) ? document.activeElement.classList[0] : null;
          known.li.replaceWith(li);
          if (focused) li.querySelector(`button.${CSS.escape(focused)}`)?.focus();
        }
        known = { signature, li };
        this.nodes.set(id, known);
      }
      if (this.list.children[index] !== known.li) this.list.insertBefore(known.li, this.list.children[index] || null);
    });
    this.show();
  }

  show() {
    const count = this.items.length;
    this.section.hidden = count === 0 && !this.status.textContent;
    document.getElementById("queue-title").textContent = phrase("queue.title", { count });
    this.releaseAll.hidden = count === 0;
    this.releaseAll.disabled = this.busy;
    const badge = document.getElementById("queue-badge");
    badge.hidden = count === 0;
    document.getElementById("queue-badge-count").textContent = String(count);
  }

  itemNode(item) {
    const { entry } = item;
    const li = element("li", `mod-entry queue-entry kind-${entry.kind}`);
    li.id = `queue-${entry.id}`;
    li.dataset.id = entry.id;
    li.dataset.state = item.state;
    const state = [`queue-state state-${item.state}`, STATE_LABELS[item.state] || item.state];
    const nodes = deskEntry(entry, "queued", [state]);
    const head = `queued-head-${entry.id}`;
    const display = element("div", "display");
    display.replaceChildren(...nodes);
    const why = element("p", "why", whyText(item, this.hearing));
    if (item.state === "delayed" && item.release_at) {
      const clock = element("span", "countdown", countdown(item.release_at));
      clock.dataset.releaseAt = item.release_at;
      why.append(" ", ...phraseParts("queue.goes_out", { clock }));
    }
    const error = element("p", "error", this.errors.get(entry.id) || "");
    error.setAttribute("role", "alert");
    error.hidden = !this.errors.has(entry.id);
    const label = `${courtTime(entry.occurred_at, this.hearing.timezone)} ${kindText(entry.kind)}`;
    const release = element("button", "release primary", phrase("queue.release"));
    release.type = "button";
    release.addEventListener("click", () => this.release(entry.id));
    const discard = element("button", "discard danger", phrase("discard.button"));
    discard.type = "button";
    discard.addEventListener("click", () => this.discard(item));
    const actions = element("div", "actions");
    actions.setAttribute("role", "group");
    actions.setAttribute("aria-label", phrase("queue.actions_for", { update: label }));
    for (const control of [release, discard]) {
      control.setAttribute("aria-describedby", head);
      control.disabled = this.busy;
    }
    actions.append(release, discard);
    li.append(display, why, error, actions);
    return li;
  }

  tick() {
    for (const clock of this.list.querySelectorAll(".countdown")) {
      clock.textContent = countdown(clock.dataset.releaseAt);
    }
  }

  /** Publish one waiting post now; a refusal (a restricted term, say) shows on it. */
  async releaseOne(id) {
    try {
      await post(`/api/hearings/${seg(this.hearing.slug)}/queue/${seg(id)}/release`);
      this.errors.delete(id);
      return null;
    } catch (error) {
      const message = error instanceof ApiError ? error.message : String(error);
      this.errors.set(id, phrase("queue.not_released", { message }));
      return message;
    }
  }

  async release(id) {
    this.status.textContent = "";
    const refused = await this.releaseOne(id);
    if (!refused) this.say(phrase("queue.released"));
    await this.refresh();
    if (refused) this.render();
  }

  /** Release every waiting post in court order, one request after another, stopping
   * at the first refusal and saying why. */
  async releaseEvery() {
    if (this.busy || !this.hearing) return;
    await this.refresh();
    const order = [...this.items];
    if (!order.length) return;
    this.busy = true;
    this.render();
    let released = 0;
    let stopped = null;
    try {
      for (const item of order) {
        const refused = await this.releaseOne(item.entry.id);
        if (refused) {
          stopped = { item, refused };
          break;
        }
        released += 1;
      }
    } finally {
      this.busy = false;
    }
    if (stopped) {
      const at = courtTime(stopped.item.entry.occurred_at, this.hearing.timezone);
      this.status.textContent = phrase("queue.stopped", { released, total: order.length, at, reason: stopped.refused });
    } else {
      this.status.textContent = phrase("queue.all_released", { released });
    }
    await this.refresh();
    this.render();
  }

  async discard(item) {
    const ok = await this.confirm(
      phrase("queue.discard_question"),
      phrase("queue.discard_note", { text: preview(item.entry.body) }),
      phrase("discard.button"),
    );
    if (!ok) return;
    try {
      await del(`/api/hearings/${seg(this.hearing.slug)}/queue/${seg(item.entry.id)}`);
      this.say(phrase("queue.discarded"));
    } catch (error) {
      this.say(error.message, "error");
    }
    await this.refresh();
  }
}
