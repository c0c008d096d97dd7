// Composing: the update being written (text, kind, speaker, court time, photo), kept as
// a draft on the phone, with the server's reason on its fields when it came back refused.
// The draft's text is in localStorage; its photo's image in the outbox's database.

import { phrase, roleText } from "../labels.js";
import { uuid } from "../outbox.js";
import { rfc3339InZone } from "../zones.js";
import { inCast, markCast } from "./cast.js";
import { timeValue, withTime } from "./clock.js";
import { checkRestricted, clearFieldErrors, showServerError } from "./errors.js";
import { altInput, captionInput, draftPhoto, photoPending, showPhoto } from "./photo.js";
import { problemText } from "./shown.js";
import { byId, DRAFT_KEY, load, outbox, save, state } from "./state.js";

const TIME_HINT = phrase("composer.time_hint");
const TIME_HINT_KEPT = phrase("composer.time_hint_kept");

export const composeForm = byId("compose-form");
export const bodyInput = byId("body");
export const roleSelect = byId("speaker-role");
export const nameInput = byId("speaker-name");
export const keyInput = byId("key");
export const timeInput = byId("court-time");

function selectedKind() {
  return composeForm.querySelector('input[name="kind"]:checked')?.value || "note";
}

function setKind(kind) {
  const input = composeForm.querySelector(`input[name="kind"][value="${CSS.escape(kind)}"]`);
  if (input) input.checked = true;
}

export function stampNow() {
  state.stamp = new Date();
  timeInput.value = timeValue(state.stamp, state.hearing.timezone);
  byId("time-hint").textContent = TIME_HINT;
  saveDraft();
}

/** The stamp belongs to the draft: an emptied composer forgets it (and any refusal),
 * so the next first keystroke stamps anew. */
function forgetDraft() {
  state.stamp = null;
  timeInput.value = "";
  byId("time-hint").textContent = TIME_HINT;
  showRefusal(null);
}

export function onTimeInput() {
  // A time set by hand before the first keystroke is this draft's stamp: typing keeps it.
  if (timeInput.value && !state.stamp) state.stamp = new Date();
  saveDraft();
}

// The speaker stays from one update to the next (consecutive testimony is common), so
// the Send button names it, whenever it changes.
let shownRole = "";

export function showSpeaker() {
  shownRole = roleSelect.value;
  const name = nameInput.value.trim();
  const who = !roleSelect.value ? "" : name ? `${name}, ${roleSelect.value}` : roleText(roleSelect.value);
  byId("send-speaker").textContent = who ? ` · ${who}` : "";
  byId("speaker-clear").hidden = !roleSelect.value && !nameInput.value;
  markCast(roleSelect.value, name);
}

export function onRoleChange() {
  // A new role is another person: the name of the previous one must not go with it,
  // unless the cast has that name in the new role. (A name typed while the role was
  // "Nobody" is for the role picked now: it stays.)
  if (shownRole && !inCast(roleSelect.value, nameInput.value.trim())) nameInput.value = "";
  showSpeaker();
  saveDraft();
}

/** One tap on a person of the cast: their role and name together. */
export function pickSpeaker(role, name) {
  roleSelect.value = role;
  nameInput.value = name;
  clearFieldErrors(byId("speaker-fields"));
  showSpeaker();
  saveDraft();
}

export function clearSpeaker() {
  roleSelect.value = "";
  nameInput.value = "";
  clearFieldErrors(byId("speaker-fields"));
  showSpeaker();
  saveDraft();
  roleSelect.focus();
}

function occurredAt() {
  const zone = state.hearing.timezone;
  if (!state.stamp) state.stamp = new Date();
  const chosen = withTime(state.stamp, timeInput.value, zone) || state.stamp;
  return rfc3339InZone(chosen, zone);
}

function draftKey() {
  return `${DRAFT_KEY}.${state.hearing?.slug}`;
}

/** The composer as a draft: what fillComposer takes back (the photo without its image,
 * which is kept apart). */
export function currentDraft(photo = draftPhoto()) {
  return {
    body: bodyInput.value, kind: selectedKind(), role: roleSelect.value, name: nameInput.value,
    key: keyInput.checked, stamp: state.stamp?.toISOString() || null, time: timeInput.value,
    refusal: state.refusal,
    photo: photo && { alt: photo.alt, caption: photo.caption, outside: photo.outside, id: photo.id, key: photo.key },
  };
}

/** The image last kept for a hearing's draft; `blob` undefined: not known. */
let kept = { hearing: null, blob: undefined };

/** Keep the draft on the phone; resolves once its photo's image is kept too. */
export function writeDraft() {
  clearTimeout(draftTimer);
  if (!state.hearing) return Promise.resolve();
  const hearing = state.hearing.slug;
  const photo = draftPhoto();
  const blob = photo?.blob || null;
  save(draftKey(), bodyInput.value || nameInput.value || roleSelect.value || blob ? currentDraft(photo) : null);
  if (kept.hearing === hearing && kept.blob === blob) return Promise.resolve();
  kept = { hearing, blob };
  return outbox.keepDraftPhoto(hearing, blob).catch((error) => {
    kept = { hearing: null, blob: undefined };
    console.error("draft photo", error);
  });
}

