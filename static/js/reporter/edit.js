// The edit dialog: a published entry (a correction, with its note, through the outbox),
// a refused outbox item (edited, then sent again) or a refused correction (likewise).

import { phrase } from "../labels.js";
import { rfc3339InZone } from "../zones.js";
import { timeValue, withTime } from "./clock.js";
import { checkRestricted, clearFieldErrors, fieldError, showServerError } from "./errors.js";
import { itemShown, savedText, shownEntry } from "./shown.js";
import { byId, outbox, state } from "./state.js";
import { setNotice } from "./views.js";

export const editDialog = byId("edit-dialog");

const EDIT_WORDS = {
  entry: [phrase("edit.entry_title"), phrase("edit.entry_save")],
  outbox: [phrase("edit.outbox_title"), phrase("edit.outbox_save")],
  correction: [phrase("edit.correction_title"), phrase("edit.correction_save")],
};

/** What the dialog starts from: the entry with its waiting corrections, the refused
 * update, or the entry as the refused correction makes it. */
function editSource(target) {
  if (target.kind === "entry") return shownEntry(target.entry);
  return itemShown(target.item);
}

const editFields = {
  body: [byId("edit-body"), byId("edit-body-error")],
  "speaker.name": [byId("edit-name"), byId("edit-speaker-error")],
  "speaker.role": [byId("edit-role"), byId("edit-speaker-error")],
  speaker: [byId("edit-role"), byId("edit-speaker-error")],
  correction: [byId("edit-correction"), byId("edit-correction-error")],
};

export function openEdit(target) {
  state.editing = target;
  const source = editSource(target);
  const correcting = target.kind !== "outbox";
  clearFieldErrors(editDialog);
  setNotice(byId("edit-error"), "");
  [byId("edit-title").textContent, byId("edit-save").textContent] = EDIT_WORDS[target.kind];
  byId("edit-body").value = source.body;
  byId("edit-kind").value = source.kind;
  byId("edit-role").value = source.speaker?.role || "";
  byId("edit-name").value = source.speaker?.name || "";
  byId("edit-key").checked = Boolean(source.key);
  byId("edit-time").value = timeValue(new Date(source.occurred_at), state.hearing.timezone);
  byId("edit-correction-field").hidden = !correcting;
  byId("edit-correction").value = correcting ? source.correction || "" : "";
  editDialog.showModal();
  const error = target.kind !== "entry" ? target.item.error : null;
  if (error) showServerError(error, editFields, byId("edit-error"));
  else byId("edit-body").focus();
}

function editedFields(source) {
  const zone = state.hearing.timezone;
  const role = byId("edit-role").value;
  const name = byId("edit-name").value.trim();
  const reference = new Date(source.occurred_at);
  const time = withTime(reference, byId("edit-time").value, zone);
  return {
    body: byId("edit-body").value,
    kind: byId("edit-kind").value,
    speaker: role ? { role, name: name || null } : null,
    key: byId("edit-key").checked,
    occurred_at: time && byId("edit-time").value !== timeValue(reference, zone) ? rfc3339InZone(time, zone) : source.occurred_at,
  };
}

export async function saveEdit(event) {
  event.preventDefault();
  const target = state.editing;
  if (!target) return;
  clearFieldErrors(editDialog);
  setNotice(byId("edit-error"), "");
  const source = editSource(target);
  const fields = editedFields(source);
  if (!fields.body.trim()) {
    fieldError({ errorEl: byId("edit-body-error"), input: byId("edit-body"), message: phrase("edit.empty") });
    return;
  }
  if (byId("edit-name").value.trim() && !fields.speaker) {
    fieldError({ errorEl: byId("edit-speaker-error"), input: byId("edit-role"), message: phrase("composer.role_needed") });
    return;
  }
  const checks = [[byId("edit-body"), byId("edit-body-error")], [byId("edit-name"), byId("edit-speaker-error")]];
  if (target.kind !== "outbox") checks.push([byId("edit-correction"), byId("edit-correction-error")]);
  if (checkRestricted(checks, { focus: true })) return;
  if (target.kind === "outbox") {
    const payload = { id: source.id, ...fields };
    if (!payload.speaker) delete payload.speaker;
    await outbox.resend(target.item.id, payload);
    editDialog.close();
    return;
  }
  // A correction is what differs from the entry the reporter saw (for a refused one,
  // from the entry it was made on, so that it still changes the same revision).
  const base = target.kind === "entry" ? source : target.item.seen;
  const changes = {};
  for (const [name, value] of Object.entries(fields)) {
    if (JSON.stringify(value) !== JSON.stringify(base[name] ?? null)) changes[name] = value;
  }
  const correction = byId("edit-correction").value.trim();
  if (correction !== (base.correction || "")) changes.correction = correction || null;
  if (!Object.keys(changes).length) {
    setNotice(byId("edit-error"), phrase("edit.unchanged"));
    return;
  }
  const button = byId("edit-save");
  button.disabled = true;
  try {
    if (target.kind === "correction") {
      await outbox.resend(target.item.id, { changes, revision: target.item.payload.revision });
    } else {
      // Saved on the phone first, then sent with the revision it corrects: a retry is
      // never applied twice, and a change made meanwhile by someone else is a conflict.
      await outbox.revise({
        hearing: state.hearing.slug, username: state.user.username,
        seen: { ...source, revision: target.entry.revision }, changes,
      });
    }
    byId("mine-state").textContent = savedText("revise");
    editDialog.close();
  } catch (error) {
    setNotice(byId("edit-error"), phrase("not_saved", { reason: error.message }));
  } finally {
    button.disabled = false;
  }
}
