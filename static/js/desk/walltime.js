// Time zones: the <input type="datetime-local"> values are wall-clock times in the
// hearing's zone; the API wants RFC 3339 with the zone's offset at that moment.

import { pad, rfc3339InZone, wallToDate, zoneParts } from "../zones.js";

/** "2020-01-06T10:00[:ss]" in `timezone` → "2020-01-06T10:00:00+06:00". */
export function wallToRfc3339(wall, timezone) {
  const [date, time] = wall.split("T");
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute, second = 0] = time.split(":").map(Number);
  return rfc3339InZone(wallToDate({ year, month, day, hour, minute, second }, timezone), timezone);
}

/** An RFC 3339 time → the datetime-local value of that moment in `timezone`. */
export function rfc3339ToWall(value, timezone) {
  if (!value) return "";
  const p = zoneParts(new Date(value), timezone);
  const base = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
  return p.second === 0 ? base : `${base}:${pad(p.second)}`;
}
