"""An entry's photo as HTML and as schema.org data: the reader page, the feed, the HTML
transcript and the JSON-LD all show it the same way (static/js/entryview.js builds the
same figure in the browser).

Pure: the photo is the `photo` member of a published entry (`courtwire.photos`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape

from courtwire.types import JSONObject

SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
"""How wide a photo is shown: the reader page's column (static/css/app.css `main`)."""
SOURCE_TYPES = ("image/avif", "image/webp")
"""The `<source>`s of a photo's `<picture>`, best first, each where the photo has that
type (one stored before AVIF has none): the browser takes the first it can show."""
FIRST = 'fetchpriority="high" decoding="async"'
LATER = 'loading="lazy" decoding="async"'
EMBED_WIDTH = 960
"""The variant an HTML transcript embeds (it is one file, with no address to fetch)."""


def _of_type(photo: JSONObject, media_type: str) -> list[JSONObject]:
    return [v for v in photo["variants"] if v["type"] == media_type]


def _srcset(variants: list[JSONObject], base: str) -> str:
    return ", ".join(f"{base}{v['url']} {v['width']}w" for v in variants)


def fallback(photo: JSONObject) -> JSONObject:
    """The JPEG that any browser shows: the widest one up to EMBED_WIDTH."""
    jpegs = _of_type(photo, "image/jpeg")
    fitting = [v for v in jpegs if v["width"] <= EMBED_WIDTH]
    return fitting[-1] if fitting else jpegs[0]


def figure_html(
    photo: JSONObject,
    *,
    base: str = "",
    embed: Callable[[str], bytes | None] | None = None,
    first: bool = False,
) -> str:
    """A `<figure>` with the photo and its caption. AVIF or WebP where the browser takes
    it, JPEG otherwise; `srcset`, `sizes`, width and height (no layout shift), lazy loading and the
    alt text. `base` prefixes the addresses (a feed needs them absolute); with `embed`
    (a variant's bytes by its address), the image is embedded as a data: URL instead.
    The `first` photo of a page is likely in view and its largest paint: fetched at once
    and first, not lazily (Lighthouse: a lazy LCP image costs a mobile reader ~1 s)."""
    alt = escape(str(photo["alt"]), quote=True)
    size = f'width="{int(photo["width"])}" height="{int(photo["height"])}"'
    chosen = fallback(photo)
    data = embed(str(chosen["url"])) if embed is not None else None
    if data is not None:
        src = "data:image/jpeg;base64," + base64.b64encode(data).decode()
        picture = f'<img src="{src}" {size} alt="{alt}">'
    else:
        sources = "".join(
            f'<source type="{media_type}" srcset="{escape(srcset)}" sizes="{SIZES}">'
            for media_type in SOURCE_TYPES
            if (srcset := _srcset(_of_type(photo, media_type), base))
        )
        jpeg = _srcset(_of_type(photo, "image/jpeg"), base)
        picture = (
            f"<picture>{sources}"
            f'<img src="{escape(base + chosen["url"])}" srcset="{escape(jpeg)}"'
            f' sizes="{SIZES}" {size} alt="{alt}" {FIRST if first else LATER}></picture>'
        )
    caption = photo.get("caption")
    figcaption = f"<figcaption>{escape(str(caption))}</figcaption>" if caption else ""
    return f'<figure class="photo">{picture}{figcaption}</figure>'


def image_object(photo: JSONObject, base: str) -> JSONObject:
    """schema.org `ImageObject` of the photo, for a `BlogPosting`'s `image`."""
    largest = _of_type(photo, "image/jpeg")[-1]
    return {
        "@type": "ImageObject",
        "url": base + str(largest["url"]),
        "width": largest["width"],
        "height": largest["height"],
        "caption": photo.get("caption") or photo["alt"],
    }
