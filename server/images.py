"""Image work for photos, all of it done by Pillow (and pillow-heif for HEIC): identify a
body by its content, refuse it past the pixel limit before decoding it, and render clean
variants: orientation applied, colours in sRGB, no metadata of any kind.

Synchronous and CPU-bound: `courtwire.photos` runs it off the event loop.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

from courtwire.exceptions import Invalid, UnsupportedMediaType

pillow_heif.register_heif_opener()

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
"""What an upload may be, by Pillow's name for the format, and its media type."""
DECLARABLE = {*FORMATS.values(), "image/heif", "application/octet-stream"}
"""Content-Types an upload may declare; the content decides which format it is."""
WIDTHS = (480, 720, 960, 1600)
"""Variant widths; an image narrower than one gets its own width instead, never upscaled.
720 is what most phones take for the reader column (about 360-400 CSS px at 2 device pixels
a px): without it they took 960, about 40 % more bytes (Lighthouse's "properly size
images")."""
QUALITY = 82
AVIF_OPTIONS = {"quality": 60, "speed": 10, "max_threads": 1}
"""AVIF at 60 looks about as good as JPEG and WebP at QUALITY. Speed 10 (libaom's
fastest) costs as much CPU as WebP (0.15 s for 1200×1800 here, against 0.7 s at speed 8)
for files 7% larger than at 8, still 13% under WebP's; one thread, as the photo pool
bounds how many photos are encoded at once."""
OUTPUTS: tuple[tuple[str, str, str, dict[str, int]], ...] = (
    *((("AVIF", "avif", "image/avif", AVIF_OPTIONS),) if features.check("avif") else ()),
    ("WEBP", "webp", "image/webp", {"quality": QUALITY}),
    ("JPEG", "jpg", "image/jpeg", {"quality": QUALITY}),
)
"""Each variant is stored in every one of these (Pillow format, extension, media type,
encoder options): AVIF where Pillow carries libavif (its 13.0 wheels do; one built
without it stores WebP and JPEG only), WebP, and JPEG for every browser."""
ORIENTATION = 0x0112
"""The EXIF tag that says how the camera was held."""
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    extension: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Rendered:
    width: int
    height: int
    variants: list[Variant]


def identify(data: bytes, declared: str, max_pixels: int) -> Image.Image:
    """The image, opened lazily (only its header is read), or a refusal: not one of
    FORMATS by its content (415), declared as another type than it is (415), or over
    `max_pixels` (422, checked before any pixel is decoded)."""
    if declared not in DECLARABLE:
        raise UnsupportedMediaType(
            f"Send a JPEG, PNG, WebP or HEIC photo, not {declared or 'an untyped body'}.",
            field="body",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UnsupportedMediaType(
            "The body is not a JPEG, PNG, WebP or HEIC image.", field="body"
        ) from None
    actual = FORMATS[str(image.format)]
    if declared not in (actual, "application/octet-stream") and {declared, actual} != {
        "image/heic",
        "image/heif",
    }:
        raise UnsupportedMediaType(
            f"The body is {actual} by its content but was sent as {declared}.", field="body"
        )
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    return image


def _too_many_pixels(max_pixels: int) -> Invalid:
    return Invalid(
        f"The image has more than {max_pixels} pixels; send a smaller one.",
        field="body",
        code="too_many_pixels",
    )


def render(image: Image.Image) -> Rendered:
    """Every variant of an identified image, decoded here for the first time: a JPEG
    far wider than the widest variant is decoded at a reduced scale (its DCT does that
    for a fraction of the work), and each variant is resized from the next wider one."""
    _draft(image)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise UnsupportedMediaType(
            "The image is damaged and cannot be read.", field="body"
        ) from None
    upright = ImageOps.exif_transpose(image)
    profile = upright.info.get("icc_profile")
    clean = _rgb(upright)
    variants: list[Variant] = []
    source = clean
    for width in reversed(variant_widths(clean.width)):
        height = max(1, round(clean.height * width / clean.width))
        if width != source.width:
            source = source.resize((width, height), Image.Resampling.LANCZOS)
        if profile:
            # Converted once, at the widest variant's size: the narrower ones come from it.
            source, profile = _to_srgb(source, profile), None
        sized = _bare(source)
        for pillow_format, extension, media_type, options in OUTPUTS:
            out = io.BytesIO()
            sized.save(out, pillow_format, **options)
            variants.append(Variant(width, height, extension, media_type, out.getvalue()))
    variants.sort(key=lambda variant: variant.width)
    return Rendered(clean.width, clean.height, variants)


def _draft(image: Image.Image) -> None:
    """Ask the JPEG decoder for the smallest scale (1/2, 1/4, 1/8) that still leaves the
    upright image at least as wide as the widest variant."""
    if image.format != "JPEG":
        return
    width, height = image.size
    turned = image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
    upright_width = height if turned else width
    if upright_width <= max(WIDTHS):
        return
    scale = max(WIDTHS) / upright_width
    image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))


def variant_widths(width: int) -> list[int]:
    """The widths to store for an image `width` pixels wide: never wider than it."""
    return sorted({min(candidate, width) for candidate in WIDTHS})


def _rgb(image: Image.Image) -> Image.Image:
    """RGB pixels (alpha laid on white). Its colour profile is applied by `_to_srgb` and
    its metadata dropped by `_bare`."""
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    return image


def _to_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    """The pixels converted from their embedded profile to sRGB; as they are if the
    profile cannot be read (they are then taken as sRGB already)."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError):
        return image
    return converted if converted is not None else image


def _bare(image: Image.Image) -> Image.Image:
    """The same pixels in a new image that carries no `info` (EXIF, XMP, ICC, comments)."""
    return Image.frombytes(image.mode, image.size, image.tobytes())
