// The reporter's outbox: every update is written to the phone (IndexedDB, durable
// transaction) before it is sent, and stays there until the server answers 201 or 200
// for its id. Sending is in order, one at a time, with backoff and jitter; a retry
// always sends the same id and the same content, so the server's idempotency by id
// means an update is never published twice, whatever the network did to the answer.
//
// States: waiting → sending → published (with its seq) | refused (the server's error;
// the app takes it back into the composer, or the reporter edits it here and sends
// again, or discards it) | waiting again (network error, 5xx, 429, timeout: retried
// later). A "held" item is a draft the reporter set aside: it is never sent.
//
// A post the server stored but does not publish yet (202: reporting held, a publish
// delay, a kind under review) is "queued", with `wait` {state, release_at}; it turns
// "published" when it goes out (its entry.published seen live, or a recheck that
// answers with a seq), "pulled" when the reporter undoes a delayed one, "discarded"
// when an editor discards it.
//
// Besides new updates (op "post"), the outbox carries the reporter's corrections (op
// "revise": a PATCH with the changed fields and the `revision` they were made on) and
// deletions (op "delete") of published entries. A retried correction sends the same
// changes and the same revision, so the server applies it at most once; a correction
// made on a revision that is no longer current comes back in the state "conflict" with
// the entry as it stands (`current`). Items about one entry go in the order they were
// made: each waits until the ones before it about the same entry are published.
//
// A new update may carry a photo (`photo`: {blob, key, alt, caption, id}): the image is
// on the phone with the update, and uploaded first, in pieces, with its progress kept on
// the item (`progress`, a percent), under its own Idempotency-Key; every try resumes
// from what the server holds (it stores one photo per key, however often an answer is
// lost). Its id then goes into the update's payload, which is sent as any other.
//
// The photo of the update still being written is kept here too (`draft-photos`, one per
// hearing), so that a reload or a closed tab loses no more of a draft than its text:
// the composer keeps the text, the image is too large for anything but IndexedDB.

import { errorText, phrase } from "./labels.js";
import { backoffDelay } from "./live.js";

const DB_NAME = "courtwire-reporter";
const STORE = "outbox";
const DRAFT_PHOTOS = "draft-photos";
const CHANNEL = "courtwire-outbox";
const LOCK = "courtwire-outbox-send";
const KEEP_PUBLISHED = 20;
const SEND_TIMEOUT_MS = 15000;
/** Without a byte moving for this long, a photo upload is given up and retried. */
const UPLOAD_STALL_MS = 60000;
/** A photo goes in pieces of this size: each one held by the server once it arrives. */
export const PIECE_BYTES = 256 * 1024;
/** States an item ends in: nothing more is sent for it. */
const FINISHED = new Set(["published", "pulled", "discarded"]);

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id" });
      db.createObjectStore(DRAFT_PHOTOS, { keyPath: "hearing" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(phrase("outbox.blocked")));
  });
}

