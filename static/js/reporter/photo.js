// A photo attached to the update being written: taken with the camera or chosen from the
// gallery, described (alt text, required) and captioned, and confirmed as not taken
// inside the courtroom (photography in court is an offence in many places) unless the
// hearing turns that confirmation off. A very large image is made smaller on the phone
// before it is queued, when the browser can decode it (createImageBitmap); the canvas
// keeps no metadata, and the server strips what any image still carries.

import { LOCALE, phrase } from "../labels.js";
import { checkRestricted, fieldError } from "./errors.js";
import { byId, state } from "./state.js";

/** Longest edge an image is sent with when the phone can make it smaller. */
export const MAX_EDGE = 2560;
const SHRINK_QUALITY = 0.88;

const cameraInput = byId("photo-camera");
const galleryInput = byId("photo-gallery");
const details = byId("photo-details");
export const altInput = byId("photo-alt");
export const captionInput = byId("photo-caption");
const outsideInput = byId("photo-outside");
const errorEl = byId("photo-error");

/** {blob, id?, key?} of the attached photo (id and key once it went to the server). */
let attached = null;
/** Counts the photos chosen or shown, so that one still being prepared when another is
 * chosen, or the photo removed, is dropped when it is ready. */
let choice = 0;
/** A chosen photo is being made smaller: not attached yet, and Send waits. */
let preparing = false;
/** Called once a chosen photo is attached (the draft keeps it). */
let onAttached = () => {};

function sizeText(bytes) {
  const number = (value, digits) => value.toLocaleString(LOCALE, { maximumFractionDigits: digits });
  return bytes >= 1e6
    ? phrase("photo.megabytes", { size: number(bytes / 1e6, 1) })
    : phrase("photo.kilobytes", { size: number(Math.max(1, Math.round(bytes / 1e3)), 0) });
}

/** The image as it is sent: downscaled to MAX_EDGE when the browser can decode it. */
export async function prepared(file) {
  if (!("createImageBitmap" in window)) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file; // a format this browser cannot decode (HEIC, say): the server reads it
  }
  try {
    const edge = Math.max(bitmap.width, bitmap.height);
    if (edge <= MAX_EDGE) return file;
    const scale = MAX_EDGE / edge;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const smaller = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", SHRINK_QUALITY));
    return smaller && smaller.size < file.size ? smaller : file;
  } finally {
    bitmap.close();
  }
}

/** A photo chosen: its description is asked for at once, and what the reporter types
 * while the image is made smaller stays. */
async function onChosen(event) {
  const [file] = event.target.files;
  event.target.value = "";
  if (!file) return;
  const mine = ++choice;
  attached = null;
  preparing = true;
  errorEl.hidden = true;
  showFields();
  byId("photo-name").textContent = phrase("photo.preparing");
  altInput.focus();
  const blob = await prepared(file);
  if (mine !== choice) return; // removed, or another one chosen, meanwhile
  preparing = false;
  attached = { blob, id: null };
  byId("photo-name").textContent = phrase("photo.attached", { size: sizeText(blob.size) });
  onAttached();
}

/** The photo's fields shown (or hidden: `shown` false), the attach buttons the other way. */
function showFields(shown = true) {
  details.hidden = !shown;
  byId("photo-attach").hidden = shown;
  byId("photo-outside-field").hidden = state.hearing?.photo_confirmation === false;
}

/** Show `photo` ({blob, alt, caption, id, key}) as the attached one, or none. */
export function showPhoto(photo) {
  choice += 1;
  preparing = false;
  attached = photo ? { blob: photo.blob, id: photo.id || null, key: photo.key } : null;
  showFields(Boolean(attached));
  altInput.value = photo?.alt || "";
  captionInput.value = photo?.caption || "";
  // As it was confirmed in the draft; a photo that was sent was confirmed then.
  outsideInput.checked = photo?.outside ?? Boolean(photo?.alt);
  byId("photo-name").textContent = attached ? phrase("photo.attached", { size: sizeText(attached.blob.size) }) : "";
  if (!photo) errorEl.hidden = true;
}

/** Whether a photo is attached or being prepared: the composer holds something. */
export function photoPending() {
  return preparing || Boolean(attached);
}

/** The attached photo as it stands, checked or not ({blob, alt, caption, outside, id?,
 * key?}), or null: what a draft keeps of it. */
export function draftPhoto() {
  if (!attached) return null;
  const photo = {
    blob: attached.blob, alt: altInput.value.trim(), caption: captionInput.value.trim() || null,
    outside: outsideInput.checked,
  };
  if (attached.id) Object.assign(photo, { id: attached.id, key: attached.key });
  return photo;
}

/** The attached photo as the outbox keeps it, or null; checked first (alt text, the
 * confirmation, restricted terms): false when something is missing. */
export function composerPhoto() {
  if (preparing) {
    fieldError({ errorEl, input: altInput, message: phrase("photo.still_preparing") });
    return false;
  }
  if (!attached) return null;
  if (!altInput.value.trim()) {
    fieldError({ errorEl, input: altInput, message: phrase("photo.alt_needed") });
    return false;
  }
  if (state.hearing?.photo_confirmation !== false && !outsideInput.checked) {
    fieldError({ errorEl, input: outsideInput, message: phrase("photo.outside_needed") });
    return false;
  }
  if (checkRestricted([[altInput, errorEl], [captionInput, errorEl]], { focus: true })) return false;
  return draftPhoto();
}

/** `changed()` is called when the photo or what is typed about it changes. */
export function setUpPhoto(changed) {
  onAttached = changed;
  cameraInput.addEventListener("change", onChosen);
  galleryInput.addEventListener("change", onChosen);
  for (const input of [altInput, captionInput]) input.addEventListener("input", changed);
  byId("photo-remove").addEventListener("click", () => {
    showPhoto(null);
    changed();
    byId("photo-attach").querySelector("label").focus();
  });
}
