// The outbox on screen: its items and their states, the count on the badge, the
// summary under the title and the banners of refused and conflicting updates.

import { isChange } from "../outbox.js";
import { courtClock } from "./clock.js";
import { LOCALE, kindText, phrase, phraseCount, positionsIn } from "../labels.js";
import { compare, drawConflictBanner } from "./conflicts.js";
import { noteChanges } from "./mine.js";
import { drawRefusedBanner, editRefused } from "./refusals.js";
import { swapIn } from "./sending.js";
import { itemShown, problemText, whereText } from "./shown.js";
import { byId, outbox, state } from "./state.js";
import { confirmAction } from "./views.js";
import { showWait } from "./waiting.js";

// An item's state ("outbox.<state>"), a post the server keeps without publishing it yet
// (a 202) by why it waits ("wait.<reason>"), a change by its op ("op.<op>"): in the
// page's words (labels.js).

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
  if (reason === "offline") return phrase("outbox.offline");
  if (reason === "signed-out") return phrase("outbox.signed_out");
  if (reason === "retrying" && retryAt) {
    return phrase("outbox.retrying", { seconds: Math.max(1, Math.round((retryAt - Date.now()) / 1000)) });
  }
  if (reason === "sending") return phrase("outbox.sending");
  return "";
}

export const outboxView = {
  running: false, dirty: false, waiting: 0, ops: {}, refused: 0, conflicts: 0, held: 0, queued: 0, total: 0,
};

export async function renderOutbox() {
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
  const parts = [["post", "updates"], ["revise", "corrections"], ["delete", "deletions"]]
    .filter(([op]) => ops[op])
    .map(([op, counted]) => phraseCount(counted, ops[op]));
  return phrase("outbox.waiting_list", { list: new Intl.ListFormat(LOCALE, { type: "conjunction" }).format(parts) });
}

export function drawOutboxState() {
  const { waiting, ops, refused, conflicts, held, queued, total } = outboxView;
  const summary = [];
  if (waiting) summary.push(waitingText(ops));
  if (queued) summary.push(phraseCount("at_server", queued));
  if (refused) summary.push(phraseCount("refused", refused));
  if (conflicts) summary.push(phraseCount("conflicts", conflicts));
  if (held) summary.push(phraseCount("held", held));
  const status = retryText();
  if (status && waiting) summary.push(status);
  byId("outbox-state").textContent = summary.join(" ") || phrase(total ? "outbox.all_sent" : "outbox.nothing");
  byId("signed-out-waiting").hidden = !waiting;
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

/** A published update as it stands: corrected, deleted or withheld since it went out. */
function publishedLabel(entry) {
  if (entry?.deleted) return phrase("outbox.since_deleted");
  if (entry?.withheld) return phrase("outbox.since_withheld");
  return phrase(entry?.revision > 1 ? "outbox.since_corrected" : "outbox.published");
}

/** A photo being uploaded: how much of it the server has, as a bar named by the note
 * ("Uploading the photo: 40%"). */
function showProgress(bar, item, note) {
  const active = item.state === "waiting" || item.state === "sending";
  bar.hidden = !(active && item.photo && !item.photo.id && Number.isFinite(item.progress));
  if (bar.hidden) return;
  bar.value = item.progress;
  bar.textContent = `${item.progress}%`;
  note.id = `progress-${item.id}`;
  bar.setAttribute("aria-labelledby", note.id);
}

function outboxItem(template, item) {
  const li = template.content.firstElementChild.cloneNode(true);
  li.dataset.state = item.state;
  li.dataset.id = item.id;
  li.dataset.op = item.op || "post";
  const change = isChange(item);
  const shown = itemShown(item);
  let label = item.state === "published" ? publishedLabel(item.entry) : phrase(`outbox.${item.state}`);
  if (item.state === "queued") {
    label = item.wait?.state ? phrase(`wait.${item.wait.state}`) : phrase("wait.unpublished");
    li.dataset.wait = item.wait?.state || "";
    showWait(li, item);
  }
  if (change) label = `${phrase(`op.${item.op}`)} · ${label}`;
  li.querySelector(".state").textContent = label;
  const when = li.querySelector(".when");
  when.dateTime = shown.occurred_at;
  when.textContent = courtClock(shown.occurred_at, item.hearing);
  li.querySelector(".kind").textContent = kindText(shown.kind);
  li.querySelector(".where").textContent = whereText(item).trim();
  const error = item.error;
  const range = error && error.field === "body" ? positionsIn(error.message) : null;
  itemText(li.querySelector(".text"), shown.body, range);
  const note = li.querySelector(".note");
  note.textContent = (item.state === "waiting" || item.state === "sending") && item.note ? phrase(item.note, item.noteValues) : "";
  note.hidden = !note.textContent;
  showProgress(li.querySelector(".progress"), item, note);
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
      edit.textContent = phrase("compare");
      edit.addEventListener("click", () => compare(item));
    } else {
      edit.hidden = item.op === "delete";
      edit.addEventListener("click", () => (item.state === "held" ? swapIn(item) : editRefused(item)));
    }
    const resend = actions.querySelector(".resend");
    resend.hidden = item.state !== "refused";
    resend.addEventListener("click", () => outbox.resend(item.id));
    const [title, text] = {
      revise: [phrase("discard.correction"), phrase("discard.correction_note")],
      delete: [phrase("discard.deletion"), phrase("discard.deletion_note")],
    }[item.op] || [phrase("discard.update"), phrase("discard.update_note")];
    actions.querySelector(".discard").addEventListener("click", async () => {
      if (await confirmAction(title, text, phrase("discard.button"))) outbox.discard(item.id);
    });
  }
  return li;
}
