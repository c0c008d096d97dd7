// The reporter app: sign in once, pick a hearing, post updates through the outbox,
// correct or delete your own (through the outbox too). Text from the server and from
// the reporter goes into the page through textContent only.

import { phrase } from "./labels.js";
import { getToken, onUnauthorized } from "./api.js";
import { Outbox } from "./outbox.js";
import {
  bodyInput, clearSpeaker, composeForm, keyInput, nameInput, onBodyInput, onRoleChange, onTimeInput, pickSpeaker, roleSelect,
  saveDraft, showSpeaker, stampNow, timeInput, writeDraft,
} from "./reporter/composer.js";
import { conflictDialog, decideConflict } from "./reporter/conflicts.js";
import { editDialog, saveEdit } from "./reporter/edit.js";
import { loadHearings, showNet, showPicker } from "./reporter/hearings.js";
import { refreshMine, renderMine } from "./reporter/mine.js";
import { drawOutboxState, outboxView, renderOutbox } from "./reporter/outboxview.js";
import { setUpPhoto } from "./reporter/photo.js";
import { send, takeBack } from "./reporter/sending.js";
import { afterSignIn, showLogin, signedOut, signIn, signOut, storeSession } from "./reporter/session.js";
import { byId, load, outbox, request, setOutbox, state, USER_KEY } from "./reporter/state.js";
import { checkQueued, tickCountdowns } from "./reporter/waiting.js";

const QUEUE_POLL_MS = 5000;

// Offline start: the service worker keeps this app's files for a reload without network.

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/report-sw.js", { scope: "/report" });
    await navigator.serviceWorker.ready;
    document.body.dataset.offlineReady = "true";
  } catch (error) {
    console.warn("offline start unavailable", error);
  }
}

// Wiring

function wire() {
  byId("login-form").addEventListener("submit", signIn);
  for (const button of document.querySelectorAll(".sign-out")) button.addEventListener("click", signOut);
  byId("pick-refresh").addEventListener("click", async () => {
    await loadHearings();
    showPicker();
  });
  const toPicker = async () => {
    document.querySelector("details.account").open = false;
    showPicker();
    await loadHearings();
    showPicker();
  };
  byId("change-hearing").addEventListener("click", toPicker);
  byId("menu-change").addEventListener("click", toPicker);
  byId("sign-in-again").addEventListener("click", () => showLogin(phrase("session.again")));
  composeForm.addEventListener("submit", send);
  setUpPhoto(saveDraft);
  composeForm.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send(event);
  });
  bodyInput.addEventListener("input", onBodyInput);
  for (const input of [nameInput, keyInput]) input.addEventListener("input", saveDraft);
  timeInput.addEventListener("input", onTimeInput);
  roleSelect.addEventListener("change", onRoleChange);
  composeForm.addEventListener("change", saveDraft);
  byId("speaker-clear").addEventListener("click", clearSpeaker);
  byId("cast-choices").addEventListener("click", (event) => {
    const choice = event.target.closest(".cast-choice");
    if (choice) pickSpeaker(choice.dataset.role, choice.dataset.name);
  });
  nameInput.addEventListener("input", () => {
    showSpeaker();
    const errorEl = byId("speaker-error");
    errorEl.hidden = true;
    nameInput.removeAttribute("aria-invalid");
    roleSelect.removeAttribute("aria-invalid");
  });
  byId("time-now").addEventListener("click", stampNow);
  byId("edit-form").addEventListener("submit", saveEdit);
  byId("edit-form").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) saveEdit(event);
  });
  byId("edit-cancel").addEventListener("click", () => editDialog.close());
  editDialog.addEventListener("close", () => {
    state.editing = null;
  });
  byId("mine-refresh").addEventListener("click", refreshMine);
  byId("clear-published").addEventListener("click", () => outbox.clearPublished());
  outbox.addEventListener("change", renderOutbox);
  outbox.addEventListener("status", drawOutboxState);
  outbox.addEventListener("published", (event) => {
    const item = event.detail;
    const entry = item?.entry;
    if (!entry || !state.hearing || item.hearing !== state.hearing.slug) return;
    if (item.op === "delete") {
      state.mine.delete(item.entry);
      byId("mine-state").textContent = phrase("mine.deleted");
      renderMine();
    } else if (entry.author === state.user?.username && entry.id) {
      state.mine.set(entry.id, entry);
      if (item.op === "revise") byId("mine-state").textContent = phrase("desk.correction_published");
      renderMine();
    }
  });
  outbox.addEventListener("refused", takeBack);
  outbox.addEventListener("outdated", () => {
    writeDraft(); // the text as it stands this moment; the reload restores it
    location.reload();
  });
  outbox.addEventListener("conflict", (event) => {
    const { current } = event.detail;
    if (event.detail.hearing === state.hearing?.slug && current.author === state.user?.username) {
      state.mine.set(current.id, current);
      renderMine();
    }
  });
  conflictDialog.addEventListener("close", () => decideConflict(renderMine));
  outbox.addEventListener("unauthorized", signedOut);
  onUnauthorized(signedOut);
  window.addEventListener("online", () => showNet("connecting"));
  window.addEventListener("offline", () => showNet("offline"));
  setInterval(() => {
    if (outbox.status.reason === "retrying") drawOutboxState();
    tickCountdowns();
  }, 1000);
  setInterval(() => {
    if (outboxView.queued) checkQueued();
  }, QUEUE_POLL_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      outbox.sendSoon(0);
      checkQueued();
      if (state.hearing) refreshMine();
    }
  });
}

async function boot() {
  registerWorker();
  setOutbox(new Outbox({
    auth: () => (state.token && state.user ? { token: state.token, username: state.user.username } : null),
  }));
  try {
    await outbox.open();
  } catch (error) {
    byId("booting").textContent = phrase("outbox.unavailable", { reason: error.message });
    return;
  }
  wire();
  state.token = getToken();
  state.user = load(USER_KEY);
  if (!state.token || !state.user) {
    showLogin();
    return;
  }
  try {
    const me = await request("GET", "/api/me");
    storeSession(state.token, me.user);
  } catch (error) {
    if (error.status === 401) {
      byId("signed-out").hidden = true;
      showLogin(phrase("session.ended"));
      return;
    }
    // Offline: carry on as the stored user; the outbox sends once the network is back.
  }
  await afterSignIn();
}

boot();
