// How the app words an update: an outbox item or an entry as it will read once what
// waits for it is sent, where it is, why the server refused it or holds it.

import { errorText, phrase, restrictedPlaceText } from "../labels.js";
import { isChange } from "../outbox.js";
import { state } from "./state.js";

// The fields the server names in a refusal that have words of their own ("field.body").
const FIELDS = new Set(["body", "speaker.name", "speaker.role", "speaker", "occurred_at", "kind", "key", "photo", "author"]);

/** Why the server refused an update (its stored error), in the page's language: for a
 * restricted term, where it is in the text; the field it names. */
export function problemText(error) {
  const place = error.code === "restricted_term" ? restrictedPlaceText(error.message) : null;
  const problem = place || errorText({ code: error.code, message: error.message });
  if (!error.field) return problem;
  const where = FIELDS.has(error.field) ? phrase(`field.${error.field}`) : error.field;
  return phrase("problem.in", { problem, where });
}

export function snippet(text) {
  const words = [...text];
  return words.length > 60 ? `${words.slice(0, 60).join("")}…` : text;
}

/** The other hearing an item belongs to ("in R v Smith"), or "" for the open one's. */
export function whereText(item) {
  if (item.hearing === state.hearing?.slug) return "";
  return phrase("where.in", { title: state.hearings.find((h) => h.slug === item.hearing)?.title || item.hearing });
}

/** What an outbox item says the update is: a new one as written, a correction as it
 * makes the entry, a deletion as the entry was. */
export function itemShown(item) {
  if (isChange(item)) return { ...item.seen, ...(item.payload.changes || {}) };
  // A published update shows the version readers see now; a removed one its last words.
  const now = item.state === "published" && item.entry?.body !== undefined ? item.entry : null;
  return now ? { ...item.payload, ...now } : item.payload;
}

/** An entry as it will be once the outbox has sent the corrections waiting for it. */
export function shownEntry(entry) {
  let shown = entry;
  for (const item of state.changes.get(entry.id) || []) {
    if (item.op === "revise") shown = { ...shown, ...item.payload.changes };
  }
  return shown;
}

/** "Held — reporting paused: <note>" (the note without a "Reporting paused" of its own). */
export function heldText(slug) {
  const hearing = slug === state.hearing?.slug ? state.hearing : state.hearings.find((h) => h.slug === slug);
  const note = (hearing?.reporting_note || "").replace(/^\s*reporting (is )?(paused|held)\s*[:.,;—-]?\s*/i, "").trim();
  return note ? phrase("wait.held_note", { note }) : phrase("wait.held_paused");
}

/** "Correction saved on this phone", and when it goes; `op` "revise" or "delete". */
export function savedText(op) {
  return phrase(navigator.onLine === false ? `saved.${op}.offline` : `saved.${op}.sending`);
}
