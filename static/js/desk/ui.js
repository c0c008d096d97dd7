// What every part of the desk shows with: the toast, errors, the confirmation dialog,
// buttons and the fields of generated forms.

import { ApiError } from "../api.js";
import { element } from "../entryview.js";

export const $ = (selector, root = document) => root.querySelector(selector);

export function button(text, className, onClick) {
  const node = element("button", className, text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

const toast = $("#toast");
let toastTimer = null;

export function say(message, kind = "info") {
  clearTimeout(toastTimer);
  toast.textContent = message;
  toast.dataset.kind = kind;
  toast.classList.add("shown");
  toastTimer = setTimeout(() => toast.classList.remove("shown"), 6000);
}

export function showError(target, error) {
  target.hidden = false;
  target.textContent = error instanceof ApiError ? error.message : String(error);
}

/** A confirmation in a modal dialog; resolves to true when confirmed. */
export function confirmAction(title, text, action) {
  const dialog = $("#confirm-dialog");
  $("#confirm-title").textContent = title;
  $("#confirm-text").textContent = text;
  $("#confirm-ok").textContent = action;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
    $("#confirm-cancel").focus();
  });
}

export function field(labelText, control, name, hint) {
  const wrapper = element("div", `field field-${name}`);
  const label = element("label", "", labelText);
  control.name = name;
  control.id = `${name}-${Math.random().toString(36).slice(2, 9)}`;
  label.htmlFor = control.id;
  wrapper.append(label, control);
  if (hint) {
    const small = element("small", "", hint);
    small.id = `${control.id}-hint`;
    control.setAttribute("aria-describedby", small.id);
    wrapper.append(small);
  }
  return wrapper;
}

export function select(options, value) {
  const control = element("select");
  for (const [optionValue, text] of options) {
    const option = element("option", "", text);
    option.value = optionValue;
    control.append(option);
  }
  control.value = value;
  return control;
}
