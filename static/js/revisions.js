// "Show earlier versions" under a corrected entry: its earlier public versions, with
// their times, fetched from /api/hearings/{slug}/entries/{id}/revisions when a reader
// opens it. The server leaves out what was never public (a queued draft) and sends a
// version that names a restricted term as "withdrawn", with no content.
// Text goes in through textContent; only a version's `html`, which the server sanitized
// when it was written, as HTML.

import { kindText, phrase, speakerText } from "./labels.js";

/** Load an entry's versions when its control under `root` is opened. */
export function watchRevisions(root, slug, days) {
  root.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!details.matches("details.revisions") || !details.open || details.dataset.loaded) return;
    load(details, slug, days);
  }, true);
}

async function load(details, slug, days) {
  details.dataset.loaded = "loading";
  const body = details.querySelector(".revisions-body");
  body.textContent = phrase("revisions.loading");
  const id = details.closest("article").dataset.id;
  try {
    const response = await fetch(`/api/hearings/${encodeURIComponent(slug)}/entries/${encodeURIComponent(id)}/revisions`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { revisions } = await response.json();
    // The last one is the entry as it stands, shown above.
    const earlier = revisions.slice(0, -1).reverse();
    if (!earlier.length) {
      body.textContent = phrase("revisions.none");
    } else {
      const list = document.createElement("ol");
      list.className = "revisions-list";
      list.reversed = true;
      list.append(...earlier.map((version) => versionItem(version, days)));
      body.replaceChildren(list);
    }
    details.dataset.loaded = "true";
  } catch {
    body.textContent = phrase("revisions.failed");
    delete details.dataset.loaded;
  }
}

function versionItem(version, days) {
  const item = document.createElement("li");
  const meta = document.createElement("p");
  meta.className = "version-meta";
  const time = document.createElement("time");
  time.dateTime = version.at;
  time.textContent = days.time(version.at);
  meta.append(`${phrase("revisions.shown_from")} `, time);
  item.append(meta);
  if (version.withdrawn) {
    item.className = "withdrawn";
    meta.append(` · ${phrase("revisions.withdrawn")}`);
    return item;
  }
  meta.append(` · ${kindText(version.kind)}`);
  if (version.speaker) meta.append(` · ${speakerText(version.speaker)}`);
  const text = document.createElement("div");
  text.className = "body";
  // version.html is sanitized by the server (nh3) when the entry was written.
  text.innerHTML = version.html;
  item.append(text);
  if (version.correction) {
    const note = document.createElement("p");
    note.className = "correction";
    const label = document.createElement("strong");
    label.textContent = phrase("correction");
    note.append(label, ` ${version.correction}`);
    item.append(note);
  }
  return item;
}
