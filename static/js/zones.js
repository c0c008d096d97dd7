// Wall-clock time in a hearing's time zone. Court time is what reporters and editors
// type; the API wants RFC 3339 with the zone's offset at that moment, which the browser
// knows only through Intl.

export const pad = (number, size = 2) => String(Math.abs(number)).padStart(size, "0");

/** The wall-clock fields of `date` in the zone, as numbers. */
export function zoneParts(date, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(date);
  const value = (type) => Number(parts.find((part) => part.type === type).value);
  return {
    year: value("year"), month: value("month"), day: value("day"),
    hour: value("hour"), minute: value("minute"), second: value("second"),
  };
}

/** The zone's offset from UTC at `date`, in minutes. */
export function offsetMinutes(date, timeZone) {
  const p = zoneParts(date, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

function offsetText(minutes, sign) {
  return `${sign}${pad(Math.trunc(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** RFC 3339 with the zone's offset, whole seconds: 2020-01-22T11:05:00+06:00. */
export function rfc3339InZone(date, timeZone) {
  const p = zoneParts(date, timeZone);
  const offset = offsetMinutes(date, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    offsetText(offset, offset < 0 ? "-" : "+");
}

/** The moment a wall-clock time in the zone stands for (twice round: the offset may
 * differ between the guess and the answer near a change of offset). */
export function wallToDate({ year, month, day, hour, minute, second }, timeZone) {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let moment = wall - offsetMinutes(new Date(wall), timeZone) * 60000;
  moment = wall - offsetMinutes(new Date(moment), timeZone) * 60000;
  return new Date(moment);
}

/** "Almaty, UTC+06:00": the zone's city and its offset now. */
export function zoneLabel(timeZone, date = new Date()) {
  const offset = offsetMinutes(date, timeZone);
  const city = timeZone.split("/").pop().replaceAll("_", " ");
  return `${city}, UTC${offsetText(offset, offset < 0 ? "−" : "+")}`;
}

export function validZone(timeZone) {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}
