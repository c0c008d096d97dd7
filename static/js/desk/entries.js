// The moderation list's entries: each shown with its actions (edit, pin, key event,
// delete) and its edit form, which saves on the revision it started from.

import { del, patch, seg } from "../api.js";
import { courtTime, element } from "../entryview.js";
import { KIND_LABELS, kindText, roleText, phrase } from "../labels.js";
import { deskEntry } from "./entrycard.js";
import { desk, KINDS, SPEAKER_ROLES } from "./state.js";
import { $, button, confirmAction, field, say, select, showError } from "./ui.js";
import { rfc3339ToWall, wallToRfc3339 } from "./walltime.js";

export function moderationItem(entry) {
  const item = element("li", "mod-entry");
  item.id = `mod-${entry.id}`;
  item.dataset.id = entry.id;
  item.append(element("div", "display"), element("div", "actions"));
  refreshItem(item, entry);
  return item;
}

export function refreshItem(item, entry) {
  item.dataset.revision = String(entry.revision);
  item.className = `mod-entry kind-${entry.kind}${entry.key ? " key" : ""}${entry.pinned ? " pinned" : ""}${item.classList.contains("fresh") ? " fresh" : ""}`;

  const nodes = deskEntry(entry, "moderated", entry.pinned ? [["flag-pinned", phrase("pinned")]] : []);
  const header = $("header", nodes[0]);
  $(".display", item).replaceChildren(...nodes);
  if (desk.editing.has(entry.id)) {
    const stale = $(".edit-form .stale", item);
    if (stale) stale.hidden = false;
  }

  const actions = $(".actions", item);
  const label = `${courtTime(entry.occurred_at, desk.hearing.timezone)} ${kindText(entry.kind)}`;
  const edit = button(phrase("desk.edit"), "edit", () => openEditor(item, entry.id));
  const pin = button(phrase(entry.pinned ? "desk.unpin" : "desk.pin"), "pin", () => toggle(entry.id, "pinned"));
  pin.setAttribute("aria-pressed", String(Boolean(entry.pinned)));
  const key = button(phrase("key_event"), "key-toggle", () => toggle(entry.id, "key"));
  key.setAttribute("aria-pressed", String(Boolean(entry.key)));
  const remove = button(phrase("desk.delete"), "delete danger", () => removeEntry(entry.id));
  for (const control of [edit, pin, key, remove]) control.setAttribute("aria-describedby", header.id);
  edit.setAttribute("aria-expanded", String(desk.editing.has(entry.id)));
  actions.replaceChildren(edit, pin, key, remove);
  actions.setAttribute("aria-label", phrase("desk.actions_for", { update: label }));
  actions.setAttribute("role", "group");
}

function currentEntry(id) {
  return desk.state.entries.get(id);
}

async function toggle(id, field) {
  const entry = currentEntry(id);
  if (!entry) return;
  try {
    await patch(`/api/hearings/${seg(desk.slug)}/entries/${seg(id)}`, { [field]: !entry[field] });
    const done = field === "pinned" ? (entry.pinned ? "unpinned" : "pinned") : (entry.key ? "unkeyed" : "keyed");
    say(phrase(`desk.done.${done}`));
  } catch (error) {
    say(error.message, "error");
  }
}

export async function removeEntry(id, entry = currentEntry(id)) {
  if (!entry) return;
  const preview = entry.body.length > 120 ? `${entry.body.slice(0, 120)}…` : entry.body;
  const confirmed = await confirmAction(
    phrase("desk.delete_question"),
    phrase("desk.delete_note", { text: preview }),
    phrase("desk.delete"),
  );
  if (!confirmed) return;
  try {
    await del(`/api/hearings/${seg(desk.slug)}/entries/${seg(id)}`);
    say(phrase("desk.deleted"));
  } catch (error) {
    say(error.message, "error");
  }
}

