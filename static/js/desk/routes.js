// The desk's addresses: #/hearings/<slug>/<tab>, #/new, #/people.

import { TABS } from "./state.js";

export function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "people") return { view: "people" };
  if (parts[0] === "new") return { view: "new" };
  if (parts[0] === "hearings" && parts[1]) {
    return { view: "hearing", slug: parts[1], tab: TABS.includes(parts[2]) ? parts[2] : "moderate" };
  }
  return { view: "hearings" };
}

export function hearingHash(slug, tab = "moderate") {
  return `#/hearings/${encodeURIComponent(slug)}/${tab}`;
}
