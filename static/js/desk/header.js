// The open hearing's header: title, status and its controls, the reporting hold.

import { patch, seg } from "../api.js";
import { LOCALE, phrase, statusText } from "../labels.js";
import { upsertHearing } from "./hearings.js";
import { desk } from "./state.js";
import { $, button, confirmAction, say } from "./ui.js";

/** Status controls offered in each status: [label, new status, needs confirmation]. */
const STATUS_ACTIONS = {
  // A hearing that has not started cannot be adjourned: it goes live, or is closed.
  scheduled: [[phrase("action.go_live"), "live"], [phrase("action.close"), "closed", true]],
  live: [[phrase("action.recess"), "recess"], [phrase("action.adjourn"), "adjourned"], [phrase("action.close"), "closed", true]],
  recess: [[phrase("action.resume"), "live"], [phrase("action.adjourn"), "adjourned"], [phrase("action.close"), "closed", true]],
  adjourned: [[phrase("action.resume"), "live"], [phrase("action.close"), "closed", true]],
  closed: [[phrase("action.reopen"), "live", true]],
};

export function showHearing() {
  const hearing = desk.hearing;
  $("#hearing-title").textContent = hearing.title;
  $("#hearing-meta").textContent = [hearing.court, hearing.case_ref, hearing.location, hearing.timezone]
    .filter(Boolean).join(" · ");
  const status = $("#hearing-status");
  status.className = `status status-${hearing.status}`;
  status.textContent = statusText(hearing.status);
  const reader = $("#reader-link");
  reader.href = `/h/${seg(hearing.slug)}`;
  reader.textContent = `${phrase("desk.reader_page")} /h/${hearing.slug}`;
  const actions = $("#status-actions");
  actions.replaceChildren(...(STATUS_ACTIONS[hearing.status] || []).map(([label, next, confirm]) => {
    const control = button(label, `status-action to-${next}`, () => changeStatus(label, next, confirm));
    control.dataset.status = next;
    return control;
  }));
  const held = hearing.reporting === "held";
  $("#reporting-state").hidden = !held;
  $("#reporting-state").title = hearing.reporting_note || "";
  const hold = $("#hold-toggle");
  hold.textContent = phrase(held ? "action.resume_reporting" : "action.hold_reporting");
  hold.dataset.reporting = held ? "held" : "open";
}

/** Hold reporting (what reporters send waits in the queue) or open it again (which
 * releases nothing by itself). The note for readers is set under Details. */
export async function toggleHold() {
  const hearing = desk.hearing;
  if (!hearing) return;
  const next = hearing.reporting === "held" ? "open" : "held";
  const control = $("#hold-toggle");
  control.disabled = true;
  try {
    hearingChanged(await patch(`/api/hearings/${seg(hearing.slug)}`, { reporting: next }));
    say(phrase(next === "held" ? "desk.reporting_held" : "desk.reporting_open", { title: hearing.title }));
  } catch (error) {
    say(error.message, "error");
  } finally {
    control.disabled = false;
  }
}

async function changeStatus(label, next, confirm) {
  const hearing = desk.hearing;
  if (confirm) {
    const text = next === "closed"
      ? phrase("action.close_note")
      : phrase("action.reopen_note");
    if (!await confirmAction(phrase("action.confirm", { action: label, title: hearing.title }), text, label)) return;
  }
  for (const control of $("#status-actions").children) control.disabled = true;
  try {
    const updated = await patch(`/api/hearings/${seg(hearing.slug)}`, { status: next });
    hearingChanged(updated);
    say(phrase("desk.status_now", { title: hearing.title, status: statusText(next).toLocaleLowerCase(LOCALE) }));
  } catch (error) {
    say(error.message, "error");
    showHearing();
  }
}

export function hearingChanged(fields) {
  if (!desk.hearing || fields.slug !== desk.hearing.slug) return;
  desk.hearing = { ...desk.hearing, ...fields };
  desk.queue?.hearingChanged(desk.hearing);
  showHearing();
  upsertHearing(desk.hearing);
}
