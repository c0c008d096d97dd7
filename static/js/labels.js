// The words the pages show for the API's names: entry kinds, hearing statuses and
// speakers. One table for every page, so a kind or status reads the same everywhere.

export const KIND_LABELS = {
  note: "Note", quote: "Quote", testimony: "Testimony", ruling: "Ruling", verdict: "Verdict",
  sentence: "Sentence", procedural: "Procedure", outside: "Outside court", summary: "Summary",
};

export const STATUS_LABELS = {
  scheduled: "Scheduled", live: "Live", recess: "In recess", adjourned: "Adjourned", closed: "Closed",
};

/** The label of an entry kind (the kind itself when it is one this page does not know). */
export function kindText(kind) {
  return KIND_LABELS[kind] || kind;
}

/** The label of a hearing status (the status itself when unknown). */
export function statusText(status) {
  return STATUS_LABELS[status] || status;
}

/** A speaker role capitalized: "judge" → "Judge". */
export function roleText(role) {
  return role.charAt(0).toUpperCase() + role.slice(1);
}

/** "Name (role)", or the role alone when unnamed; "" for no speaker. */
export function speakerText(speaker) {
  if (!speaker) return "";
  if (speaker.name) return `${speaker.name} (${speaker.role})`;
  return roleText(speaker.role);
}
