// People: accounts, their roles, bylines and passwords, disabling them and revoking their
// tokens.

import { get, patch, post, put, seg } from "../api.js";
import { courtDateTime } from "../courtdates.js";
import { element } from "../entryview.js";
import { LOCALE, phrase, phraseCount, staffRoleText } from "../labels.js";
import { desk } from "./state.js";
import { $, button, confirmAction, say, select, showError } from "./ui.js";

/** What the signed-in user may do to `target` (the server checks the same rules). */
function allowed(target) {
  const me = desk.user;
  const self = target.username === me.username;
  const manage = !self && (me.role === "admin" || (me.role === "editor" && target.role === "reporter"));
  const admin = me.role === "admin" && !self;
  return { self, manage, role: admin, reset: admin, revoke: manage || self, byline: self || me.role === "admin" };
}

function lastSeen(user) {
  if (!user.last_seen) return phrase("people.never");
  return courtDateTime(user.last_seen, Intl.DateTimeFormat().resolvedOptions().timeZone);
}

export async function loadPeople() {
  const rows = $("#user-rows");
  try {
    const { users } = await get("/api/users");
    rows.replaceChildren(...users.map(personRow));
  } catch (error) {
    say(error.message, "error");
  }
}

function personRow(user) {
  const may = allowed(user);
  const row = element("tr");
  row.dataset.username = user.username;
  row.dataset.state = user.disabled ? "disabled" : "active";
  const name = element("th", "", user.username);
  name.scope = "row";
  if (may.self) name.append(element("span", "you", ` ${phrase("people.you")}`));

  const roleCell = element("td");
  if (may.role) {
    const choice = select(["reporter", "editor", "admin"].map((r) => [r, staffRoleText(r)]), user.role);
    choice.className = "role-choice";
    choice.setAttribute("aria-label", phrase("people.role_of", { user: user.username }));
    const change = button(phrase("people.change_role"), "change-role", () => changeRole(user, choice.value, row));
    change.setAttribute("aria-label", phrase("people.change_role_of", { user: user.username }));
    roleCell.append(choice, " ", change);
  } else {
    roleCell.textContent = staffRoleText(user.role).toLocaleLowerCase(LOCALE);
  }

  const byline = bylineCell(user, may.byline, row);

  const state = element("td", "state", phrase(user.disabled ? "people.disabled" : "people.active"));
  const sessions = `${phraseCount("sessions", user.tokens)} · ${phrase("people.last_seen", { when: lastSeen(user) })}`;
  state.append(element("small", "sessions", sessions));

  const actions = element("div", "actions");
  if (may.manage) {
    const toggle = button(phrase(user.disabled ? "people.enable" : "people.disable"), user.disabled ? "enable" : "disable danger", () => setDisabled(user, !user.disabled, row));
    toggle.setAttribute("aria-label", phrase(user.disabled ? "people.enable_user" : "people.disable_user", { user: user.username }));
    actions.append(toggle);
  }
  if (may.reset) {
    const reset = button(phrase("people.reset"), "reset-password", () => resetPassword(user, row));
    reset.setAttribute("aria-label", phrase("people.reset_of", { user: user.username }));
    actions.append(reset);
  }
  if (may.revoke) {
    const revoke = button(phrase("people.revoke_tokens"), "revoke", () => revokeUser(user.username, row));
    revoke.setAttribute("aria-label", phrase("people.revoke_of", { user: user.username }));
    actions.append(revoke);
  }
  const problem = element("p", "error");
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  actions.append(problem);
  const actionsCell = element("td");
  actionsCell.append(actions);
  row.append(name, byline, roleCell, state, actionsCell);
  return row;
}

/** The display name an account's entries are signed with on public pages: a field to
 * change it for oneself, or for anyone as an admin. */
