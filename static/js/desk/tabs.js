// Tabs

import { renderHearingList } from "./hearings.js";
import { openReplay } from "./replaytab.js";
import { hearingHash } from "./routes.js";
import { desk, TABS } from "./state.js";
import { $ } from "./ui.js";

export function selectTab(tab) {
  desk.tab = tab;
  for (const name of TABS) {
    const selected = name === tab;
    const control = $(`#tab-${name}`);
    control.setAttribute("aria-selected", String(selected));
    control.tabIndex = selected ? 0 : -1;
    $(`#panel-${name}`).hidden = !selected;
  }
  if (tab !== "replay") desk.replay?.pause();
  if (tab === "replay" && desk.hearing && desk.replayFor !== desk.hearing.slug) openReplay();
  if (tab === "audit" && desk.hearing) desk.audit.open(desk.hearing);
  renderHearingList();
}

export function setupTabs() {
  const controls = TABS.map((name) => $(`#tab-${name}`));
  controls.forEach((control, index) => {
    control.addEventListener("click", () => {
      if (desk.slug) location.hash = hearingHash(desk.slug, TABS[index]);
    });
    control.addEventListener("keydown", (key) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[key.key];
      let next = null;
      if (step) next = (index + step + TABS.length) % TABS.length;
      if (key.key === "Home") next = 0;
      if (key.key === "End") next = TABS.length - 1;
      if (next === null || !desk.slug) return;
      key.preventDefault();
      location.hash = hearingHash(desk.slug, TABS[next]);
      controls[next].focus();
    });
  });
}
