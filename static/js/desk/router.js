// Routing: the address (routes.js) shown, on sign-in and on every change of the hash.

import { showCreateForm } from "./forms.js";
import { closeHearing, openHearing } from "./hearing.js";
import { loadPeople } from "./people.js";
import { parseRoute } from "./routes.js";
import { desk } from "./state.js";
import { selectTab } from "./tabs.js";
import { $ } from "./ui.js";

export async function route() {
  if (!desk.user) return;
  const target = parseRoute();
  $("#people-view").hidden = target.view !== "people";
  $("#hearings-panel").hidden = target.view === "people";
  $("#workspace").hidden = target.view === "people";
  $("#nav-people").toggleAttribute("aria-current", target.view === "people");
  $("#nav-hearings").toggleAttribute("aria-current", target.view !== "people");
  if (target.view === "people") {
    $("#nav-people").setAttribute("aria-current", "page");
    await loadPeople();
    return;
  }
  $("#nav-hearings").setAttribute("aria-current", "page");
  $("#create-view").hidden = target.view !== "new";
  if (target.view === "new") {
    closeHearing();
    $("#workspace-empty").hidden = true;
    showCreateForm();
    return;
  }
  if (target.view === "hearing") {
    await openHearing(target.slug);
    selectTab(target.tab);
    return;
  }
  closeHearing();
  $("#workspace-empty").hidden = false;
}
