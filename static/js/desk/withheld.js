// Withheld: entries a restriction took off the public channels, for an editor to
// correct (which publishes the clean revision) or delete.

import { phrase, restrictedPlaceText } from "../labels.js";
import { get, seg } from "../api.js";
import { element } from "../entryview.js";
import { deskEntry } from "./entrycard.js";
import { openEditor, removeEntry } from "./entries.js";
import { desk } from "./state.js";
import { $, button, say } from "./ui.js";

export async function loadWithheld() {
  const slug = desk.slug;
  let found;
  try {
    found = (await get(`/api/hearings/${seg(slug)}/withheld`)).withheld;
  } catch (error) {
    say(error.message, "error");
    return;
  }
  if (desk.slug !== slug) return;
  desk.withheld = new Map(found.map((item) => [item.entry.id, item.entry]));
  const list = $("#withheld-entries");
  list.replaceChildren(...found.map((item) => withheldItem(item)));
  $("#withheld").hidden = found.length === 0;
  $("#withheld-title").textContent = phrase("withheld.title", { count: found.length });
}

function withheldItem({ entry, message }) {
  const item = element("li", `mod-entry withheld-entry kind-${entry.kind}`);
  item.id = `withheld-${entry.id}`;
  const nodes = deskEntry(entry, "withheld-entry");
  const why = element("p", "why", restrictedPlaceText(message) || phrase("withheld.why"));
  const actions = element("div", "actions");
  const edit = button(phrase("desk.correct"), "edit", () => openEditor(item, entry.id, entry));
  const remove = button(phrase("desk.delete"), "delete danger", () => removeEntry(entry.id, entry));
  for (const control of [edit, remove]) control.setAttribute("aria-describedby", `withheld-entry-head-${entry.id}`);
  actions.replaceChildren(edit, remove);
  item.append(element("div", "display"), why, actions);
  $(".display", item).replaceChildren(...nodes);
  return item;
}
