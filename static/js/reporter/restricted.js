// Restricted terms: the server decides; the app warns first, with the server's own rules
// (matcher.js, fed by the server's folding data). Until that data has loaded (a first
// start without network) the app does not warn, and the server still refuses.

import { findRestricted, loadMatcher, matcherLoaded } from "../matcher.js";

loadMatcher().catch(() => {});

/** The earliest restricted term in text as {term, start, end} code point positions. */
export function restrictedIn(text, terms) {
  if (!text || !terms?.length) return null;
  if (!matcherLoaded()) {
    loadMatcher().catch(() => {});
    return null;
  }
  const hit = findRestricted(text, terms);
  if (!hit) return null;
  const codePoint = (unit) => [...text.slice(0, unit)].length;
  return { term: hit.term, start: codePoint(hit.start), end: codePoint(hit.end) };
}

export function unitIndex(text, codePoint) {
  return [...text].slice(0, codePoint).join("").length;
}
