// The reporter app's service worker (served at /report-sw.js, scope /report): keeps the
// app's own files so that a reload in a courtroom without network still opens the app
// and its outbox. Network first, so a deploy is picked up at once; the cache answers
// only when the network does not. The API is never cached.

const CACHE = "courtwire-report-v22";
const SHELL = [
  "/report",
  "/static/favicon.svg",
  "/static/css/app.css",
  "/static/css/report.css",
  "/static/js/reporter.js",
  "/static/js/reporter/cast.js",
  "/static/js/reporter/clock.js",
  "/static/js/reporter/composer.js",
  "/static/js/reporter/conflicts.js",
  "/static/js/reporter/edit.js",
  "/static/js/reporter/entrycard.js",
  "/static/js/reporter/errors.js",
  "/static/js/reporter/hearings.js",
  "/static/js/reporter/mine.js",
  "/static/js/reporter/outboxview.js",
  "/static/js/reporter/photo.js",
  "/static/js/reporter/refusals.js",
  "/static/js/reporter/restricted.js",
  "/static/js/reporter/sending.js",
  "/static/js/reporter/session.js",
  "/static/js/reporter/shown.js",
  "/static/js/reporter/state.js",
  "/static/js/reporter/views.js",
  "/static/js/reporter/waiting.js",
  "/static/js/api.js",
  "/static/js/entryview.js",
  "/static/js/labels.js",
  "/static/js/courtdates.js",
  "/static/js/outbox.js",
  "/static/js/live.js",
  "/static/js/zones.js",
  "/static/js/matcher.js",
  "/matcher/fold.json",
];
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("courtwire-report-") && key !== CACHE).map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

function fromNetwork(request) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network timeout")), NETWORK_TIMEOUT_MS);
    fetch(request).then((response) => {
      clearTimeout(timer);
      resolve(response);
    }, (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fromNetwork(request);
    if (response.ok) await cache.put(path, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(path);
    if (cached) return cached;
    throw error;
  }
}

// The pages name static files by fingerprinted addresses (/static/js/reporter.3f2a1b9c0d4e.js,
// server/assets.py): each is kept under its plain address, so that a page cached with
// other fingerprints still finds its files offline.
const FINGERPRINT = /\.[0-9a-f]{12}(?=\.[A-Za-z0-9]+$)/;

function plainPath(pathname) {
  return pathname.startsWith("/static/") ? pathname.replace(FINGERPRINT, "") : pathname;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  const path = plainPath(url.pathname);
  if (!SHELL.includes(path)) return;
  event.respondWith(networkFirst(event.request, path));
});
