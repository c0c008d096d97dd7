// The app's views (sign in, pick a hearing, compose), notices and the confirmation dialog.

import { byId, state } from "./state.js";

const views = { login: byId("login-view"), pick: byId("pick-view"), compose: byId("compose-view") };

const confirmDialog = byId("confirm-dialog");

export function showView(name) {
  byId("booting").hidden = true;
  for (const [key, view] of Object.entries(views)) view.hidden = key !== name;
  for (const who of document.querySelectorAll(".who")) who.textContent = state.user?.username || "";
}

export function setNotice(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

export function confirmAction(title, text, okLabel) {
  byId("confirm-title").textContent = title;
  byId("confirm-text").textContent = text;
  byId("confirm-ok").textContent = okLabel;
  confirmDialog.returnValue = "";
  confirmDialog.showModal();
  return new Promise((resolve) => {
    confirmDialog.addEventListener("close", () => resolve(confirmDialog.returnValue === "ok"), { once: true });
  });
}