export function openEditor(item, id, entry = currentEntry(id)) {
  if (!entry || desk.editing.has(id)) {
    $(".edit-form textarea", item)?.focus();
    return;
  }
  desk.editing.add(id);
  $(".edit", item).setAttribute("aria-expanded", "true");
  const timezone = desk.hearing.timezone;
  const form = element("form", "edit-form");
  const body = element("textarea");
  body.value = entry.body;
  body.rows = Math.min(12, Math.max(3, Math.ceil(entry.body.length / 80)));
  body.maxLength = 5000;
  const kind = select(KINDS.map((k) => [k, KIND_LABELS[k]]), entry.kind);
  const role = select([["", phrase("desk.no_speaker")], ...SPEAKER_ROLES.map((r) => [r, roleText(r)])], entry.speaker?.role || "");
  const name = element("input");
  name.value = entry.speaker?.name || "";
  name.maxLength = 200;
  const occurred = element("input");
  occurred.type = "datetime-local";
  occurred.step = "1";
  occurred.value = rfc3339ToWall(entry.occurred_at, timezone);
  const correction = element("input");
  correction.value = entry.correction || "";
  correction.maxLength = 1000;
  const stale = element(
    "p", "stale", phrase("desk.stale"),
  );
  stale.hidden = true;
  const error = element("p", "error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  // A save that crossed someone else's: the newer version, to overwrite or to keep.
  const conflict = element("section", "conflict");
  conflict.setAttribute("aria-label", phrase("desk.newer"));
  conflict.hidden = true;
  const save = element("button", "primary save", phrase("desk.save"));
  save.type = "submit";
  const cancel = button(phrase("desk.cancel"), "cancel", () => closeEditor(item, id));
  const buttons = element("div", "buttons");
  buttons.append(save, cancel);
  form.append(
    field(phrase("desk.text"), body, "body", phrase("desk.text_hint")),
    field(phrase("desk.kind"), kind, "kind"),
    field(phrase("desk.speaker"), role, "speaker_role"),
    field(phrase("desk.speaker_name"), name, "speaker_name"),
    field(phrase("desk.court_time", { zone: timezone }), occurred, "occurred_at"),
    field(phrase("desk.correction_note"), correction, "correction", phrase("desk.correction_hint")),
    stale,
    error,
    conflict,
    buttons,
  );

  /** The form's fields that differ from `now`. */
  function changesFrom(now) {
    const changes = {};
    if (body.value !== now.body) changes.body = body.value;
    if (kind.value !== now.kind) changes.kind = kind.value;
    const speaker = role.value ? { role: role.value, name: name.value.trim() || null } : null;
    const before = now.speaker ? { role: now.speaker.role, name: now.speaker.name || null } : null;
    if (JSON.stringify(speaker) !== JSON.stringify(before)) changes.speaker = speaker;
    if (occurred.value && occurred.value !== rfc3339ToWall(now.occurred_at, timezone)) {
      changes.occurred_at = wallToRfc3339(occurred.value, timezone);
    }
    const note = correction.value.trim() || null;
    if (note !== (now.correction || null)) changes.correction = note;
    return changes;
  }

  function showConflict(current) {
    error.hidden = false;
    error.textContent = phrase("desk.conflict", { revision: current.revision });
    stale.hidden = true;
    const newer = element("div", "newer");
    newer.replaceChildren(...deskEntry(current, "newer"));
    const overwrite = button(phrase("desk.overwrite"), "primary overwrite", () => saveOn(current));
    const discard = button(phrase("desk.discard_edit"), "discard", () => closeEditor(item, id));
    const choices = element("div", "buttons");
    choices.append(overwrite, discard);
    conflict.replaceChildren(element("h4", "", phrase("desk.newer")), newer, choices);
    conflict.hidden = false;
    buttons.hidden = true;
    overwrite.focus();
  }

  // The edit is made on `seen` and sent with its revision: a change made meanwhile is
  // a 409 revision_conflict, shown above, never silently replaced.
  async function saveOn(seen) {
    const changes = changesFrom(seen);
    if (!Object.keys(changes).length) {
      closeEditor(item, id);
      return;
    }
    for (const control of form.querySelectorAll("button")) control.disabled = true;
    error.hidden = true;
    try {
      await patch(`/api/hearings/${seg(desk.slug)}/entries/${seg(id)}`, { ...changes, revision: seen.revision });
      closeEditor(item, id);
      say(phrase(changes.correction ? "desk.correction_published" : "desk.saved"));
    } catch (failure) {
      if (failure.code === "revision_conflict" && failure.answer?.entry) {
        showConflict(failure.answer.entry);
        return;
      }
      showError(error, failure);
      const target = { body, kind, speaker: role, "speaker.role": role, "speaker.name": name, occurred_at: occurred, correction }[failure.field];
      target?.setAttribute("aria-invalid", "true");
      target?.focus();
    } finally {
      for (const control of form.querySelectorAll("button")) control.disabled = false;
    }
  }

  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    if (buttons.hidden) return; // a conflict is shown: overwrite or discard
    saveOn(entry);
  });
  form.addEventListener("keydown", (key) => {
    if (key.key === "Escape") closeEditor(item, id);
    if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) form.requestSubmit();
  });
  item.append(form);
  body.focus();
}

function closeEditor(item, id) {
  desk.editing.delete(id);
  $(".edit-form", item)?.remove();
  const edit = $(".edit", item);
  edit?.setAttribute("aria-expanded", "false");
  const entry = currentEntry(id);
  if (entry && item.dataset.revision !== String(entry.revision)) refreshItem(item, entry);
  $(".edit", item)?.focus();
}
