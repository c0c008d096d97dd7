// The state of the desk: who is signed in, the hearings, the open hearing and its tab,
// its feed and folded log, the entries being edited; and the words the desk offers.

import { KIND_LABELS, ROLE_LABELS } from "../labels.js";
import { emptyState } from "../timeline.js";

export const KINDS = Object.keys(KIND_LABELS);
export const SPEAKER_ROLES = Object.keys(ROLE_LABELS);
export const TABS = ["moderate", "details", "replay", "export", "audit"];

export const desk = {
  user: null,
  hearings: [],
  slug: null,
  tab: "moderate",
  hearing: null,
  feed: null,
  state: emptyState(),
  liveFrom: Infinity,
  editing: new Set(),
  withheld: new Map(),
  replay: null,
  replayFor: null,
  queue: null, // the Queue panel (queue.js)
  audit: null, // the Audit tab (audit.js)
};
