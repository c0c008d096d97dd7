// Errors on a form's fields, shown where they are: the app's own checks (a restricted
// term marked in the text) and the fields the server names in a refusal.

import { errorText, phraseParts, positionsIn } from "../labels.js";
import { restrictedIn, unitIndex } from "./restricted.js";
import { state } from "./state.js";
import { setNotice } from "./views.js";

/** Clear the errors of a form (the composer, the edit dialog) or of a part of it. */
export function clearFieldErrors(root) {
  for (const el of root.querySelectorAll(".field-error")) {
    el.hidden = true;
    el.replaceChildren();
  }
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/**
 * Show an error on a field, right where it is: the message under it and, for a
 * restricted term, the words themselves marked and selected in the text.
 */
export function fieldError({ errorEl, input, message, text = null, range = null, focus = true }) {
  const parts = [];
  if (range && text) {
    const words = [...text].slice(range.start, range.end).join("");
    const mark = document.createElement("mark");
    mark.textContent = words;
    parts.push(...phraseParts("restricted.marked", { words: mark, start: range.start + 1, end: range.end }));
  } else {
    parts.push(message);
  }
  errorEl.replaceChildren(...parts);
  errorEl.dataset.code = range ? "restricted_term" : "";
  errorEl.hidden = false;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    if (focus) {
      input.focus();
      if (range && text && input.setSelectionRange) {
        input.setSelectionRange(unitIndex(text, range.start), unitIndex(text, range.end));
      }
    }
  }
}

export function checkRestricted(fields, { focus }) {
  const terms = state.hearing?.restricted_terms || [];
  for (const [input, errorEl] of fields) {
    const hit = restrictedIn(input.value, terms);
    if (hit) {
      fieldError({ errorEl, input, text: input.value, range: hit, focus });
      return true;
    }
  }
  return false;
}

export function showServerError(error, fields, fallbackEl, { focus = true } = {}) {
  const [input, errorEl] = fields[error.field] || [];
  if (!input) {
    if (fallbackEl) setNotice(fallbackEl, error.message);
    return;
  }
  // Shown under its field: the words for the code, without the field's name. The
  // server's English message (an ApiError's serverMessage; a stored refusal's message)
  // says where a restricted term is.
  const original = error.serverMessage ?? error.message;
  const range = error.code === "restricted_term" ? positionsIn(original) : null;
  const message = errorText({ code: error.code, message: original });
  fieldError({ errorEl, input, message, text: input.value, range, focus });
}
