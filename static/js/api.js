// Staff calls to the Courtwire API: JSON in and out, the bearer token from localStorage,
// and every failure as an ApiError carrying the server's {code, message, field}, its
// message in the page's language (chosen by the code; the server's own English message,
// which names positions, limits and terms, stays in `serverMessage`).

import { errorText } from "./labels.js";

export const TOKEN_KEY = "courtwire.token";

export class ApiError extends Error {
  constructor(
    status,
    { code = "network_error", message = undefined, field = null } = {},
    answer = null,
  ) {
    super(message !== undefined && status === 0 ? message : errorText({ code, message, field }));
    this.serverMessage = message ?? this.message;
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    /** The whole error answer: a 409 revision_conflict carries the current `entry`. */
    this.answer = answer;
  }
}

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: the user signs in again each time
  }
}

export function setToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
}

const unauthorizedListeners = new Set();

/** Call `listener(error)` whenever a call with a token is answered 401 (token revoked). */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

/**
 * `method path` with an optional JSON body; resolves to the decoded JSON (null for 204),
 * rejects with ApiError (status 0 when the network failed).
 *
 * Options: `token`, the bearer token to send (the stored one unless given; null sends
 * none, and a 401 then signs no one out); `offline`, the message of the status-0 error.
 */
export async function api(method, path, body = undefined, { token = getToken(), offline } = {}) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, { message: offline });
  }
  if (response.status === 204) return null;
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, payload?.error || statusError(response.status), payload);
    if (response.status === 401 && token) {
      for (const listener of unauthorizedListeners) listener(error);
    }
    throw error;
  }
  return payload;
}

/** The error of an answer with no JSON error in it, by its HTTP status. */
function statusError(status) {
  return { code: "http_error", message: `HTTP ${status}` };
}

/** The server's error in a refused `response` (its JSON `error`, else one by its status). */
export async function errorOf(response) {
  try {
    const payload = await response.json();
    if (payload?.error) return payload.error;
  } catch {
    // not JSON: the status says what there is to say
  }
  return statusError(response.status);
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const patch = (path, body) => api("PATCH", path, body);
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

/** Sign in; stores the token and returns the user ({username, role}). */
export async function login(username, password) {
  clearToken();
  const answer = await post("/api/login", { username, password });
  setToken(answer.token);
  return answer.user;
}

/** Revoke the token in use (best effort) and forget it. */
export async function logout() {
  try {
    if (getToken()) await post("/api/logout");
  } catch {
    // the token is forgotten either way
  }
  clearToken();
}

/** Path segment for a slug or username. */
export function seg(value) {
  return encodeURIComponent(value);
}
