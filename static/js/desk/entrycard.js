// An entry as the desk shows it: the reader page's article (entryview.js, as the
// server renders it) and, under it, what only staff see: flags (pinned, a queue state)
// and the author with the revision. The time links to the entry on the reader page.

import { element, entryArticle } from "../entryview.js";
import { phrase } from "../labels.js";
import { desk } from "./state.js";

/**
 * [article, staff line] of `entry`. `prefix` names the article's id and its header's
 * (`<prefix>-head-<id>`, for the controls' aria-describedby); `flags` are [class, text].
 */
export function deskEntry(entry, prefix, flags = []) {
  const article = entryArticle(entry, {
    timezone: desk.hearing.timezone,
    prefix,
    entryBase: `/h/${encodeURIComponent(desk.hearing.slug)}`,
    target: "_blank",
  });
  article.querySelector("header").id = `${prefix}-head-${entry.id}`;
  const line = element("p", "staff-line");
  for (const [className, text] of flags) line.append(element("span", `flag ${className}`, text));
  const revision = entry.revision > 1 ? ` · ${phrase("revision", { revision: entry.revision })}` : "";
  line.append(element("span", "byline", `${phrase("byline", { author: entry.author })}${revision}`));
  return [article, line];
}
