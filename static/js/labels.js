// The words the pages show for the API's names (entry kinds, hearing statuses, speakers)
// and for what their scripts build, in the page's language. The server sends them with
// every page (#page-words, from its gettext catalogs: server/page_words.py), so a kind or
// status reads the same on the page and in what a script adds to it. Limits are not
// words: a page's script reads them from the fields the server rendered them into.

const given = JSON.parse(document.getElementById("page-words").textContent);

/** The page's language ("en", "ru", "kk") and the locale its dates are written in. */
export const LANG = given.lang;
export const LOCALE = given.locale;

/** CLDR's date pattern, month names and "ago" patterns for the language (courtdates.js). */
export const DATES = given.dates;

export const KIND_LABELS = given.kinds;
export const STATUS_LABELS = given.statuses;
export const ROLE_LABELS = given.roles;

/** gettext's python-format: %(name)s places, and "%%" for a percent sign. */
function fill(text, values) {
  return text.replace(/%\((\w+)\)s|%%/g, (place, name) => {
    if (place === "%%") return "%";
    return name in values ? String(values[name]) : place;
  });
}

/** A message by its key, its %(name)s places filled from `values`. */
export function phrase(key, values = {}) {
  return fill(given.words[key] ?? key, values);
}

/** A message as text and nodes to append: a node given for a %(name)s place (a <mark>,
 * a live countdown) stands in it as itself, any other value as text. */
export function phraseParts(key, values = {}) {
  return (given.words[key] ?? key).split(/(%\(\w+\)s)/).filter(Boolean).map((part) => {
    const name = /^%\((\w+)\)s$/.exec(part)?.[1];
    if (!name || !(name in values)) return part;
    return values[name] instanceof Node ? values[name] : String(values[name]);
  });
}

/**
 * A refusal of the API as staff read it: the words for its `code` in the page's language,
 * with the field it names; the server's own English message for a code the page does not
 * know, and a generic one for none.
 */
export function errorText({ code, message, field }) {
  const words = given.errors[code] ?? (message ? null : given.errors.http_error);
  if (!words) return message;
  return field ? phrase("error.field", { message: words, field }) : words;
}

/** {start, end} (code points, end exclusive) from the server's English refusal of a
 * restricted term, "… at characters 5–14 …"; null when it names no place. */
export function positionsIn(message) {
  const match = /characters (\d+)\s*[–-]\s*(\d+)/.exec(message || "");
  return match ? { start: Number(match[1]) - 1, end: Number(match[2]) } : null;
}

/** Where a restricted term is, as the server's refusal `message` says, in the page's
 * words; null when it names no place. */
export function restrictedPlaceText(message) {
  const range = positionsIn(message);
  return range && phrase("problem.restricted", { start: range.start + 1, end: range.end });
}

/** A staff account's role: "Reporter", "Editor", "Admin". */
export function staffRoleText(role) {
  return phrase(`staff.${role}`);
}

const plurals = new Intl.PluralRules(LOCALE);

/** A counted message in the form the language gives `count`. */
export function phraseCount(key, count, values = {}) {
  const forms = given.counted[key];
  const form = forms[plurals.select(count)] ?? forms.other ?? Object.values(forms)[0];
  return fill(form, { count, ...values });
}

/** The label of an entry kind (the kind itself when it is one this page does not know). */
export function kindText(kind) {
  return KIND_LABELS[kind] || kind;
}

/** The label of a hearing status (the status itself when unknown). */
export function statusText(status) {
  return STATUS_LABELS[status] || status;
}

/** A speaker role's label, else the role with a capital first letter. */
export function roleText(role) {
  return ROLE_LABELS[role] || role.charAt(0).toUpperCase() + role.slice(1);
}

/** "Name (role)", or the role alone when unnamed; "" for no speaker. */
export function speakerText(speaker) {
  if (!speaker) return "";
  if (speaker.name) return `${speaker.name} (${roleText(speaker.role).toLocaleLowerCase(LOCALE)})`;
  return roleText(speaker.role);
}
