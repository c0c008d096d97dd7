"""Photos in S3-compatible object storage (COURTWIRE_MEDIA_URL) on a real S3 server of the
test run's own (s3rver, tests/s3_support.py): two nodes share one bucket, what one stores
the other serves, byte for byte as the directory store serves it; a deleted entry's
objects leave the bucket; wrong settings stop the start with the reason; a store out of
reach is a 503, logged once, until it is back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from courtwire.images import OUTPUTS
from courtwire.model import Role
from tests.photo_support import phone_jpeg, photo_rows, post_photo, upload_headers
from tests.s3_support import S3Server
from tests.support import LiveServer, RedisServer, Staff, free_port

SEED = 1603
BUCKET = "courtwire-media"
PREFIX = "photos/"
SERVED = ("content-type", "content-length", "x-content-type-options", "cache-control")
"""The headers of a served variant that must not depend on the store."""


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    server = S3Server(BUCKET)
    server.start()
    yield server
    server.close()


def s3_node(directory: Path, s3: S3Server, **settings: Any) -> LiveServer:
    directory.mkdir(exist_ok=True)
    node = LiveServer(directory, **settings)
    node.env.update(s3.environment(PREFIX))
    return node


@pytest.fixture(scope="module")
def nodes(
    tmp_path_factory: pytest.TempPathFactory, s3: S3Server, redis_server: RedisServer
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two nodes of one cluster (one database, one broker), sharing the bucket."""
    print(f"seed={SEED}")
    root = tmp_path_factory.mktemp("s3-cluster")
    a, b = (
        s3_node(root / name, s3, db_path=root / "courtwire.db", broker_url=redis_server.url)
        for name in ("a", "b")
    )
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture(scope="module")
def staff_a(nodes: tuple[LiveServer, LiveServer]) -> Iterator[tuple[Staff, Staff]]:
    """An editor and a reporter signed in on node A."""
    a = nodes[0]
    with Staff(a, a.staff("s3-desk", Role.EDITOR)) as desk, Staff(a, a.staff("s3-phone")) as phone:
        yield desk, phone


