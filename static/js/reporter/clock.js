// Court time in the hearing's time zone

import { courtTime } from "../entryview.js";
import { pad, wallToDate, zoneParts } from "../zones.js";
import { state } from "./state.js";

export function timeValue(date, timeZone) {
  const p = zoneParts(date, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** The time input's value (HH:MM[:SS]) on the day of `reference`, in the zone. */
export function withTime(reference, value, timeZone) {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const day = zoneParts(reference, timeZone);
  return wallToDate({ ...day, hour: Number(match[1]), minute: Number(match[2]), second: Number(match[3] || 0) }, timeZone);
}

/** A court time in its hearing's zone: the open hearing's, or `slug`'s (an outbox item
 * of another hearing is written in that hearing's time). */
export function courtClock(value, slug = state.hearing?.slug) {
  const hearing = slug === state.hearing?.slug ? state.hearing : state.hearings.find((h) => h.slug === slug);
  return courtTime(value, hearing?.timezone || "UTC");
}
