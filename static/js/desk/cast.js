// The hearing's cast in the hearing forms: the people of the hearing as readers may see
// them, one row each (role and name), in the editor's order. A restricted person goes in
// under a safe label ("Witness A"): the server refuses a name under restriction.

import { element } from "../entryview.js";
import { phrase, roleText } from "../labels.js";
import { SPEAKER_ROLES } from "./state.js";
import { $ } from "./ui.js";

function castRow(list, person) {
  const row = element("li", "cast-person");
  const role = element("select");
  role.setAttribute("aria-label", phrase("cast.role"));
  role.replaceChildren(...SPEAKER_ROLES.map((value) => {
    const option = element("option", "", roleText(value));
    option.value = value;
    return option;
  }));
  role.value = person.role;
  const name = element("input");
  name.setAttribute("aria-label", phrase("cast.name"));
  name.maxLength = 200;
  name.value = person.name;
  name.autocomplete = "off";
  const remove = element("button", "link-button", phrase("cast.remove"));
  remove.type = "button";
  remove.addEventListener("click", () => {
    row.remove();
    numberRows(list);
    $(".cast-add", list.parentElement).focus();
  });
  row.append(role, name, remove);
  return row;
}

/** Names the controls by their place (`cast[1].name`), as the server names a refused one. */
function numberRows(list) {
  [...list.children].forEach((row, index) => {
    const [role, name, remove] = row.children;
    role.name = `cast[${index}].role`;
    name.name = `cast[${index}].name`;
    remove.setAttribute("aria-label", phrase("cast.remove_person", { name: name.value || phrase("cast.this_person") }));
  });
}

/** The cast editor inside a hearing form's `.cast` fieldset. */
export function setupCast(form) {
  const list = $(".cast-list", form);
  $(".cast-add", form).addEventListener("click", () => {
    list.append(castRow(list, { role: "witness", name: "" }));
    numberRows(list);
    list.lastElementChild.querySelector("input").focus();
  });
  list.addEventListener("input", () => numberRows(list));
}

export function fillCast(form, cast) {
  const list = $(".cast-list", form);
  list.replaceChildren(...(cast || []).map((person) => castRow(list, person)));
  numberRows(list);
}

/** The cast as the form has it; a row without a name is left out. */
export function readCast(form) {
  return [...$(".cast-list", form).children]
    .map((row) => ({ role: row.children[0].value, name: row.children[1].value.trim() }))
    .filter((person) => person.name);
}
