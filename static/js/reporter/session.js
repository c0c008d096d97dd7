// Session: sign in (the same sign-in as the desk's), sign out, a session that ended.

import { phrase, phraseCount } from "../labels.js";
import { api, clearToken, setToken } from "../api.js";
import { loadHearings, openHearing, showPicker } from "./hearings.js";
import { renderOutbox } from "./outboxview.js";
import { byId, HEARING_KEY, load, NO_CONNECTION, outbox, request, save, state, USER_KEY } from "./state.js";
import { confirmAction, setNotice, showView } from "./views.js";
import { checkQueued } from "./waiting.js";

export function storeSession(token, user) {
  state.token = token;
  state.user = user;
  try {
    setToken(token); // the same sign-in as the desk's
  } catch {
    // Storage unavailable: the session lasts while the page is open.
  }
  save(USER_KEY, user);
}

function clearSession() {
  state.token = null;
  state.user = null;
  clearToken();
  save(USER_KEY, null);
}

/** The session ended (revoked, expired): the token goes, the reporter stays known, so
 * the outbox goes on showing (and keeping) their waiting updates and the banner words
 * its request from the same count as the badge. */
export function signedOut() {
  if (!state.token) return;
  state.token = null;
  clearToken();
  byId("signed-out").hidden = false;
  renderOutbox();
}

export function showLogin(note = "") {
  setNotice(byId("login-note"), note);
  showView("login");
  byId(byId("login-username").value ? "login-password" : "login-username").focus();
}

export async function signIn(event) {
  event.preventDefault();
  const username = byId("login-username").value.trim();
  const password = byId("login-password").value;
  const errorEl = byId("login-error");
  if (!username || !password) {
    setNotice(errorEl, phrase("session.missing"));
    return;
  }
  const button = byId("login-submit");
  button.disabled = true;
  button.textContent = phrase("session.signing_in");
  try {
    const data = await api("POST", "/api/login", { username, password }, { token: null, offline: NO_CONNECTION });
    storeSession(data.token, data.user);
    setNotice(errorEl, "");
    byId("login-password").value = "";
    byId("signed-out").hidden = true;
    await afterSignIn();
  } catch (error) {
    setNotice(errorEl, error.status === 401 ? phrase("session.wrong") : error.message);
  } finally {
    button.disabled = false;
    button.textContent = phrase("session.sign_in");
  }
}

export async function afterSignIn() {
  await loadHearings();
  const slug = load(HEARING_KEY);
  if (slug && state.hearings.some((hearing) => hearing.slug === slug)) openHearing(slug);
  else showPicker();
  outbox.sendSoon(0);
  renderOutbox();
  checkQueued();
}

export async function signOut() {
  const waiting = state.user ? (await outbox.pending(state.user.username)).length : 0;
  if (waiting) {
    const ok = await confirmAction(
      phrase("session.sign_out_question"),
      phraseCount("still_waiting", waiting),
      phrase("session.sign_out"),
    );
    if (!ok) return;
  }
  try {
    await request("POST", "/api/logout");
  } catch {
    // Offline or already revoked: the token is forgotten on this phone either way.
  }
  state.feed?.close();
  state.feed = null;
  clearSession();
  showLogin(phrase("session.signed_out"));
}
