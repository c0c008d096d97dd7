// The hearing's cast as one-tap speakers: each person of the hearing (role and name, as
// the desk keeps them) is a button that sets both at once; typing a name stays possible.

import { roleText } from "../labels.js";
import { byId, state } from "./state.js";

function cast() {
  return state.hearing?.cast || [];
}

/** Whether `name` is the cast's person for `role`. */
export function inCast(role, name) {
  return cast().some((person) => person.role === role && person.name === name);
}

/** The buttons of the open hearing's cast (none: the group is hidden). */
export function renderCast() {
  const group = byId("cast-choices");
  group.replaceChildren(...cast().map((person) => {
    const choice = document.createElement("button");
    choice.type = "button";
    choice.className = "cast-choice";
    choice.dataset.role = person.role;
    choice.dataset.name = person.name;
    const role = document.createElement("small");
    role.textContent = roleText(person.role);
    choice.append(person.name, " ", role);
    return choice;
  }));
  group.hidden = !group.children.length;
}

/** Marks the cast's button of the speaker chosen now as pressed. */
export function markCast(role, name) {
  for (const choice of byId("cast-choices").children) {
    choice.setAttribute("aria-pressed", String(choice.dataset.role === role && choice.dataset.name === name));
  }
}
