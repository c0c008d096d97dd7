// People: accounts, their roles, bylines and passwords, disabling them and revoking their
// tokens.

import { get, patch, post, put, seg } from "../api.js";
import { element } from "../entryview.js";
import { roleText } from "../labels.js";
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
  if (!user.last_seen) return "never";
  return new Date(user.last_seen).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
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
  if (may.self) name.append(element("span", "you", " (you)"));

  const roleCell = element("td");
  if (may.role) {
    const choice = select(["reporter", "editor", "admin"].map((r) => [r, roleText(r)]), user.role);
    choice.className = "role-choice";
    choice.setAttribute("aria-label", `Role of ${user.username}`);
    const change = button("Change role", "change-role", () => changeRole(user, choice.value, row));
    change.setAttribute("aria-label", `Change the role of ${user.username}`);
    roleCell.append(choice, " ", change);
  } else {
    roleCell.textContent = user.role;
  }

  const byline = bylineCell(user, may.byline, row);

  const state = element("td", "state", user.disabled ? "Disabled" : "Active");
  const sessions = `${user.tokens} ${user.tokens === 1 ? "session" : "sessions"} · last seen ${lastSeen(user)}`;
  state.append(element("small", "sessions", sessions));

  const actions = element("div", "actions");
  if (may.manage) {
    const text = user.disabled ? "Enable" : "Disable";
    const toggle = button(text, user.disabled ? "enable" : "disable danger", () => setDisabled(user, !user.disabled, row));
    toggle.setAttribute("aria-label", `${text} ${user.username}`);
    actions.append(toggle);
  }
  if (may.reset) {
    const reset = button("Reset password", "reset-password", () => resetPassword(user, row));
    reset.setAttribute("aria-label", `Reset the password of ${user.username}`);
    actions.append(reset);
  }
  if (may.revoke) {
    const revoke = button("Revoke tokens", "revoke", () => revokeUser(user.username, row));
    revoke.setAttribute("aria-label", `Revoke every token of ${user.username}`);
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
  field.placeholder = "No byline";
  field.setAttribute("aria-label", `Byline of ${user.username} (display name on public pages)`);
  const save = element("button", "save-byline", "Save byline");
  save.type = "submit";
  save.setAttribute("aria-label", `Save the byline of ${user.username}`);
  form.append(field, " ", save);
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const done = await personAction(row, async () => {
      const value = field.value.trim();
      const reply = await put(`/api/users/${seg(user.username)}/display_name`, { display_name: value || null });
      const saved = reply.user.display_name;
      say(saved ? `${user.username} signs as “${saved}”.` : `${user.username} has no byline now.`);
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
      `Disable ${user.username}?`,
      `${user.username} is signed out on every phone and browser at once and cannot sign in until the account is enabled again. Their entries stay as they are.`,
      "Disable",
    );
    if (!confirmed) return;
  }
  const done = await personAction(row, async () => {
    const { revoked } = await patch(`/api/users/${seg(user.username)}`, { disabled });
    say(disabled ? `${user.username} disabled; ${revoked} ${revoked === 1 ? "token" : "tokens"} revoked.` : `${user.username} enabled.`);
  });
  if (done) await loadPeople();
}

async function changeRole(user, role, row) {
  if (role === user.role) return;
  const done = await personAction(row, async () => {
    await patch(`/api/users/${seg(user.username)}`, { role });
    say(`${user.username} is now ${roleText(role).toLowerCase()}.`);
  });
  if (done) await loadPeople();
}

async function resetPassword(user, row) {
  const confirmed = await confirmAction(
    `Reset ${user.username}'s password?`,
    `A new password is generated and shown here once; ${user.username} is signed out everywhere and signs in with it.`,
    "Reset password",
  );
  if (!confirmed) return;
  const done = await personAction(row, async () => {
    const reply = await post(`/api/users/${seg(user.username)}/password`, {});
    showPassword(`New password for`, user.username, "shown only this once:", reply.password);
    say(`${user.username}: password reset.`);
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
    `Revoke ${username}'s tokens?`,
    `${username} is signed out on every phone and browser at once and must sign in again.${self ? " That includes you, here." : ""}`,
    "Revoke",
  );
  if (!confirmed) return;
  await personAction(row, async () => {
    const { revoked } = await post(`/api/users/${seg(username)}/revoke`);
    say(`${username}: ${revoked} ${revoked === 1 ? "token" : "tokens"} revoked.`);
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
        showPassword("Account", created.user.username, "created. Its password, shown only this once:", created.password);
      }
      say(`Account ${created.user.username} (${created.user.role}) created.`);
      await loadPeople();
    } catch (error) {
      showError(errorEl, error);
    }
  });
  $("#copy-password").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("#new-password-value").textContent);
      say("Password copied.");
    } catch {
      say("Copy it by hand: the clipboard is not available here.", "error");
    }
  });
}
