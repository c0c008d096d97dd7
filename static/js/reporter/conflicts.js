// Conflicts: a correction made on a revision that someone else changed meanwhile. The
// server applied nothing; the reporter sees both versions and applies theirs on top of
// the current revision, or drops it.

import { phrase, phraseCount } from "../labels.js";
import { reporterEntry } from "./entrycard.js";
import { itemShown, snippet, whereText } from "./shown.js";
import { byId, outbox, state } from "./state.js";

export const conflictDialog = byId("conflict-dialog");

export function drawConflictBanner(conflicts) {
  const banner = byId("conflict-banner");
  banner.hidden = !conflicts.length;
  if (!conflicts.length) return;
  const oldest = conflicts[conflicts.length - 1];
  const where = whereText(oldest);
  const text = phrase("conflict.banner", {
    where: where && ` ${where}`, text: snippet(oldest.seen.body), revision: oldest.current.revision,
  });
  const more = conflicts.length > 1 ? ` ${phraseCount("more_in_outbox", conflicts.length - 1)}` : "";
  byId("conflict-text").textContent = `${text}${more}`;
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
  byId("conflict-intro").textContent = phrase("conflict.intro", { revision, current: item.current.revision });
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
    byId("mine-state").textContent = phrase("conflict.applied");
    return;
  }
  await outbox.discard(item.id);
  if (item.hearing === state.hearing?.slug && item.current.author === state.user?.username) {
    state.mine.set(item.current.id, item.current);
  }
  byId("mine-state").textContent = phrase("conflict.dropped");
  renderMine();
}
