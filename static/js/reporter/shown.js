// How the app words an update: an outbox item or an entry as it will read once what
// waits for it is sent, where it is, why the server refused it or holds it.

import { phrase } from "../labels.js";
import { isChange } from "../outbox.js";
import { state } from "./state.js";

// The words for the fields the server names in a refusal.
const FIELD_LABELS = {
  body: "the text", "speaker.name": "the speaker's name", "speaker.role": "the speaker's role",
  speaker: "the speaker", occurred_at: "the court time", kind: "the kind", key: "key event",
};

export function problemText(error) {
  const where = FIELD_LABELS[error.field] || error.field;
  return where ? `${error.message} (In ${where}.)` : error.message;
}

export function snippet(text) {
  const words = [...text];
  return words.length > 60 ? `${words.slice(0, 60).join("")}…` : text;
}

export function whereText(item) {
  const other = item.hearing !== state.hearing?.slug;
  return other ? ` in ${state.hearings.find((h) => h.slug === item.hearing)?.title || item.hearing}` : "";
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

/** "Saved on this phone", and when it goes. */
export function savedText(what) {
  return navigator.onLine === false
    ? `${what} saved on this phone: it is sent when the network is back.`
    : `${what} saved on this phone; sending…`;
}
