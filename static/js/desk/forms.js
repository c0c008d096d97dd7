// Hearing forms: create and edit

import { ApiError, patch, post, seg } from "../api.js";
import { element } from "../entryview.js";
import { KIND_LABELS, phrase, phraseCount } from "../labels.js";
import { validZone } from "../zones.js";
import { setupAliasSuggestions } from "./aliases.js";
import { fillCast, readCast, setupCast } from "./cast.js";
import { hearingChanged } from "./header.js";
import { upsertHearing } from "./hearings.js";
import { hearingHash } from "./routes.js";
import { desk, KINDS } from "./state.js";
import { $, say, showError } from "./ui.js";
import { rfc3339ToWall, wallToRfc3339 } from "./walltime.js";

function hearingForm(prefix, mode) {
  const form = $("#hearing-form-template").content.firstElementChild.cloneNode(true);
  form.id = `${prefix}-form`;
  form.dataset.mode = mode;
  for (const control of form.querySelectorAll("[data-name]")) {
    const name = control.dataset.name;
    control.name = name;
    control.id = `${prefix}-${name}`;
    const label = form.querySelector(`label[data-for="${name}"]`);
    label.htmlFor = control.id;
    if (control.dataset.hint) {
      const hint = element("small", "", control.dataset.hint);
      hint.id = `${control.id}-hint`;
      control.setAttribute("aria-describedby", hint.id);
      control.parentElement.append(hint);
    }
  }
  if (mode !== "create") for (const node of form.querySelectorAll(".create-only")) node.remove();
  $(".review-kinds .checks", form).replaceChildren(...KINDS.map((kind) => {
    const label = element("label", "check");
    const box = element("input");
    box.type = "checkbox";
    box.name = "review_kinds";
    box.value = kind;
    label.append(box, ` ${KIND_LABELS[kind]}`);
    return label;
  }));
  setupCast(form);
  form.showAliasSuggestions = setupAliasSuggestions(form);
  $("button[type=submit]", form).textContent = phrase(mode === "create" ? "desk.create_hearing" : "desk.save_changes");
  return form;
}

function fillHearingForm(form, hearing) {
  const timezone = hearing.timezone || "UTC";
  form.title.value = hearing.title || "";
  form.court.value = hearing.court || "";
  form.case_ref.value = hearing.case_ref || "";
  form.location.value = hearing.location || "";
  form.timezone.value = timezone;
  form.language.value = hearing.language || "en";
  form.scheduled_start.value = hearing.scheduled_start ? rfc3339ToWall(hearing.scheduled_start, timezone).slice(0, 16) : "";
  form.description.value = hearing.description || "";
  form.restricted_terms.value = (hearing.restricted_terms || []).join("\n");
  form.reporting.value = hearing.reporting || "open";
  form.reporting_note.value = hearing.reporting_note || "";
  form.publish_delay.value = String(hearing.publish_delay ?? 0);
  const review = new Set(hearing.review_kinds || []);
  for (const box of form.querySelectorAll("input[name=review_kinds]")) box.checked = review.has(box.value);
  form.photo_confirmation.checked = hearing.photo_confirmation !== false;
  fillCast(form, hearing.cast);
  form.showAliasSuggestions();
}

function readHearingForm(form) {
  const timezone = form.timezone.value.trim();
  const fields = {
    title: form.title.value.trim(),
    court: form.court.value.trim(),
    case_ref: form.case_ref.value.trim(),
    location: form.location.value.trim(),
    timezone,
    language: form.language.value,
    description: form.description.value.trim(),
    restricted_terms: form.restricted_terms.value.split("\n").map((term) => term.trim()).filter(Boolean),
    scheduled_start: null,
    reporting: form.reporting.value,
    reporting_note: form.reporting_note.value.trim(),
    publish_delay: Number(form.publish_delay.value || 0),
    review_kinds: [...form.querySelectorAll("input[name=review_kinds]:checked")].map((box) => box.value),
    photo_confirmation: form.photo_confirmation.checked,
    cast: readCast(form),
  };
  if (form.scheduled_start.value) {
    if (!validZone(timezone)) {
      const refusal = new ApiError(422, { code: "invalid", field: "timezone" });
      refusal.message = phrase("desk.unknown_zone", { zone: timezone });
      throw refusal;
    }
    fields.scheduled_start = wallToRfc3339(form.scheduled_start.value, timezone);
  }
  if (form.slug && form.slug.value.trim()) fields.slug = form.slug.value.trim();
  return fields;
}

function formFailure(form, error) {
  showError($(".error", form), error);
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  const found = error.field && form.elements[error.field];
  const target = found instanceof RadioNodeList ? found[0] : found;
  if (target) {
    target.setAttribute("aria-invalid", "true");
    target.focus();
  }
}

export function showCreateForm() {
  const slot = $("#create-form-slot");
  const form = hearingForm("create", "create");
  fillHearingForm(form, { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    $(".error", form).hidden = true;
    try {
      const created = await post("/api/hearings", readHearingForm(form));
      upsertHearing(created);
      say(phrase("desk.hearing_created", { title: created.title }));
      location.hash = hearingHash(created.slug, "moderate");
    } catch (error) {
      formFailure(form, error);
    }
  });
  slot.replaceChildren(form);
  form.title.focus();
}

/** A new restriction withholds what names it at once: say so, and where to fix it. */
function warnWithheld(form, withheld) {
  if (!withheld.length) return;
  const notice = $(".error", form);
  notice.textContent = phraseCount("withheld_now", withheld.length);
  notice.hidden = false;
}

export function buildDetailsForm() {
  const form = hearingForm("details", "edit");
  fillHearingForm(form, desk.hearing);
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    $(".error", form).hidden = true;
    let fields;
    try {
      fields = readHearingForm(form);
    } catch (error) {
      formFailure(form, error);
      return;
    }
    const changes = {};
    for (const [name, value] of Object.entries(fields)) {
      if (JSON.stringify(value) !== JSON.stringify(desk.hearing[name] ?? (name === "restricted_terms" || name === "cast" ? [] : null))) {
        changes[name] = value;
      }
    }
    if (!Object.keys(changes).length) {
      say(phrase("desk.nothing_to_save"));
      return;
    }
    try {
      const updated = await patch(`/api/hearings/${seg(desk.slug)}`, changes);
      hearingChanged(updated);
      fillHearingForm(form, desk.hearing);
      say(phrase("desk.hearing_saved"));
      warnWithheld(form, updated.withheld || []);
    } catch (error) {
      formFailure(form, error);
    }
  });
  $("#details-form-slot").replaceChildren(form);
}

export function setupTimezones() {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  $("#timezones").replaceChildren(...zones.map((zone) => {
    const option = element("option");
    option.value = zone;
    return option;
  }));
}
