// An entry built in the DOM, as the desk shows it in its moderation list and its replay
// view: a header (court time, kind, flags, speaker), the body, its photo and the
// correction note.
// Text goes in through textContent; only entry.html, sanitized by the server, as HTML.

import { kindText, phrase, speakerText } from "./labels.js";

/** A new `tag` element with an optional class and text. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** How wide a photo is shown: the reader column (courtwire.figures.SIZES, the same). */
export const PHOTO_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

function srcset(photo, type) {
  return photo.variants.filter((v) => v.type === type).map((v) => `${v.url} ${v.width}w`).join(", ");
}

/**
 * An entry's photo as a <figure>, as the server renders it (courtwire.figures): WebP where
 * the browser takes it, JPEG otherwise, with width and height (no layout shift), lazy
 * loading, the alt text and the caption.
 */
export function photoFigure(photo) {
  const figure = element("figure", "photo");
  const picture = element("picture");
  const source = element("source");
  source.type = "image/webp";
  source.srcset = srcset(photo, "image/webp");
  source.sizes = PHOTO_SIZES;
  const jpegs = photo.variants.filter((v) => v.type === "image/jpeg");
  const fitting = jpegs.filter((v) => v.width <= 960);
  const img = element("img");
  img.src = (fitting.length ? fitting[fitting.length - 1] : jpegs[0]).url;
  img.srcset = srcset(photo, "image/jpeg");
  img.sizes = PHOTO_SIZES;
  img.width = photo.width;
  img.height = photo.height;
  img.alt = photo.alt;
  img.loading = "lazy";
  img.decoding = "async";
  picture.append(source, img);
  figure.append(picture);
  if (photo.caption) figure.append(element("figcaption", "", photo.caption));
  return figure;
}

/**
 * The nodes of an entry's view: [header, body] and, when it was corrected, the
 * correction note. `format` is a courtFormat (replay.js) of the hearing's time zone.
 * The header follows the reader page's order; `pinnedFlag` adds a "Pinned" flag and
 * `byline` the author and revision, which the desk's moderation list shows.
 */
export function entryNodes(entry, format, { pinnedFlag = false, byline = false } = {}) {
  const header = element("header");
  const time = element("time", "time", format.time(entry.occurred_at));
  time.dateTime = entry.occurred_at;
  time.title = format.clock(entry.occurred_at);
  header.append(time, element("span", "kind", kindText(entry.kind)));
  if (entry.key) header.append(element("span", "flag flag-key", phrase("key_event")));
  if (pinnedFlag && entry.pinned) header.append(element("span", "flag flag-pinned", phrase("pinned")));
  if (entry.speaker) header.append(element("span", "speaker", speakerText(entry.speaker)));
  if (byline) {
    const revision = entry.revision > 1 ? ` · ${phrase("revision", { revision: entry.revision })}` : "";
    header.append(element("span", "byline", `${phrase("byline", { author: entry.author })}${revision}`));
  }
  const body = element("div", "body");
  // entry.html is sanitized by the server (nh3) when the entry is written.
  body.innerHTML = entry.html;
  const nodes = [header, body];
  if (entry.photo) nodes.push(photoFigure(entry.photo));
  if (!entry.correction) return nodes;
  const note = element("p", "correction");
  note.append(element("strong", "", phrase("correction")), " ", element("span", "text", entry.correction));
  return [...nodes, note];
}
