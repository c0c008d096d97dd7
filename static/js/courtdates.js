// Court dates written the way the page's language writes them, from the CLDR patterns
// and names the server sends with the page (#page-words "dates", from Babel): a browser's
// own locale data may lack a language (Chromium builds without Kazakh write "2026 M11
// 30"). Intl still does the time-zone arithmetic, in numbers only.

import { DATES, LOCALE, phrase } from "./labels.js";
import { pad, zoneParts } from "./zones.js";

// A CLDR pattern's fields (a run of one letter) and quoted literals ('ж', '' for ').
const TOKEN = /'([^']*)'|([A-Za-z])\2*/g;

function field(token, parts) {
  switch (token[0]) {
    case "E": return DATES.weekdays[new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay()];
    case "y": return String(parts.year);
    case "M": return token.length >= 3 ? DATES.months[parts.month - 1] : pad(parts.month, token.length);
    case "d": return pad(parts.day, token.length);
    case "H": return pad(parts.hour, token.length);
    case "m": return pad(parts.minute, token.length);
    case "s": return pad(parts.second, token.length);
    default: return token;
  }
}

/** `value` in the court's zone, written by one of the server's CLDR `patterns`. */
function courtDate(value, timeZone, pattern) {
  const parts = zoneParts(new Date(value), timeZone);
  return pattern.replace(TOKEN, (token, literal) => (literal === undefined ? field(token, parts) : literal || "'"));
}

/** "22 Jan 2020, 11:05" */
export const courtDateTime = (value, timeZone) => courtDate(value, timeZone, DATES.date_time);
/** "Wed, 22 Jan 2020": a court day's heading written by the script (days.js) */
export const courtDay = (value, timeZone) => courtDate(value, timeZone, DATES.day);
/** "Wed, 22 Jan 2020, 11:05:00" */
export const courtDayTime = (value, timeZone) => courtDate(value, timeZone, DATES.day_time);

const UNITS = [
  ["year", 365 * 86400], ["month", 30 * 86400], ["week", 7 * 86400], ["day", 86400],
  ["hour", 3600], ["minute", 60],
];
const plurals = new Intl.PluralRules(LOCALE);

/** How long ago (or how soon) `value` is from `now`: "5 minutes ago", "5 минут бұрын". */
export function relativeTime(value, now = Date.now()) {
  const seconds = (new Date(value).getTime() - now) / 1000;
  const size = Math.abs(seconds);
  for (const [unit, length] of UNITS) {
    if (size < length) continue;
    const count = Math.trunc(size / length);
    const forms = DATES.relative[unit][seconds < 0 ? "past" : "future"];
    const form = forms[plurals.select(count)] ?? forms.other ?? Object.values(forms)[0];
    return form.replace("{0}", String(count));
  }
  return phrase("just_now");
}