let draftTimer = null;
export function saveDraft() {
  clearTimeout(draftTimer);
  draftTimer = setTimeout(writeDraft, 250);
}

/** Counts the drafts put in the composer: a photo restored late goes only into its own. */
let filled = 0;
/** The image of a restored draft's photo is being read: the composer is not empty. */
let restoring = false;

/** Put a draft ({body, kind, role, name, key, stamp, time, refusal, photo}) in the composer. */
export function fillComposer(draft) {
  filled += 1;
  clearTimeout(checkTimer); // a check of the text that was there would hide this one's errors
  clearFieldErrors(composeForm);
  bodyInput.value = draft?.body || "";
  setKind(draft?.kind || "note");
  roleSelect.value = draft?.role || "";
  nameInput.value = draft?.name || "";
  keyInput.checked = Boolean(draft?.key);
  state.stamp = draft?.stamp ? new Date(draft.stamp) : null;
  timeInput.value = state.stamp ? draft.time || timeValue(state.stamp, state.hearing.timezone) : "";
  byId("time-hint").textContent = draft?.refusal ? TIME_HINT_KEPT : TIME_HINT;
  showSpeaker();
  showCount();
  showPhoto(draft?.photo || null);
  showRefusal(draft?.refusal || null);
}

/** The hearing's draft back in the composer: its text at once, its photo's image once
 * read from the phone's database. */
export function restoreDraft() {
  const draft = load(draftKey());
  fillComposer(draft && { ...draft, photo: null });
  kept = { hearing: state.hearing.slug, blob: undefined };
  if (draft?.photo) restorePhoto(state.hearing.slug, draft.photo, filled);
}

async function restorePhoto(hearing, photo, fill) {
  restoring = true;
  try {
    const blob = await outbox.draftPhoto(hearing);
    if (!blob || fill !== filled || photoPending()) return; // another draft, or photo, since
    kept = { hearing, blob };
    showPhoto({ ...photo, blob });
  } catch (error) {
    console.error("draft photo", error);
  } finally {
    restoring = false;
  }
}

/** After Send: the text, kind, key and stamp go; the speaker deliberately stays. */
export function resetComposer() {
  filled += 1;
  clearTimeout(checkTimer);
  bodyInput.value = "";
  keyInput.checked = false;
  setKind("note");
  showPhoto(null);
  forgetDraft();
  clearFieldErrors(composeForm);
  showCount();
  writeDraft();
}

export function composerBusy() {
  return Boolean(bodyInput.value.trim()) || photoPending() || restoring;
}

/** The composer as an update to send. */
export function composerPayload() {
  const payload = {
    id: uuid(),
    kind: selectedKind(),
    body: bodyInput.value,
    occurred_at: occurredAt(),
    key: keyInput.checked,
  };
  if (roleSelect.value) payload.speaker = { role: roleSelect.value, name: nameInput.value.trim() || null };
  return payload;
}

/** An outbox item's update as a draft for the composer, with its own stamp. */
export function draftOf(item) {
  const { payload } = item;
  return {
    body: payload.body, kind: payload.kind, role: payload.speaker?.role, name: payload.speaker?.name,
    key: payload.key, stamp: payload.occurred_at, time: null, refusal: item.error, photo: item.photo,
  };
}

function showCount() {
  const length = bodyInput.value.length;
  const limit = bodyInput.maxLength; // the server's limit, rendered into the field
  byId("body-count").textContent = length > limit - 500 ? `${length} / ${limit}` : "";
}

let checkTimer = null;
export function onBodyInput() {
  if (!bodyInput.value.trim()) forgetDraft();
  else if (!state.stamp) stampNow();
  showCount();
  saveDraft();
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    const errorEl = byId("body-error");
    if (errorEl.dataset.code === "restricted_term" || errorEl.hidden) {
      errorEl.hidden = true;
      bodyInput.removeAttribute("aria-invalid");
      checkRestricted([[bodyInput, errorEl]], { focus: false });
    }
  }, 200);
}

const composeFields = {
  body: [bodyInput, byId("body-error")],
  "speaker.name": [nameInput, byId("speaker-error")],
  "speaker.role": [roleSelect, byId("speaker-error")],
  speaker: [roleSelect, byId("speaker-error")],
  occurred_at: [timeInput, byId("time-error")],
  photo: [altInput, byId("photo-error")],
  "photo.id": [altInput, byId("photo-error")],
  "photo.alt": [altInput, byId("photo-error")],
  "photo.caption": [captionInput, byId("photo-error")],
};

function showRefusal(error) {
  state.refusal = error || null;
  const box = byId("refusal");
  box.hidden = !error;
  if (!error) return;
  byId("refusal-reason").textContent = problemText(error);
  showServerError(error, composeFields, null, { focus: false });
}
