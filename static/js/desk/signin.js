// Sign-in: the token from localStorage or the form, editors and admins only; signing
// out (or a 401 anywhere) closes everything and shows the form again.

import { LOCALE, phrase, staffRoleText } from "../labels.js";
import { ApiError, clearToken, get, getToken, login, logout, onUnauthorized } from "../api.js";
import { closeHearing } from "./hearing.js";
import { loadHearings } from "./hearings.js";
import { route } from "./router.js";
import { desk } from "./state.js";
import { $, say, showError } from "./ui.js";

function showView(name) {
  document.body.dataset.state = name;
  $("#login-view").hidden = name !== "login";
  $("#desk-view").hidden = name !== "desk";
}

export async function start() {
  onUnauthorized(() => signedOut(phrase("session.ended")));
  $("#login-form").addEventListener("submit", submitLogin);
  $("#logout").addEventListener("click", async () => {
    await logout();
    signedOut(phrase("session.signed_out"));
  });
  if (!getToken()) {
    showView("login");
    return;
  }
  try {
    const { user } = await get("/api/me");
    await enter(user);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401) {
      showView("login");
      showError($("#login-error"), error);
    }
  }
}

async function submitLogin(submit) {
  submit.preventDefault();
  const form = submit.currentTarget;
  const errorEl = $("#login-error");
  errorEl.hidden = true;
  form.querySelector("button").disabled = true;
  try {
    const user = await login(form.username.value.trim(), form.password.value);
    form.password.value = "";
    await enter(user);
  } catch (error) {
    showError(errorEl, error);
  } finally {
    form.querySelector("button").disabled = false;
  }
}

async function enter(user) {
  if (user.role !== "editor" && user.role !== "admin") {
    await logout();
    showView("login");
    showError($("#login-error"), phrase("desk.not_for_reporters", { user: user.username }));
    return;
  }
  desk.user = user;
  $("#whoami").textContent = phrase("desk.whoami", { user: user.username, role: staffRoleText(user.role).toLocaleLowerCase(LOCALE) });
  $("#user-role").querySelector("option[value=admin]").hidden = user.role !== "admin";
  $("#user-role").querySelector("option[value=admin]").disabled = user.role !== "admin";
  showView("desk");
  await loadHearings();
  await route();
}

function signedOut(message) {
  clearToken();
  desk.user = null;
  closeHearing();
  showView("login");
  if (message) say(message);
  $("#login-username").focus();
}
