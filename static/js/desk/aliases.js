// Restricted names are matched as written: "Katherine Hollis" does not catch "Ms Hollis
// says…". For each person's name among the restricted terms, the desk suggests its usual
// short forms (the surname, "Ms/Mr/Dr Surname", the initials) for the editor to confirm
// one by one: a surname alone or two initials may also match other people or words, so
// none is added without a decision.

import { element } from "../entryview.js";
import { phrase } from "../labels.js";
import { $ } from "./ui.js";

const TITLE = /^(ms|mr|mrs|miss|mx|dr)\.?$/i;

/** The short forms of a name of two or more words (not itself a short form, "Ms Hollis")
 * that are not among `terms`. */
export function suggestAliases(term, terms) {
  const words = term.split(/\s+/).filter(Boolean);
  if (words.length < 2 || TITLE.test(words[0])) return [];
  if (words.some((word) => !/^\p{L}[\p{L}'’-]*$/u.test(word))) return [];
  const surname = words[words.length - 1];
  const initials = words.map((word) => `${word[0].toLocaleUpperCase()}.`).join(" ");
  const known = new Set(terms.map((t) => t.toLocaleLowerCase()));
  const forms = [surname, `Ms ${surname}`, `Mr ${surname}`, `Dr ${surname}`, initials];
  return forms.filter((form) => !known.has(form.toLocaleLowerCase()));
}

function termsOf(area) {
  return area.value.split("\n").map((term) => term.trim()).filter(Boolean);
}

function drawSuggestions(area, box) {
  const terms = termsOf(area);
  const forms = [...new Set(terms.flatMap((term) => suggestAliases(term, terms)))];
  const buttons = forms.map((form) => {
    const add = element("button", "alias-add", phrase("aliases.add", { form }));
    add.type = "button";
    add.dataset.form = form;
    return add;
  });
  box.replaceChildren(...(buttons.length ? [element("span", "hint", phrase("aliases.suggest")), ...buttons] : []));
  box.hidden = !buttons.length;
}

/** The suggestions under a hearing form's restricted terms, kept in step with them. */
export function setupAliasSuggestions(form) {
  const area = form.elements.restricted_terms;
  const box = element("div", "alias-suggestions");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", phrase("aliases.suggest"));
  area.parentElement.append(box);
  area.addEventListener("input", () => drawSuggestions(area, box));
  box.addEventListener("click", (event) => {
    const add = event.target.closest(".alias-add");
    if (!add) return;
    area.value = [...termsOf(area), add.dataset.form].join("\n");
    drawSuggestions(area, box);
    area.focus();
  });
  return () => drawSuggestions(area, box);
}
