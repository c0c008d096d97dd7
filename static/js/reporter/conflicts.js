// Conflicts: a correction made on a revision that someone else changed meanwhile. The
// server applied nothing; the reporter sees both versions and applies theirs on top of
// the current revision, or drops it.

import { phrase } from "../labels.js";
import { reporterEntry } from "./entrycard.js";
import { itemShown, snippet, whereText } from "./shown.js";
import { byId, outbox, state } from "./state.js";

export const conflictDialog = byId("conflict-dialog");

export function drawConflictBanner(conflicts) {
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

/** A version: its revision (none for the reporter's, not sent yet) and the update. */
function showVersion(prefix, entry, typed) {
  byId(`conflict-${prefix}-meta`).textContent = entry.revision ? phrase("revision", { revision: entry.revision }) : "";
  byId(`conflict-${prefix}`).replaceChildren(reporterEntry(entry, `conflict-${prefix}-entry`, typed));
}

export function compare(item) {
  if (conflictDialog.open) return;
  state.comparing = item;
  const { revision } = item.payload;
  byId("conflict-intro").textContent =
    `You corrected revision ${revision} of this update; it has been changed since and is at revision`
    + ` ${item.current.revision} now. Apply your correction on top of it, or drop yours and keep what is published.`;
  showVersion("mine", { ...itemShown(item), revision: null }, "body" in (item.payload.changes || {}));
  showVersion("current", item.current, false);
  conflictDialog.returnValue = "";
  conflictDialog.showModal();
  byId("conflict-apply").focus();
}

/** When the conflict dialog closes: apply the correction on top of the current revision,
 * or drop it (and `renderMine` shows the update as published). */
export async function decideConflict(renderMine) {
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
