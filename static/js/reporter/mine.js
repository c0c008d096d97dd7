// The reporter's own entries ("Your recent updates"), shown with the corrections and
// deletions waiting for them in the outbox; deleting one goes through the outbox.

import { phrase } from "../labels.js";
import { isChange } from "../outbox.js";
import { compare } from "./conflicts.js";
import { openEdit } from "./edit.js";
import { reporterEntry } from "./entrycard.js";
import { savedText, shownEntry } from "./shown.js";
import { byId, outbox, request, state } from "./state.js";
import { confirmAction } from "./views.js";

const MINE_SHOWN = 30;

export async function refreshMine() {
  if (!state.hearing) return;
  const slug = state.hearing.slug;
  const stateEl = byId("mine-state");
  try {
    const data = await request("GET", `/api/hearings/${encodeURIComponent(slug)}/entries?limit=200`);
    if (state.hearing?.slug !== slug) return;
    state.mine = new Map(data.entries.filter((entry) => entry.author === state.user?.username).map((entry) => [entry.id, entry]));
    stateEl.textContent = "";
    renderMine();
    await followPublished(slug, data);
  } catch (error) {
    stateEl.textContent = error.status === 0 ? phrase("mine.offline") : error.message;
  }
}

/** Bring the outbox's published copies of this hearing up to date with the entries as
 * they stand (changes made while this page was closed); with the whole list at hand, an
 * update missing from it was taken down. */
async function followPublished(slug, data) {
  const items = (await outbox.items()).filter((item) => item.hearing === slug && item.state === "published" && !isChange(item));
  for (const item of items) {
    const entry = state.mine.get(item.id) || (data.next_before === null ? { id: item.id, deleted: true } : null);
    if (entry) await outbox.follow(entry);
  }
}

/** The outbox's unpublished corrections and deletions of this hearing, by entry, oldest
 * first; "My updates" shows them on the entries at once, marked as waiting. */
export function noteChanges(items) {
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

/** What "My updates" says of an entry's changes in the outbox, as [state, text]. */
function pendingOf(entry) {
  const changes = state.changes.get(entry.id) || [];
  if (!changes.length) return [null, ""];
  const stuck = changes.find((item) => item.state === "conflict" || item.state === "refused");
  if (stuck?.state === "conflict") return ["conflict", phrase("mine.conflict")];
  if (stuck) return ["refused", phrase(stuck.op === "delete" ? "mine.deletion_refused" : "mine.correction_refused")];
  const deleting = changes.some((item) => item.op === "delete");
  return ["waiting", deleting ? phrase("mine.deletion_waiting") : phrase("mine.correction_waiting")];
}

export function renderMine() {
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
    const article = reporterEntry(entry, "mine", entry.body !== base.body);
    li.prepend(article);
    const revision = li.querySelector(".revision");
    revision.textContent = entry.revision > 1 ? phrase("revision", { revision: entry.revision }) : "";
    revision.hidden = !revision.textContent;
    const when = article.querySelector("time");
    const edit = li.querySelector(".edit");
    const remove = li.querySelector(".delete");
    const review = li.querySelector(".review");
    edit.addEventListener("click", () => openEdit({ kind: "entry", entry: base }));
    remove.addEventListener("click", () => deleteEntry(base));
    edit.setAttribute("aria-label", phrase("mine.edit_at", { time: when.textContent }));
    remove.setAttribute("aria-label", phrase("mine.delete_at", { time: when.textContent }));
    edit.hidden = remove.hidden = deleting;
    const conflict = (state.changes.get(entry.id) || []).find((item) => item.state === "conflict");
    review.hidden = !conflict;
    if (conflict) {
      review.addEventListener("click", () => compare(conflict));
      review.setAttribute("aria-label", phrase("mine.compare_at", { time: when.textContent }));
    }
    return li;
  }));
  const stateEl = byId("mine-state");
  const none = phrase("mine.none");
  if (!entries.length && !stateEl.textContent) stateEl.textContent = none;
  else if (entries.length && stateEl.textContent === none) stateEl.textContent = "";
  const names = new Set([...known.values()].map((entry) => entry.speaker?.name).filter(Boolean));
  byId("speaker-names").replaceChildren(...[...names].map((name) => {
    const option = document.createElement("option");
    option.value = name;
    return option;
  }));
}

async function deleteEntry(entry) {
  const shown = shownEntry(entry);
  const ok = await confirmAction(
    phrase("desk.delete_question"),
    phrase("mine.delete_note", { text: shown.body.slice(0, 120) }),
    phrase("desk.delete"),
  );
  if (!ok) return;
  // Through the outbox: on the phone first, sent when the network allows, after any
  // correction of the same update still waiting there.
  try {
    await outbox.remove({
      hearing: state.hearing.slug, username: state.user.username, seen: { ...shown, revision: entry.revision },
    });
    byId("mine-state").textContent = savedText("delete");
  } catch (error) {
    byId("mine-state").textContent = phrase("mine.not_deleted", { reason: error.message });
  }
}