// Server answers that mean "try again later" rather than "this update is refused".
function retryable(status) {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export class Outbox extends EventTarget {
  /** `auth()` returns {token, username} of the signed-in reporter, or null. */
  constructor({ auth }) {
    super();
    this.auth = auth;
    this.db = null;
    this.timer = null;
    this.attempt = 0;
    this.draining = false;
    this.again = false;
    this.status = { reason: null, retryAt: null };
    this.channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
  }

  async open() {
    this.db = await openDatabase();
    // A newer version of the app, in another tab, needs to change the database: this
    // tab makes way (an open connection would block it) and is told to reload into that
    // version. Everything it holds is on the phone already; an item cut off mid-send is
    // sent again, same id.
    this.db.onversionchange = () => {
      this.db.close();
      this.dispatchEvent(new Event("outdated"));
    };
    // An item left "sending" by a closed tab or a crash goes back in line, same id.
    for (const item of await this.items()) {
      if (item.state === "sending") await this.put({ ...item, state: "waiting" });
    }
    window.addEventListener("online", () => this.sendSoon(0));
    window.addEventListener("offline", () => this.setStatus("offline"));
    if (this.channel) this.channel.onmessage = () => this.changed(false);
  }

  // Storage

  async transaction(mode, work, name = STORE) {
    const tx = this.db.transaction(name, mode, { durability: "strict" });
    const result = work(tx.objectStore(name));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error(phrase("outbox.aborted")));
    });
    return result instanceof IDBRequest ? result.result : result;
  }

  async items() {
    const all = await this.transaction("readonly", (store) => store.getAll());
    return all.sort((a, b) => a.order - b.order);
  }

  get(id) {
    return this.transaction("readonly", (store) => store.get(id));
  }

  put(item) {
    return this.transaction("readwrite", (store) => store.put(item));
  }

  /** The image of the photo in `hearing`'s composer, kept across a reload, or null. */
  async draftPhoto(hearing) {
    const kept = await this.transaction("readonly", (store) => store.get(hearing), DRAFT_PHOTOS);
    return kept?.blob || null;
  }

  /** Keep `blob` as the image of the photo in `hearing`'s composer (null: there is none). */
  keepDraftPhoto(hearing, blob) {
    return this.transaction(
      "readwrite",
      (store) => (blob ? store.put({ hearing, blob }) : store.delete(hearing)),
      DRAFT_PHOTOS,
    );
  }

  async update(id, changes) {
    const item = await this.get(id);
    if (!item) return null;
    const updated = { ...item, ...changes };
    await this.put(updated);
    this.changed();
    return updated;
  }

  changed(broadcast = true) {
    this.dispatchEvent(new Event("change"));
    if (broadcast && this.channel) this.channel.postMessage("change");
  }

  // What the reporter does

  /** Store a new update, with its `photo` if any ({blob, alt, caption}), then send
   * (resolves once it is durably on the phone). */
  async add({ hearing, username, payload, photo = null }) {
    const item = await this.store({ hearing, username, payload, state: "waiting", error: null, photo });
    this.sendSoon(0);
    return item;
  }

  /**
   * Queue a correction of a published entry: `changes` (the changed fields) made on
   * `seen`, the entry as the reporter saw it. After a change of the same entry still in
   * the outbox, the revision is the one that change leaves (filled in when it is sent).
   */
  async revise({ hearing, username, seen, changes }) {
    const after = await this.unfinished(seen.id);
    const payload = { changes, revision: after ? null : seen.revision };
    return this.queueChange({ hearing, username, op: "revise", seen, payload });
  }

  /** Queue the deletion of a published entry (`seen`, as the reporter saw it). */
  remove({ hearing, username, seen }) {
    return this.queueChange({ hearing, username, op: "delete", seen, payload: {} });
  }

  async queueChange({ hearing, username, op, seen, payload }) {
    const item = await this.store({ hearing, username, payload, state: "waiting", error: null, op, seen });
    this.sendSoon(0);
    return item;
  }

  /** Whether something about the entry `entryId` is still in the outbox, unpublished. */
  async unfinished(entryId) {
    return (await this.items()).some((item) => targetOf(item) === entryId && !FINISHED.has(item.state));
  }

  /** Keep a draft on the phone without sending it (with the refusal and the photo it
   * carries, if any). */
  hold({ hearing, username, payload, error = null, photo = null }) {
    return this.store({ hearing, username, payload, state: "held", error, photo });
  }

  async store({ hearing, username, payload, state, error, op = "post", seen = null, photo = null }) {
    const items = await this.items();
    const last = items.length ? items[items.length - 1].order : 0;
    const item = {
      id: op === "post" ? payload.id : uuid(),
      op,
      entry: op === "post" ? payload.id : seen.id,
      seen,
      current: null,
      hearing,
      username,
      payload,
      state,
      order: Math.max(Date.now(), last + 1),
      created: new Date().toISOString(),
      attempts: 0,
      note: "",
      seq: null,
      error,
      photo: photo && { id: null, key: uuid(), ...photo },
    };
    await this.put(item);
    this.changed();
    return item;
  }

  /** Send a refused update again: as it was, or edited (then under a new id). A refused
   * correction or one in conflict keeps its id: the payload says what it now changes
   * and on which revision. */
  async resend(id, payload = null) {
    const item = await this.get(id);
    if (!item) return null;
    const next = { ...item, state: "waiting", error: null, note: "", attempts: 0, current: null };
    if (payload && isChange(item)) {
      next.payload = payload;
      await this.put(next);
    } else if (payload) {
      // Edited content is a new update to the server: a new id, so it can never be
      // mistaken for the refused one (a 409 id_conflict) and never published twice.
      next.payload = { ...payload, id: uuid() };
      next.id = next.payload.id;
      await this.transaction("readwrite", (store) => {
        store.delete(id);
        store.put(next);
      });
    } else {
      await this.put(next);
    }
    this.changed();
    this.sendSoon(0);
    return next;
  }

  async discard(id) {
    await this.transaction("readwrite", (store) => store.delete(id));
    this.changed();
    this.sendSoon(0); // what waited behind it may go now
  }

  /** Clears what is done with: published, pulled back, discarded by an editor. */
  async clearPublished() {
    const published = (await this.items()).filter((item) => FINISHED.has(item.state));
    await this.transaction("readwrite", (store) => {
      for (const item of published) store.delete(item.id);
    });
    this.changed();
  }

  async pending(username) {
    return (await this.items()).filter(
      (item) => (item.state === "waiting" || item.state === "sending") && (!username || item.username === username),
    );
  }

  // Sending

  setStatus(reason, retryAt = null) {
    if (this.status.reason === reason && this.status.retryAt === retryAt) return;
    this.status = { reason, retryAt };
    this.dispatchEvent(new Event("status"));
  }

  sendSoon(delay = 0) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.drain(), delay);
  }

  async drain() {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    try {
      // One sender across this phone's tabs; the others wait, then find nothing to do.
      if (navigator.locks) await navigator.locks.request(LOCK, () => this.sendAll());
      else await this.sendAll();
    } catch (error) {
      console.error("outbox", error);
      this.sendSoon(backoffDelay(this.attempt++));
    } finally {
      this.draining = false;
      if (this.again) {
        this.again = false;
        this.sendSoon(0);
      }
    }
  }

  async sendAll() {
    for (;;) {
      const who = this.auth();
      if (!who) {
        this.setStatus("signed-out");
        return;
      }
      const next = nextToSend(await this.items(), who.username);
      if (!next) {
        this.attempt = 0;
        this.setStatus(null);
        return;
      }
      if (navigator.onLine === false) {
        // The "online" event sends; until then nothing can go, and no retry is spent.
        this.setStatus("offline");
        return;
      }
      const outcome = await this.sendOne(next, who.token);
      if (outcome.retry) {
        const delay = outcome.after ?? backoffDelay(this.attempt);
        this.attempt += 1;
        this.setStatus(navigator.onLine === false ? "offline" : "retrying", Date.now() + delay);
        this.sendSoon(delay);
        return;
      }
      if (outcome.signedOut) {
        this.setStatus("signed-out");
        this.dispatchEvent(new Event("unauthorized"));
        return;
      }
      this.attempt = 0;
    }
  }

  async sendOne(item, token) {
    if (item.op === "revise" && item.payload.revision == null) {
      // Queued behind another change of the entry that left no revision to go on (it
      // was dropped): the revision the reporter saw. Fixed from the first try on.
      item = await this.update(item.id, { payload: { ...item.payload, revision: item.seen.revision } });
    }
    await this.update(item.id, { state: "sending", attempts: item.attempts + 1 });
    this.setStatus("sending");
    if (item.op === "post" && item.photo && !item.photo.id) {
      const uploaded = await this.uploadPhoto(item, token);
      if (!uploaded.item) return uploaded;
      item = uploaded.item;
    }
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), SEND_TIMEOUT_MS);
    const { method, path, body: sent } = requestOf(item);
    let response;
    try {
      const headers = { Authorization: `Bearer ${token}` };
      if (sent !== undefined) headers["Content-Type"] = "application/json";
      response = await fetch(path, {
        method,
        headers,
        body: sent === undefined ? undefined : JSON.stringify(sent),
        cache: "no-store",
        signal: controller.signal,
      });
    } catch {
      await this.update(item.id, { state: "waiting", note: "note.no_connection" });
      return { retry: true };
    } finally {
      clearTimeout(timeout);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    return this.answered(item, response.status, body, response.headers.get("Retry-After"));
  }

  /**
   * Upload an item's photo in pieces the network can carry, under the same key on every
   * try: the server answers each piece with the bytes it holds, and a new try (after a
   * lost answer, offline, a reload) asks it where the upload stands and resumes there.
   * Resolves to {item} with the photo's id in its payload, or to what sendOne resolves
   * to when it did not go through.
   */
  async uploadPhoto(item, token) {
    const { photo } = item;
    const { size } = photo.blob;
    const base = `/api/hearings/${encodeURIComponent(item.hearing)}/uploads`;
    let answer = await this.photoRequest(token, "POST", base, null, {
      "Idempotency-Key": photo.key,
      "Upload-Length": String(size),
      "Content-Type": photo.blob.type || "application/octet-stream",
    });
    // Progress is written in order, and all of it before the answer is.
    let shown = item.progress;
    let showing = Promise.resolve();
    const show = (bytes) => {
      const progress = Math.min(100, Math.floor((bytes / size) * 100));
      if (progress === shown) return;
      shown = progress;
      showing = showing.then(() => this.update(item.id, { progress, note: "note.uploading", noteValues: { percent: progress } }));
    };
    while (answer?.body?.upload && (answer.status < 300 || answer.body.error?.code === "upload_offset")) {
      // All of it held but not yet a photo (the server failed to finish): the last
      // piece again, which the server takes as a retry and finishes.
      const held = answer.body.upload.offset;
      const offset = held < size ? held : Math.floor((size - 1) / PIECE_BYTES) * PIECE_BYTES;
      const end = Math.min(offset + PIECE_BYTES, size);
      show(offset);
      answer = await this.photoRequest(token, "PUT", `${base}/${photo.key}`, photo.blob.slice(offset, end), {
        "Content-Range": `bytes ${offset}-${end - 1}/${size}`,
      }, (loaded) => show(offset + loaded));
    }
    await showing;
    if (!answer) {
      await this.update(item.id, { state: "waiting", note: "note.photo_again" });
      return { retry: true };
    }
    if ((answer.status === 200 || answer.status === 201) && answer.body?.photo?.id) {
      return { item: await this.update(item.id, { photo: { ...photo, id: answer.body.photo.id }, note: "", progress: null }) };
    }
    // A refusal of the image is about the photo, whatever part of the request it names.
    if (answer.body?.error) answer.body.error.field = "photo";
    return this.answered(item, answer.status, answer.body, answer.retryAfter);
  }

  /**
   * One request of a photo's upload (XMLHttpRequest: fetch tells nothing of upload
   * progress), given up when no byte moves for UPLOAD_STALL_MS. Resolves to {status,
   * body, retryAfter}, or null when the network failed.
   */
  photoRequest(token, method, path, body, headers, onProgress = null) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, path);
      xhr.setRequestHeader("Authorization", `Bearer ${token}`);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      let stalled = null;
      const watch = () => {
        clearTimeout(stalled);
        stalled = setTimeout(() => xhr.abort(), UPLOAD_STALL_MS);
      };
      xhr.upload.onprogress = (event) => {
        watch();
        if (onProgress && event.lengthComputable) onProgress(event.loaded);
      };
      xhr.onload = () => {
        clearTimeout(stalled);
        let answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch {
          answer = null;
        }
        resolve({ status: xhr.status, body: answer, retryAfter: xhr.getResponseHeader("Retry-After") });
      };
      xhr.onerror = xhr.onabort = () => {
        clearTimeout(stalled);
        resolve(null);
      };
      watch();
      xhr.send(body);
    });
  }

  /** What an answer (to the update, or to its photo's upload) means for the item. */
  async answered(item, status, body, retryAfter) {
    if (status === 202 && body?.state) {
      await this.wait(item, body);
      return {};
    }
    if (status === 200 && body?.state === "discarded") {
      await this.update(item.id, { state: "discarded", error: null, note: "" });
      return {};
    }
    if (status === 200 || status === 201) {
      const published = await this.update(item.id, {
        state: "published", seq: body.seq, entry: body.entry, error: null, note: "",
        publishedAt: new Date().toISOString(),
      });
      if (item.op === "revise" && body?.entry?.revision) await this.chain(item, body.entry.revision);
      this.dispatchEvent(new CustomEvent("published", { detail: published }));
      await this.prune();
      return {};
    }
    if (status === 409 && item.op === "revise" && body?.error?.code === "revision_conflict" && body.entry) {
      const conflict = await this.update(item.id, { state: "conflict", error: body.error, current: body.entry, note: "" });
      this.dispatchEvent(new CustomEvent("conflict", { detail: conflict }));
      return {};
    }
    if (status === 401) {
      await this.update(item.id, { state: "waiting", note: "note.signed_out" });
      return { signedOut: true };
    }
    if (retryable(status)) {
      const seconds = Number(retryAfter);
      const after = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 + Math.random() * 1000 : null;
      const note = status === 429 ? "note.too_many" : "note.server_trouble";
      await this.update(item.id, { state: "waiting", note, noteValues: { status } });
      return { retry: true, after };
    }
    const error = body?.error || {
      code: "http_error",
      message: `HTTP ${status}`,
      field: null,
    };
    const refused = await this.update(item.id, { state: "refused", error, note: "" });
    this.dispatchEvent(new CustomEvent("refused", { detail: refused }));
    return {};
  }

  /** The server keeps `item` without publishing it yet (a 202: reporting held, a
   * publish delay, a kind under review): neither failed nor sent. */
  async wait(item, answer) {
    const changes = {
      state: "queued", error: null, note: "",
      wait: { state: answer.state, release_at: answer.release_at || null },
    };
    const queued = await this.update(item.id, changes);
    this.dispatchEvent(new CustomEvent("queued", { detail: queued }));
    return queued;
  }

  /** A waiting update went out: the reporter's feed saw its `entry.published`. */
  async released(id, seq, entry) {
    const item = await this.get(id);
    if (!item || item.state !== "queued") return null;
    const published = await this.update(id, {
      state: "published", seq, entry, wait: null, publishedAt: new Date().toISOString(),
    });
    this.dispatchEvent(new CustomEvent("published", { detail: published }));
    await this.prune();
    return published;
  }

  /** A published update changed after it went out (corrected, deleted or withheld, by
   * the desk or by its author): its outbox copy follows, so it never shows a version
   * readers no longer see. `entry` is the entry as it stands, or `{id, deleted: true}`. */
  async follow(entry) {
    const item = await this.get(entry.id);
    if (!item || item.state !== "published" || isChange(item)) return null;
    const known = item.entry;
    if (known && (known.deleted || (!entry.deleted && known.revision >= entry.revision))) return null;
    return this.update(entry.id, { entry });
  }

  /** Ask the server how a waiting update stands: the same post again (same id, same
   * content) answers 202 while it waits, 200 with its seq once published, or 200
   * "discarded". Resolves to the item as it is now; a failure leaves it as it was. */
  async recheck(id, token) {
    const item = await this.get(id);
    if (!item || item.state !== "queued") return item;
    const { method, path, body: sent } = requestOf(item);
    let response;
    let body = null;
    try {
      response = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(sent),
        cache: "no-store",
      });
      body = await response.json();
    } catch {
      return item;
    }
    if (response.status === 202 && body?.state) return this.wait(item, body);
    if (response.status === 200 && body?.state === "discarded") {
      return this.update(id, { state: "discarded", wait: null });
    }
    if (response.status === 200 && typeof body?.seq === "number") {
      return this.released(id, body.seq, body.entry);
    }
    return item;
  }

  /** Undo: take a delayed update back before it goes out (DELETE of its queue item,
   * allowed to its author while it is only delayed). Rejects with the server's error;
   * an update published meanwhile turns "published" instead. */
  async pullBack(id, token) {
    const item = await this.get(id);
    if (!item || item.state !== "queued") return item;
    const path = `/api/hearings/${encodeURIComponent(item.hearing)}/queue/${encodeURIComponent(item.id)}`;
    let response;
    let body = null;
    try {
      response = await fetch(path, { method: "DELETE", headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
      body = await response.json();
    } catch {
      throw new Error(phrase("wait.not_pulled_offline"));
    }
    if (response.ok) return this.update(id, { state: "pulled", wait: null });
    if (body?.error?.code === "entry_published") return this.recheck(id, token);
    throw new Error(errorText(body?.error || { code: "http_error" }));
  }

  /** The corrections queued behind `item` (same entry, revision to be filled in) are
   * made on the revision it left. */
  async chain(item, revision) {
    const behind = (await this.items()).filter(
      (other) => other.op === "revise" && other.entry === item.entry && other.id !== item.id && other.payload.revision == null,
    );
    if (!behind.length) return;
    const [first] = behind;
    await this.update(first.id, { payload: { ...first.payload, revision } });
  }

  async prune() {
    const published = (await this.items()).filter((item) => FINISHED.has(item.state));
    const old = published.slice(0, Math.max(0, published.length - KEEP_PUBLISHED));
    if (!old.length) return;
    await this.transaction("readwrite", (store) => {
      for (const item of old) store.delete(item.id);
    });
    this.changed();
  }
}

/** Whether an item corrects or deletes a published entry (rather than posting one). */
export function isChange(item) {
  return item.op === "revise" || item.op === "delete";
}

/** The entry an item is about: its own id for a new update. */
export function targetOf(item) {
  return item.entry || item.payload.id;
}

/** The first waiting item of `username` with nothing unpublished before it about the
 * same entry. */
function nextToSend(items, username) {
  const blocked = new Set();
  for (const item of items) {
    if (item.username !== username) continue;
    const target = targetOf(item);
    if (item.state === "waiting" && !blocked.has(target)) return item;
    if (!FINISHED.has(item.state)) blocked.add(target);
  }
  return null;
}

function requestOf(item) {
  const entries = `/api/hearings/${encodeURIComponent(item.hearing)}/entries`;
  if (item.op === "revise") {
    const { changes, revision } = item.payload;
    return { method: "PATCH", path: `${entries}/${encodeURIComponent(item.entry)}`, body: { ...changes, revision } };
  }
  if (item.op === "delete") return { method: "DELETE", path: `${entries}/${encodeURIComponent(item.entry)}` };
  return { method: "POST", path: entries, body: postBody(item) };
}

/** A new update as sent: its payload, with its photo once that is uploaded. */
function postBody(item) {
  const { photo } = item;
  if (!photo?.id) return item.payload;
  return { ...item.payload, photo: { id: photo.id, alt: photo.alt, caption: photo.caption || null } };
}
