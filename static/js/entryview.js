// The one way an entry is drawn in JavaScript: exactly as the server renders it
// (server/templates/_entry.html: same elements, classes, words in the page's language
// and court time), on the
// reader page, the embed, the desk (moderation, queue, withheld, replay) and the
// reporter app, which put their own controls around it. Text goes in through
// textContent; only entry.html, sanitized by the server, as HTML.

import { courtDateTime } from "./courtdates.js";
import { kindText, LOCALE, phrase, speakerText } from "./labels.js";
import { pad, zoneParts } from "./zones.js";

/** A new `tag` element with an optional class and text. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** How wide a photo is shown: the reader column (courtwire.figures.SIZES, the same). */
export const PHOTO_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

/** The <source>s of a photo, best first, where it has that type (courtwire.figures). */
const SOURCE_TYPES = ["image/avif", "image/webp"];

function srcset(photo, type) {
  return photo.variants.filter((v) => v.type === type).map((v) => `${v.url} ${v.width}w`).join(", ");
}

/**
 * An entry's photo as a <figure>, as the server renders it (courtwire.figures): AVIF or
 * WebP where the browser takes it, JPEG otherwise, with width and height (no layout shift), lazy
 * loading, the alt text and the caption.
 */
export function photoFigure(photo) {
  const figure = element("figure", "photo");
  const picture = element("picture");
  for (const type of SOURCE_TYPES) {
    const set = srcset(photo, type);
    if (!set) continue;
    const source = element("source");
    source.type = type;
    source.srcset = set;
    source.sizes = PHOTO_SIZES;
    picture.append(source);
  }
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
  picture.append(img);
  figure.append(picture);
  if (photo.caption) figure.append(element("figcaption", "", photo.caption));
  return figure;
}

const clocks = new Map();

/** "14:05": the time of `value` in the hearing's zone, in the page's language, as the
 * server writes it in its first paint (court_time). */
export function courtTime(value, timezone) {
  let clock = clocks.get(timezone);
  if (!clock) {
    clock = new Intl.DateTimeFormat(LOCALE, {
      timeZone: timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    clocks.set(timezone, clock);
  }
  return clock.format(new Date(value));
}

/** "2026-03-14": the court day of `value` in the hearing's zone (courtwire.times.day_key). */
export function dayKey(value, timezone) {
  const parts = zoneParts(new Date(value), timezone);
  return `${parts.year}-${pad(parts.month)}-${pad(parts.day)}`;
}

/** An entry's court time: the clock alone on today's court day, else with its date, as
 * the server writes it (courtwire.days.entry_time). */
export function entryTime(value, timezone, now = Date.now()) {
  return dayKey(value, timezone) === dayKey(now, timezone)
    ? courtTime(value, timezone) : courtDateTime(value, timezone);
}

/**
 * An entry's <article>. `timezone` is the hearing's; `prefix` makes the element's id
 * (`entry` on the reader page, another where the same entry may show twice);
 * `entryBase` is put before the time's `#entry-<id>` link (the reader page's address
 * where the link leaves the page), `target` (say "_blank") is that link's target, and
 * `byline` the author's display name ("": none shown; left out, no byline element:
 * the desk and the reporter app draw their own). With `earlier` (the reader page, which
 * loads them: revisions.js), an entry carries "Show earlier versions", closed and
 * empty, shown when it is corrected.
 */
export function entryArticle(entry, { timezone, prefix = "entry", entryBase = "", target = "", byline, earlier = false }) {
  const article = element("article");
  article.className = `entry kind-${entry.kind}${entry.key ? " key" : ""}${entry.pinned ? " pinned" : ""}`;
  article.id = `${prefix}-${entry.id}`;
  article.dataset.id = entry.id;
  article.dataset.occurred = entry.occurred_at;
  article.dataset.published = entry.published_at || "";
  if (entry.revised_at) article.dataset.revised = entry.revised_at;

  const link = element("a", "time");
  link.href = `${entryBase}#entry-${entry.id}`;
  link.title = phrase("link_to_update");
  if (target) link.target = target;
  const time = element("time", "", entryTime(entry.occurred_at, timezone));
  time.dateTime = entry.occurred_at;
  link.append(time);
  const flag = element("span", "flag", phrase("key_event"));
  flag.hidden = !entry.key;
  const speaker = element("span", "speaker", speakerText(entry.speaker));
  speaker.hidden = !entry.speaker;
  const header = element("header");
  header.append(link, element("span", "ago"), element("span", "kind", kindText(entry.kind)), flag, speaker);
  if (byline !== undefined) {
    const by = element("span", "byline", phrase("by"));
    by.append(" ", element("span", "author", byline));
    by.hidden = !byline;
    header.append(by);
  }

  const body = element("div", "body");
  // entry.html is sanitized by the server (nh3) when the entry is written.
  body.innerHTML = entry.html;
  const correction = element("p", "correction");
  correction.hidden = !entry.correction;
  correction.append(element("strong", "", phrase("correction")), " ", element("span", "text", entry.correction || ""));
  article.append(header, body);
  if (entry.photo) article.append(photoFigure(entry.photo));
  article.append(correction);
  if (earlier) {
    const revisions = element("details", "revisions");
    revisions.hidden = !entry.correction;
    revisions.append(element("summary", "", phrase("show_earlier_versions")), element("div", "revisions-body"));
    article.append(revisions);
  }
  return article;
}

/** Draw `entry` again into an article already on the page (it keeps its place and focus). */
export function fillEntry(article, entry, options) {
  const fresh = entryArticle(entry, options);
  for (const name of article.getAttributeNames()) {
    if (name.startsWith("data-") && !fresh.hasAttribute(name)) article.removeAttribute(name);
  }
  for (const name of fresh.getAttributeNames()) article.setAttribute(name, fresh.getAttribute(name));
  article.replaceChildren(...fresh.childNodes);
}

const BREAKS = /<br\s*\/?>|<\/(?:p|li|blockquote|pre)>/gi;

/** The text a reader sees in an entry's sanitized HTML, on one line (courtwire.markup
 * `plain_text`): paragraphs and line breaks as single spaces. */
export function plainText(html) {
  const parsed = new DOMParser().parseFromString(html.replace(BREAKS, " "), "text/html");
  return parsed.body.textContent.replace(/\s+/g, " ").trim();
}

/** `text` if it fits in `limit` characters, else as much as fits up to the end of a word,
 * with an ellipsis (courtwire.markup `cut_at_word`; characters are code points there). */
export function cutAtWord(text, limit) {
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  let head = chars.slice(0, limit - 1).join("");
  if (!/\s/.test(chars[limit - 1]) && head.includes(" ")) head = head.slice(0, head.lastIndexOf(" "));
  return `${head.replace(/[ ,;:.\-–—]+$/, "")}…`;
}

/** How long a key event's line may be (courtwire.markup.KEY_LABEL_CHARS). */
export const KEY_LABEL_CHARS = 90;

/** A key event's line, as the server writes it (courtwire.markup `key_label`): the kind's
 * label `kind`, unless the text already starts with it, then the text, cut at a word. */
export function keyLabel(kind, html) {
  let text = plainText(html);
  const rest = text.slice(kind.length, kind.length + 1);
  const labelled = text.slice(0, kind.length).toLowerCase() === kind.toLowerCase() && !/[\p{L}\p{N}]/u.test(rest);
  if (text && !labelled) text = `${kind}: ${text}`;
  return cutAtWord(text || kind, KEY_LABEL_CHARS);
}