function bylineCell(user, editable, row) {
  const cell = element("td", "byline-cell");
  if (!editable) {
    cell.textContent = user.display_name || "—";
    return cell;
  }
  const form = element("form", "byline-form");
  const field = element("input");
  field.name = "display_name";
  field.value = user.display_name || "";
  field.maxLength = 80;
  field.autocomplete = "off";
  field.placeholder = phrase("people.no_byline");
  field.setAttribute("aria-label", phrase("people.byline_of", { user: user.username }));
  const save = element("button", "save-byline", phrase("people.save_byline"));
  save.type = "submit";
  save.setAttribute("aria-label", phrase("people.save_byline_of", { user: user.username }));
  form.append(field, " ", save);
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const done = await personAction(row, async () => {
      const value = field.value.trim();
      const reply = await put(`/api/users/${seg(user.username)}/display_name`, { display_name: value || null });
      const saved = reply.user.display_name;
      say(saved ? phrase("people.signs_as", { user: user.username, name: saved }) : phrase("people.byline_removed", { user: user.username }));
    });
    if (done) await loadPeople();
  });
  cell.append(form);
  return cell;
}

/** Run a People action; its error is shown in the person's row. */
async function personAction(row, action) {
  const problem = row.querySelector(".error");
  problem.hidden = true;
  try {
    await action();
    return true;
  } catch (error) {
    showError(problem, error);
    return false;
  }
}

async function setDisabled(user, disabled, row) {
  if (disabled) {
    const confirmed = await confirmAction(
      phrase("people.disable_question", { user: user.username }),
      phrase("people.disable_note", { user: user.username }),
      phrase("people.disable"),
    );
    if (!confirmed) return;
  }
  const done = await personAction(row, async () => {
    const { revoked } = await patch(`/api/users/${seg(user.username)}`, { disabled });
    say(disabled ? phraseCount("disabled_revoked", revoked, { user: user.username }) : phrase("people.enabled", { user: user.username }));
  });
  if (done) await loadPeople();
}

async function changeRole(user, role, row) {
  if (role === user.role) return;
  const done = await personAction(row, async () => {
    await patch(`/api/users/${seg(user.username)}`, { role });
    say(phrase("people.role_now", { user: user.username, role: staffRoleText(role).toLocaleLowerCase(LOCALE) }));
  });
  if (done) await loadPeople();
}

async function resetPassword(user, row) {
  const confirmed = await confirmAction(
    phrase("people.reset_question", { user: user.username }),
    phrase("people.reset_note", { user: user.username }),
    phrase("people.reset"),
  );
  if (!confirmed) return;
  const done = await personAction(row, async () => {
    const reply = await post(`/api/users/${seg(user.username)}/password`, {});
    showPassword(phrase("people.new_password"), user.username, phrase("people.shown_once"), reply.password);
    say(phrase("people.password_reset", { user: user.username }));
  });
  if (done) await loadPeople();
}

function showPassword(lead, username, tail, password) {
  $("#new-password-lead").textContent = lead;
  $("#new-password-user").textContent = username;
  $("#new-password-tail").textContent = tail;
  $("#new-password-value").textContent = password;
  $("#new-password").hidden = false;
}

async function revokeUser(username, row) {
  const self = desk.user && username === desk.user.username;
  const confirmed = await confirmAction(
    phrase("people.revoke_question", { user: username }),
    phrase(self ? "people.revoke_self_note" : "people.revoke_note", { user: username }),
    phrase("people.revoke"),
  );
  if (!confirmed) return;
  await personAction(row, async () => {
    const { revoked } = await post(`/api/users/${seg(username)}/revoke`);
    say(phraseCount("tokens_revoked", revoked, { user: username }));
    row.setAttribute("data-revoked", String(revoked));
  });
}

export function setupPeople() {
  const form = $("#user-form");
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const errorEl = $("#user-error");
    errorEl.hidden = true;
    $("#new-password").hidden = true;
    const payload = { username: form.username.value.trim(), role: form.role.value };
    if (form.password.value) payload.password = form.password.value;
    try {
      const created = await post("/api/users", payload);
      form.reset();
      if (created.password) {
        showPassword(phrase("people.account"), created.user.username, phrase("people.account_created_password"), created.password);
      }
      say(phrase("people.account_created", { user: created.user.username, role: staffRoleText(created.user.role).toLocaleLowerCase(LOCALE) }));
      await loadPeople();
    } catch (error) {
      showError(errorEl, error);
    }
  });
  $("#copy-password").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("#new-password-value").textContent);
      say(phrase("people.password_copied"));
    } catch {
      say(phrase("people.copy_by_hand"), "error");
    }
  });
}
