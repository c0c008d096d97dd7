"""Test photos made with Pillow (seeded), the way phones make them: metadata and all."""

from __future__ import annotations

import io
import random
import socket
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pillow_heif
from PIL import ExifTags, Image, ImageCms

from tests.support import LiveServer, Staff, new_id

# The tests write HEIC themselves, whether or not the server's modules were imported here.
pillow_heif.register_heif_opener()

PIXELS = 4_000_000
BYTES = 3_000_000
"""The photo limits of `limited_server`: small, so that a test goes past them cheaply."""
SECRET_PLACE = b"51.50740N-0.12780W"
"""Coordinates written into every kind of metadata of `phone_jpeg`; never in a variant."""
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.64),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (0.0, 7.0, 40.08),
}


def noise(seed: int, size: tuple[int, int]) -> Image.Image:
    """A photo-like image of random blocks (compresses like a photo, not like a flat one)."""
    rng = random.Random(seed)
    small = Image.frombytes(
        "RGB", (size[0] // 8, size[1] // 8), rng.randbytes(size[0] * size[1] * 3 // 64)
    )
    return small.resize(size, Image.Resampling.BILINEAR)


def encode(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _iptc_segment(text: bytes) -> bytes:
    """An APP13 (Photoshop / IPTC) segment with a caption dataset (2:120)."""
    dataset = b"\x1c\x02\x78" + struct.pack(">H", len(text)) + text
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(dataset)) + dataset
    if len(dataset) % 2:
        resource += b"\x00"
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def phone_jpeg(seed: int, size: tuple[int, int] = (1800, 1200)) -> bytes:
    """A JPEG as a phone writes it: EXIF (maker, orientation 6: turn 90° clockwise, GPS),
    XMP, IPTC, a comment and an ICC profile, every one naming SECRET_PLACE."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone " + SECRET_PLACE.decode()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        noise(seed, size),
        "JPEG",
        quality=90,
        exif=exif.tobytes(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPS>' + SECRET_PLACE + b"</exif:GPS>"
        b"</x:xmpmeta>",
        comment=b"Taken at " + SECRET_PLACE,
        icc_profile=icc,
    )
    return data[:2] + _iptc_segment(b"Location " + SECRET_PLACE) + data[2:]


def media_files(server: LiveServer) -> list[Path]:
    root = server.directory / "media"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def photo_rows(server: LiveServer) -> int:
    with server.connect() as db:
        return int(db.execute("SELECT count(*) FROM photos").fetchone()[0])


def upload_headers(
    token: str, media_type: str = "image/jpeg", key: str | None = None
) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": media_type,
        "Idempotency-Key": key or new_id(),
    }


def wait_until(check: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def hang_up(
    server: LiveServer,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    sent: int,
    until: Callable[[], object] | None = None,
) -> None:
    """Send the request with the first `sent` bytes of its body and hang up without
    reading the answer: once `until()` holds (the server did its work: a lost response),
    or at once (with part of the body: a connection dropped mid-way)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(head.encode() + body[:sent])
        if until is not None:
            wait_until(until)


@contextmanager
def limited_server(directory: Path, seed: int) -> Iterator[LiveServer]:
    """A started server of the caller's own with the small photo limits PIXELS and BYTES."""
    print(f"seed={seed}")
    live = LiveServer(directory, photo_pixels=str(PIXELS), photo_bytes=str(BYTES))
    live.start()
    try:
        yield live
    finally:
        live.stop()


def post_photo(
    staff: Staff, slug: str, image: bytes, alt: str, caption: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Upload `image` and publish an update carrying it: (the photo, the entry)."""
    answer = staff.client.post(
        f"/api/hearings/{slug}/photos", content=image, headers=upload_headers(staff.token)
    )
    assert answer.status_code == 201, answer.text
    photo = answer.json()["photo"]
    posted = staff.post(slug, alt, photo={"id": photo["id"], "alt": alt, "caption": caption})
    assert posted.status_code == 201, posted.text
    return photo, posted.json()["entry"]


def upload_photo(
    staff: Staff, slug: str, seed: int, size: tuple[int, int] = (96, 64)
) -> dict[str, Any]:
    """A JPEG (small by default) uploaded to the hearing by `staff`: the photo as its
    upload answers."""
    answer = staff.client.post(
        f"/api/hearings/{slug}/photos",
        content=encode(noise(seed, size), "JPEG"),
        headers=upload_headers(staff.token),
    )
    assert answer.status_code == 201, answer.text
    photo: dict[str, Any] = answer.json()["photo"]
    return photo


def variant_statuses(server: LiveServer, photo: dict[str, Any]) -> set[int]:
    """The statuses a reader gets for the photo's variants: {200} served, {404} gone."""
    return {httpx.get(server.url + v["url"]).status_code for v in photo["variants"]}
