// One of the reporter's updates as readers see it (entryview.js, as the server renders
// it), for "Your recent updates" and the conflict dialog. A correction still on the
// phone has no HTML yet: its text shows as typed. The time links to the reader page.

import { entryArticle } from "../entryview.js";
import { state } from "./state.js";

/** The article of `entry` (ids `<prefix>-<id>`); `typed`: its body is not published yet. */
export function reporterEntry(entry, prefix, typed) {
  const article = entryArticle(entry, {
    timezone: state.hearing?.timezone || "UTC",
    prefix,
    entryBase: `/h/${encodeURIComponent(state.hearing?.slug || "")}`,
    target: "_blank",
  });
  if (typed) {
    const body = article.querySelector(".body");
    body.textContent = entry.body;
    body.classList.add("as-typed");
  }
  return article;
}
