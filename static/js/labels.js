// The words the pages show for the API's names: entry kinds, hearing statuses and
// speakers. One table for every page, so a kind or status reads the same everywhere; a
// page that the server gives its tables (the reporter app) makes its words with labelsFrom.

export const KIND_LABELS = {
  note: "Note", quote: "Quote", testimony: "Testimony", ruling: "Ruling", verdict: "Verdict",
  sentence: "Sentence", procedural: "Procedure", outside: "Outside court", summary: "Summary",
};

export const STATUS_LABELS = {
  scheduled: "Scheduled", live: "Live", recess: "In recess", adjourned: "Adjourned", closed: "Closed",
};

/** The label functions for tables of kinds, statuses and speaker roles ({name: label}). */
export function labelsFrom({ kinds, statuses, roles = {} }) {
  /** The label of an entry kind (the kind itself when it is one this page does not know). */
  function kindText(kind) {
    return kinds[kind] || kind;
  }

  /** The label of a hearing status (the status itself when unknown). */
  function statusText(status) {
    return statuses[status] || status;
  }

  /** A speaker role's label, else the role capitalized: "judge" → "Judge". */
  function roleText(role) {
    return roles[role] || role.charAt(0).toUpperCase() + role.slice(1);
  }

  /** "Name (role)", or the role alone when unnamed; "" for no speaker. */
  function speakerText(speaker) {
    if (!speaker) return "";
    if (speaker.name) return `${speaker.name} (${speaker.role})`;
    return roleText(speaker.role);
  }

  return { kindText, statusText, roleText, speakerText };
}

export const { kindText, statusText, roleText, speakerText } = labelsFrom({ kinds: KIND_LABELS, statuses: STATUS_LABELS });
