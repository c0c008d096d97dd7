// The hearings list.

import { get } from "../api.js";
import { element } from "../entryview.js";
import { statusText, phrase } from "../labels.js";
import { hearingHash } from "./routes.js";
import { desk } from "./state.js";
import { $ } from "./ui.js";

export async function loadHearings() {
  const { hearings } = await get("/api/hearings");
  desk.hearings = hearings;
  renderHearingList();
}

export function renderHearingList() {
  const list = $("#hearing-list");
  list.replaceChildren(...desk.hearings.map((hearing) => {
    const item = element("li");
    const link = element("a", "hearing-link");
    link.href = hearingHash(hearing.slug, desk.slug === hearing.slug ? desk.tab : "moderate");
    link.dataset.slug = hearing.slug;
    if (hearing.slug === desk.slug) link.setAttribute("aria-current", "true");
    link.append(element("span", "hearing-name", hearing.title));
    const meta = element("span", "hearing-sub");
    meta.append(element("span", `status status-${hearing.status}`, statusText(hearing.status)));
    if (hearing.court) meta.append(" ", hearing.court);
    link.append(meta);
    item.append(link);
    return item;
  }));
  if (!desk.hearings.length) list.append(element("li", "hint", phrase("desk.no_hearings")));
}

export function upsertHearing(hearing) {
  const index = desk.hearings.findIndex((h) => h.slug === hearing.slug);
  if (index >= 0) desk.hearings[index] = { ...desk.hearings[index], ...hearing };
  else desk.hearings.unshift(hearing);
  renderHearingList();
}
