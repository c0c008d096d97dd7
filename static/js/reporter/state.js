// The reporter app's shared state: the session, the open hearing, what is shown of the
// reporter's own entries, the outbox; with this phone's storage and the API with its token.

import { phrase } from "../labels.js";
import { api } from "../api.js";

export const USER_KEY = "courtwire.user";
export const HEARING_KEY = "courtwire.reporter.hearing";
export const HEARINGS_KEY = "courtwire.reporter.hearings";
export const DRAFT_KEY = "courtwire.reporter.draft";

export const byId = (id) => document.getElementById(id);

export const state = {
  token: null,
  user: null,
  hearings: [],
  hearing: null,
  feed: null,
  stamp: null, // the court time of the update being written (a Date); it goes with the text
  refusal: null, // the server's error, when the update in the composer came back refused
  mine: new Map(), // id -> the reporter's own entries in this hearing
  editing: null, // {kind: "entry", entry} | {kind: "outbox", item} | {kind: "correction", item}
  changes: new Map(), // entry id -> its corrections and deletion in the outbox, unpublished
  comparing: null, // the correction in conflict shown in the conflict dialog
};

export let outbox = null;

export function setOutbox(box) {
  outbox = box;
}

// Storage that may be unavailable (private mode): the app still works for the session.

export function load(key, fallback = null) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

export function save(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Full or unavailable: nothing to do.
  }
}

// The API (api.js) with this phone's session: the reporter keeps its token itself
// (state.token), so that a session lasts while storage is unavailable.

export const NO_CONNECTION = phrase("net.none");

export function request(method, path, body = undefined) {
  return api(method, path, body, { token: state.token, offline: NO_CONNECTION });
}
