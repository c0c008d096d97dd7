// Refusals: an update the server refuses (a 4xx that no retry can change) comes back
// into the composer with its kind, speaker and stamp, and the server's reason beside
// it; it leaves the outbox, so no second copy lingers there (sending.js). Here: the
// banner of the oldest refused update, and where each kind of refusal is edited.

import { phrase, phraseCount } from "../labels.js";
import { openEdit } from "./edit.js";
import { itemShown, problemText, snippet, whereText } from "./shown.js";
import { swapIn } from "./sending.js";
import { byId, outbox, state } from "./state.js";

export function drawRefusedBanner(refused) {
  const banner = byId("refused-banner");
  banner.hidden = !refused.length;
  if (!refused.length) return;
  const oldest = refused[refused.length - 1];
  const where = whereText(oldest);
  const text = phrase(`refused.${{ revise: "revise", delete: "delete" }[oldest.op] || "post"}`, {
    where: where && ` ${where}`, text: snippet(itemShown(oldest).body),
  });
  const more = refused.length > 1 ? ` ${phraseCount("more_refused", refused.length - 1)}` : "";
  byId("refused-text").textContent = `${text} ${problemText(oldest.error)}${more}`;
  const edit = byId("refused-edit");
  edit.textContent = phrase(oldest.op === "delete" ? "refused.discard" : "refused.edit");
  edit.onclick = () => editRefused(oldest);
}

/** A refused update of this hearing is edited in the composer; of another, in the dialog.
 * A refused correction is edited in the dialog; a refused deletion can only go. */
export function editRefused(item) {
  if (item.op === "revise") openEdit({ kind: "correction", item });
  else if (item.op === "delete") outbox.discard(item.id);
  else if (item.hearing === state.hearing?.slug) swapIn(item);
  else openEdit({ kind: "outbox", item });
}
