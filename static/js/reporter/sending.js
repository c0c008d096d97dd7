// Send: the composer's update goes to the outbox; and the moves back, from the outbox
// into the composer, of a refused update or a held draft.

import { phrase } from "../labels.js";
import { isChange } from "../outbox.js";
import { withTime } from "./clock.js";
import {
  bodyInput, composeForm, composerBusy, composerPayload, currentDraft, draftOf, fillComposer, nameInput,
  resetComposer, roleSelect, timeInput, writeDraft,
} from "./composer.js";
import { checkRestricted, clearFieldErrors, fieldError } from "./errors.js";
import { composerPhoto, draftPhoto } from "./photo.js";
import { byId, outbox, state } from "./state.js";

export async function send(event) {
  event?.preventDefault();
  if (!state.hearing || !state.user) return;
  clearFieldErrors(composeForm);
  const body = bodyInput.value;
  if (!body.trim()) {
    fieldError({ errorEl: byId("body-error"), input: bodyInput, message: phrase("composer.empty") });
    return;
  }
  if (body.length > bodyInput.maxLength) {
    const message = phrase("composer.too_long", { count: body.length, limit: bodyInput.maxLength });
    fieldError({ errorEl: byId("body-error"), input: bodyInput, message });
    return;
  }
  const name = nameInput.value.trim();
  if (name && !roleSelect.value) {
    fieldError({ errorEl: byId("speaker-error"), input: roleSelect, message: phrase("composer.role_needed") });
    return;
  }
  if (timeInput.value && !withTime(state.stamp || new Date(), timeInput.value, state.hearing.timezone)) {
    fieldError({ errorEl: byId("time-error"), input: timeInput, message: phrase("composer.time_needed") });
    return;
  }
  if (checkRestricted([[bodyInput, byId("body-error")], [nameInput, byId("speaker-error")]], { focus: true })) return;
  const photo = composerPhoto();
  if (photo === false) return;
  const payload = composerPayload();
  const draft = currentDraft();
  // What is sent leaves the composer at once: keys pressed while it is being saved
  // start the next draft, not an addition to this one.
  resetComposer();
  bodyInput.focus();
  // Saved on the phone first; the outbox sends it (now, or when the network is back).
  try {
    await outbox.add({ hearing: state.hearing.slug, username: state.user.username, payload, photo });
  } catch (error) {
    if (!composerBusy()) fillComposer({ ...draft, photo });
    fieldError({ errorEl: byId("body-error"), input: bodyInput, message: phrase("not_saved", { reason: error.message }) });
    return;
  }
  takeBack();
}

// One move between the outbox and the composer at a time: a refusal and a Send that
// both find the composer empty must not both bring the same update in.
let moving = Promise.resolve();
function serially(work) {
  moving = moving.then(work).catch((error) => console.error("composer", error));
  return moving;
}

/** When the composer is empty: the oldest refused update of this hearing, else the
 * oldest held draft, comes into it and leaves the outbox. */
export function takeBack() {
  return serially(takeNext);
}

async function takeNext() {
  if (!state.hearing || !state.user || composerBusy()) return;
  const slug = state.hearing.slug;
  const mine = (await outbox.items()).filter(
    (item) => item.username === state.user?.username && item.hearing === slug && !isChange(item),
  );
  const next = mine.find((item) => item.state === "refused") || mine.find((item) => item.state === "held");
  if (!next || composerBusy() || state.hearing?.slug !== slug) return;
  await bringIn(next);
}

async function bringIn(item) {
  fillComposer(draftOf(item));
  await writeDraft(); // on the phone as a draft, its photo too, before it leaves the outbox
  await outbox.discard(item.id);
  if (item.error) byId("refusal").focus();
  else bodyInput.focus();
}

// "Edit it" while another draft is being written. A reporter on a phone, mid-hearing,
// expects one tap, no question and nothing lost: the draft being written is set aside
// in the outbox as a held draft (never sent), the refused update takes its place, and
// the held draft comes back by itself after the next Send (or with its own Edit).
export function swapIn(item) {
  return serially(() => swapNow(item));
}

async function swapNow(item) {
  if (!(await outbox.get(item.id))) return; // already brought in
  if (composerBusy()) {
    await outbox.hold({
      hearing: state.hearing.slug, username: state.user.username, payload: composerPayload(), error: state.refusal,
      photo: draftPhoto(),
    });
  }
  await bringIn(item);
}
