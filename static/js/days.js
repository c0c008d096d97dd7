// Court days: a trial runs for days or weeks. An entry's day is the date of its court
// time in the hearing's time zone; one not from today (there) shows its date, and each
// day's entries sit under a heading with an anchor (#day-2026-03-14) to jump to.
// server/days.py says the same on the server.

import { courtDay } from "./courtdates.js";
import { dayKey, entryTime } from "./entryview.js";

/** Formatters of a hearing's days: `key` (2026-03-14), `label` (the day in the page's
 * language), and `time`, an entry's court time with its date unless it is from today
 * (entryview.js, as entries are drawn). */
export function courtDays(timeZone) {
  const zone = timeZone || "UTC";
  const key = (value) => dayKey(value, zone);
  const label = (value) => courtDay(value, zone);
  const time = (value, now = Date.now()) => entryTime(value, zone, now);
  return { key, label, time };
}

/**
 * Put a heading before the first entry of each day among `container`'s entries, in the
 * order they stand; the old headings go. Each entry's court time is its
 * `data-occurred`. Returns the days as [key, label], in that order.
 */
export function placeDayHeadings(container, days, idPrefix = "day") {
  const headed = new Map();
  for (const old of container.querySelectorAll(":scope > .day-heading")) {
    headed.set(old.id.slice(idPrefix.length + 1), old.textContent);
    old.remove();
  }
  const found = [];
  let current = null;
  for (const article of container.querySelectorAll(":scope > article")) {
    const key = days.key(article.dataset.occurred);
    if (key === current) continue;
    current = key;
    const heading = document.createElement("h3");
    heading.className = "day-heading";
    heading.id = `${idPrefix}-${key}`;
    // The server's words for a day it headed (its full form), the script's for a new one.
    heading.textContent = headed.get(key) || days.label(article.dataset.occurred);
    article.before(heading);
    found.push([key, heading.textContent]);
  }
  return found;
}