def wait_until(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def photo_entry(staff: Staff, slug: str, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A phone's photo on a published update: (photo, entry)."""
    return post_photo(staff, slug, phone_jpeg(seed, (1800, 1200)), "The steps.")


def served(
    server: LiveServer, photo: dict[str, Any]
) -> list[tuple[int, int, str, bytes, tuple[str, ...]]]:
    """Each variant as `server` serves it: size, type, bytes and the headers in SERVED."""
    found = []
    for variant in photo["variants"]:
        answer = httpx.get(server.url + variant["url"])
        assert answer.status_code == 200, (variant["url"], answer.text)
        headers = tuple(answer.headers[name] for name in SERVED)
        found.append(
            (variant["width"], variant["height"], variant["type"], answer.content, headers)
        )
    return found


def test_a_photo_stored_through_one_node_is_served_by_the_other_as_a_directory_serves_it(
    nodes: tuple[LiveServer, LiveServer],
    staff_a: tuple[Staff, Staff],
    s3: S3Server,
    server: LiveServer,
    editor: Staff,
    reporter: Staff,
) -> None:
    a, b = nodes
    desk, phone = staff_a
    slug = desk.create_hearing("R v Shared", status="live")["slug"]
    photo, _ = photo_entry(phone, slug, SEED)
    keys = s3.keys(f"{PREFIX}{photo['id']}/")
    assert keys == sorted(PREFIX + v["url"].removeprefix("/media/") for v in photo["variants"])
    assert len(keys) == 4 * len(OUTPUTS)
    from_b = served(b, photo)
    assert from_b == served(a, photo)
    for _, _, media_type, data, headers in from_b:
        assert headers[1:] == (str(len(data)), "nosniff", "public, max-age=31536000, immutable")
        assert headers[0] == media_type
    # Nothing was written beside either node's database: the bucket is the only store.
    assert not (a.db_path.parent / "media").exists()

    # The same upload through the directory store: the same bytes, types and headers.
    slug = editor.create_hearing("R v Directory", status="live")["slug"]
    on_disk, _ = photo_entry(reporter, slug, SEED)
    assert served(server, on_disk) == from_b


def test_a_deleted_entry_s_photo_leaves_the_bucket_for_every_node(
    nodes: tuple[LiveServer, LiveServer], staff_a: tuple[Staff, Staff], s3: S3Server
) -> None:
    a, b = nodes
    desk, phone = staff_a
    slug = desk.create_hearing("R v Gone", status="live")["slug"]
    photo, entry = photo_entry(phone, slug, SEED + 1)
    kept, _ = photo_entry(phone, slug, SEED + 2)
    assert len(s3.keys(f"{PREFIX}{photo['id']}/")) == 4 * len(OUTPUTS)
    deleted = phone.client.delete(f"/api/hearings/{slug}/entries/{entry['id']}")
    assert deleted.status_code == 200, deleted.text
    wait_until(lambda: s3.keys(f"{PREFIX}{photo['id']}/") == [])
    for node in (a, b):
        for variant in photo["variants"]:
            assert httpx.get(node.url + variant["url"]).status_code == 404
    # The other update's photo is untouched.
    assert len(s3.keys(f"{PREFIX}{kept['id']}/")) == 4 * len(OUTPUTS)
    assert {answer[0] for answer in served(b, kept)} == {480, 720, 960, 1200}


def test_an_object_missing_from_the_bucket_is_a_404(
    nodes: tuple[LiveServer, LiveServer], staff_a: tuple[Staff, Staff], s3: S3Server
) -> None:
    b = nodes[1]
    desk, phone = staff_a
    slug = desk.create_hearing("R v Lost", status="live")["slug"]
    photo, _ = photo_entry(phone, slug, SEED + 3)
    lost = photo["variants"][0]["url"]
    s3.client().delete_object(Bucket=BUCKET, Key=PREFIX + lost.removeprefix("/media/"))
    answer = httpx.get(b.url + lost)
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")
    assert "immutable" not in answer.headers.get("cache-control", "")
    name = lost.rsplit("/", 1)[1]
    wait_until(lambda: f"photo file missing id={photo['id']} name={name}" in b.log())
    assert httpx.get(b.url + photo["variants"][1]["url"]).status_code == 200


def test_a_store_out_of_reach_is_a_503_logged_once_until_it_is_back(tmp_path: Path) -> None:
    s3 = S3Server("outage-media")
    s3.start()
    node = s3_node(tmp_path / "node", s3)
    try:
        node.start()
        with (
            Staff(node, node.staff("outage-desk", Role.EDITOR)) as desk,
            Staff(node, node.staff("outage-phone")) as phone,
        ):
            slug = desk.create_hearing("R v Outage", status="live")["slug"]
            photo, _ = photo_entry(phone, slug, SEED + 4)
            taken_down, entry = photo_entry(phone, slug, SEED + 6)
            s3.stop()
            for variant in photo["variants"]:
                answer = httpx.get(node.url + variant["url"], timeout=30)
                assert answer.status_code == 503, answer.text
                assert answer.json()["error"]["code"] == "media_unavailable"
                assert "immutable" not in answer.headers.get("cache-control", "")
            # An upload meanwhile is refused the same way, and nothing is stored.
            rows = photo_rows(node)
            refused = phone.client.post(
                f"/api/hearings/{slug}/photos",
                content=phone_jpeg(SEED + 5, (800, 600)),
                headers=upload_headers(phone.token),
            )
            assert (refused.status_code, refused.json()["error"]["code"]) == (
                503,
                "media_unavailable",
            )
            assert photo_rows(node) == rows
            # A deletion meanwhile is done (the photo is not served), but its files stay
            # in the bucket, and the log says which.
            deleted = phone.client.delete(f"/api/hearings/{slug}/entries/{entry['id']}")
            assert deleted.status_code == 200, deleted.text
            wait_until(lambda: f"photo files not removed id={taken_down['id']}" in node.log())
            log = node.log()
            assert log.count("media store unreachable") == 1, log
            assert "request failed" not in log
            s3.start()
            assert [answer[0] for answer in served(node, photo)] == [
                width for width in (480, 720, 960, 1200) for _ in OUTPUTS
            ]
            wait_until(lambda: "media store reachable again" in node.log())
            assert node.log().count("media store unreachable") == 1
            assert httpx.get(node.url + taken_down["variants"][0]["url"]).status_code == 404
            assert len(s3.keys(f"{PREFIX}{taken_down['id']}/")) == 4 * len(OUTPUTS)
    finally:
        node.stop()
        s3.close()


def start_refused(env: dict[str, str], cwd: Path) -> str:
    """`courtwire serve` with `env`: it must stop before serving; what it said."""
    command = [sys.executable, "-m", "courtwire.cli", "serve", "--port", str(free_port())]
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, done.stdout + done.stderr
    return done.stderr


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"COURTWIRE_MEDIA_URL": "https://bucket.example/x"}, "must be s3://<bucket>[/<prefix>]"),
        ({"COURTWIRE_MEDIA_URL": "s3://Bad_Bucket/x"}, "'Bad_Bucket' is not a bucket name"),
        ({"COURTWIRE_MEDIA_URL": "s3://media/a/../b"}, "the prefix '/a/../b' may have only"),
        (
            {"COURTWIRE_MEDIA_DIR": "/tmp/m"},
            "COURTWIRE_MEDIA_DIR and COURTWIRE_MEDIA_URL are both set",
        ),
        ({"COURTWIRE_MEDIA_ENDPOINT": "ftp://127.0.0.1:21"}, "must be http(s)://host[:port]"),
        (
            {"COURTWIRE_MEDIA_URL": ""},
            "COURTWIRE_MEDIA_ENDPOINT is set but COURTWIRE_MEDIA_URL is not",
        ),
        ({"COURTWIRE_MEDIA_URL": "s3://no-such-bucket"}, "has no bucket 'no-such-bucket'"),
        # (s3rver checks the key, not the secret's signature: AWS, MinIO and Ceph do both.)
        ({"AWS_ACCESS_KEY_ID": "NOT-A-KEY"}, f"refused access to the bucket '{BUCKET}'"),
        (
            {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
            f"No credentials for the media bucket '{BUCKET}'",
        ),
        ({"AWS_SECRET_ACCESS_KEY": ""}, f"No credentials for the media bucket '{BUCKET}'"),
        ({"COURTWIRE_MEDIA_ENDPOINT": "http://127.0.0.1:{closed}"}, "cannot be reached"),
    ],
    ids=[
        "not-s3",
        "bucket-name",
        "prefix",
        "dir-and-url",
        "endpoint-scheme",
        "endpoint-alone",
        "no-bucket",
        "unknown-key",
        "no-credentials",
        "no-secret",
        "unreachable",
    ],
)
def test_wrong_media_settings_stop_the_start_with_the_reason(
    s3: S3Server, tmp_path: Path, settings: dict[str, str], said: str
) -> None:
    env = (
        os.environ
        | s3.environment(PREFIX)
        | {
            "COURTWIRE_DB": str(tmp_path / "courtwire.db"),
            "COURTWIRE_DEMO": "0",
            # No credentials from anywhere else: a file of this machine's user, or a cloud's
            # instance metadata (never asked: AWS_EC2_METADATA_DISABLED).
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
        }
    )
    env |= {name: value.format(closed=free_port()) for name, value in settings.items()}
    env = {name: value for name, value in env.items() if value}
    stderr = start_refused(env, tmp_path)
    assert said in stderr, stderr
    assert "Traceback" not in stderr, stderr
    assert not (tmp_path / "media").exists()
