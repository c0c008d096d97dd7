// Updates that wait at the server: held (reporting paused), delayed (the hearing's
// publish delay, with a countdown and Undo) or in review (an editor decides).

import { phrase } from "../labels.js";
import { pad } from "../zones.js";
import { heldText, snippet } from "./shown.js";
import { byId, outbox, request, state } from "./state.js";

/** "0:27" until `releaseAt` (never below zero). */
function countdownText(releaseAt) {
  const left = Math.max(0, Math.ceil((Date.parse(releaseAt) - Date.now()) / 1000));
  return `${Math.floor(left / 60)}:${pad(left % 60)}`;
}

export function showWait(li, item) {
  const wait = li.querySelector(".wait");
  wait.hidden = false;
  if (item.wait?.state === "held") {
    wait.textContent = heldText(item.hearing);
  } else if (item.wait?.state === "review") {
    wait.textContent = phrase("wait.review_note");
  } else if (item.wait?.state === "delayed" && item.wait.release_at) {
    const clock = document.createElement("span");
    clock.className = "countdown";
    clock.dataset.releaseAt = item.wait.release_at;
    clock.textContent = countdownText(item.wait.release_at);
    wait.replaceChildren(phrase("wait.delayed_note"), " ", clock);
    const actions = li.querySelector(".actions");
    actions.hidden = false;
    for (const other of actions.querySelectorAll(".edit, .resend, .discard")) other.hidden = true;
    const undo = actions.querySelector(".undo");
    undo.hidden = false;
    undo.setAttribute("aria-label", phrase("wait.undo_label", { text: snippet(item.payload.body) }));
    undo.addEventListener("click", () => pullBack(item, undo));
  } else {
    wait.textContent = phrase("wait.at_server");
  }
}

async function pullBack(item, control) {
  control.disabled = true;
  try {
    const after = await outbox.pullBack(item.id, state.token);
    byId("outbox-state").textContent = after?.state === "pulled"
      ? phrase("wait.pulled")
      : phrase("wait.too_late");
  } catch (error) {
    control.disabled = false;
    byId("outbox-state").textContent = phrase("wait.not_pulled", { reason: error.message });
  }
}

/** Every second: the countdowns of delayed updates; one that reached zero is checked. */
export function tickCountdowns() {
  let due = false;
  for (const clock of document.querySelectorAll("#outbox-list .countdown")) {
    clock.textContent = countdownText(clock.dataset.releaseAt);
    if (Date.parse(clock.dataset.releaseAt) <= Date.now()) due = true;
  }
  if (due && Date.now() - queueCheck.at > 2000) checkQueued();
}

const queueCheck = { at: 0, running: false };

/** Ask the server about this reporter's waiting updates: one that its hearing's queue
 * no longer lists was published or discarded, and a retry of the same post says which
 * (the live feed usually says it first, for the open hearing). */
export async function checkQueued() {
  if (!state.user || !state.token || queueCheck.running || navigator.onLine === false) return;
  queueCheck.running = true;
  queueCheck.at = Date.now();
  try {
    const queued = (await outbox.items()).filter((item) => item.state === "queued" && item.username === state.user?.username);
    for (const slug of new Set(queued.map((item) => item.hearing))) {
      let listed;
      try {
        listed = (await request("GET", `/api/hearings/${encodeURIComponent(slug)}/queue`)).queue;
      } catch {
        continue; // offline or refused: next time
      }
      const waiting = new Set(listed.map((found) => found.entry.id));
      for (const item of queued.filter((one) => one.hearing === slug && !waiting.has(one.id))) {
        await outbox.recheck(item.id, state.token);
      }
    }
  } finally {
    queueCheck.running = false;
  }
}
