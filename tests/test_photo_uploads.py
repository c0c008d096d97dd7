"""Photos uploaded in pieces through a real server: in order, with pieces sent twice, resumed
after a dropped connection from the offset the server holds, refused past the limits or as a
bomb with nothing kept; and the sweep of photos never put on an update."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from PIL import Image

from courtwire.model import Role
from courtwire.uploads import OPEN_PER_ACCOUNT
from tests.photo_support import (
    BYTES,
    SECRET_PLACE,
    encode,
    hang_up,
    limited_server,
    media_files,
    noise,
    phone_jpeg,
    photo_rows,
    wait_until,
)
from tests.support import LiveServer, Staff, new_id

SEED = 1616
PIECE = 64 * 1024


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with limited_server(tmp_path_factory.mktemp("uploads"), SEED) as live:
        yield live


@pytest.fixture(scope="module")
def slug(upload_server: LiveServer) -> str:
    with Staff(upload_server, upload_server.staff("upload-desk", Role.EDITOR)) as desk:
        return str(desk.create_hearing("R v Pieces", status="live")["slug"])


@pytest.fixture
def phone(upload_server: LiveServer) -> Iterator[Staff]:
    with Staff(upload_server, upload_server.staff(f"phone-{new_id()[:8]}")) as staff:
        yield staff


def start(
    staff: Staff, slug: str, key: str, length: int, media_type: str = "image/jpeg"
) -> httpx.Response:
    return staff.client.post(
        f"/api/hearings/{slug}/uploads",
        headers={"Idempotency-Key": key, "Upload-Length": str(length), "Content-Type": media_type},
    )


def piece_headers(start_at: int, piece: bytes, total: int) -> dict[str, str]:
    return {"Content-Range": f"bytes {start_at}-{start_at + len(piece) - 1}/{total}"}


def send(staff: Staff, slug: str, key: str, data: bytes, start_at: int) -> httpx.Response:
    """The piece of `data` that starts at `start_at`."""
    piece = data[start_at : start_at + PIECE]
    return staff.client.put(
        f"/api/hearings/{slug}/uploads/{key}",
        content=piece,
        headers=piece_headers(start_at, piece, len(data)),
    )


def upload_in_pieces(staff: Staff, slug: str, key: str, data: bytes) -> httpx.Response:
    """Start, then send every piece from the offset the server holds; the last answer."""
    opened = start(staff, slug, key, len(data))
    assert opened.status_code in (200, 201), opened.text
    offset = opened.json()["upload"]["offset"]
    while True:
        answer = send(staff, slug, key, data, offset)
        if "upload" not in answer.json():
            return answer
        assert answer.status_code == 200, answer.text
        assert answer.json()["upload"]["offset"] == min(len(data), offset + PIECE)
        offset = answer.json()["upload"]["offset"]


def all_but_the_last_piece(
    staff: Staff, slug: str, key: str, data: bytes, media_type: str = "image/jpeg"
) -> int:
    """Open the upload and send every piece but the last; where the last one starts."""
    assert start(staff, slug, key, len(data), media_type).status_code == 201
    offset = 0
    while offset + PIECE < len(data):
        assert send(staff, slug, key, data, offset).status_code == 200
        offset += PIECE
    return offset


def held_uploads(server: LiveServer) -> tuple[int, int]:
    """Upload sessions and pieces in the database."""
    with server.connect() as db:
        sessions = db.execute("SELECT count(*) FROM uploads").fetchone()[0]
        pieces = db.execute("SELECT count(*) FROM upload_pieces").fetchone()[0]
    return int(sessions), int(pieces)


def received(server: LiveServer, key: str) -> int | None:
    with server.connect() as db:
        row = db.execute("SELECT received FROM uploads WHERE idempotency_key = ?", (key,))
        found = row.fetchone()
    return None if found is None else int(found[0])


def test_a_photo_in_pieces_in_order_is_one_photo_without_metadata(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    data = phone_jpeg(SEED, (1200, 900))
    assert len(data) > 3 * PIECE
    rows = photo_rows(upload_server)
    key = new_id()
    last = upload_in_pieces(phone, slug, key, data)
    assert last.status_code == 201, last.text
    photo = last.json()["photo"]
    assert (photo["width"], photo["height"]) == (900, 1200)  # upright, as a whole upload
    assert photo_rows(upload_server) == rows + 1
    assert received(upload_server, key) is None  # the upload and its pieces are gone
    stored = [path for path in media_files(upload_server) if path.parent.name == photo["id"]]
    assert len(stored) == len(photo["variants"]) > 0
    for path in stored:
        assert SECRET_PLACE not in path.read_bytes()
        assert not set(Image.open(io.BytesIO(path.read_bytes())).info) & {"exif", "xmp"}
    # Started again, or its last piece sent again: the same photo, never a second one.
    again = start(phone, slug, key, len(data))
    assert (again.status_code, again.json()) == (200, {"photo": photo})
    last_piece = len(data) - len(data) % PIECE
    assert send(phone, slug, key, data, last_piece).json() == {"photo": photo}
    assert photo_rows(upload_server) == rows + 1


def test_a_piece_sent_twice_is_held_once(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    data = encode(noise(SEED + 1, (900, 700)), "JPEG", quality=95)
    key = new_id()
    rows = photo_rows(upload_server)
    assert start(phone, slug, key, len(data)).status_code == 201
    reopened = start(phone, slug, key, len(data))
    assert (reopened.status_code, reopened.json()["upload"]) == (
        200,
        {"offset": 0, "length": len(data)},
    )
    first = send(phone, slug, key, data, 0)
    twice = send(phone, slug, key, data, 0)  # its answer was lost: the same bytes again
    assert first.json() == twice.json() == {"upload": {"offset": PIECE, "length": len(data)}}
    assert held_uploads(upload_server)[1] == 1
    answers = []
    offset = PIECE
    while offset < len(data):
        answers += [send(phone, slug, key, data, offset), send(phone, slug, key, data, offset)]
        offset += PIECE
    assert answers[-2].status_code == 201, answers[-2].text
    assert answers[-1].status_code == 200
    assert answers[-1].json() == answers[-2].json()
    assert photo_rows(upload_server) == rows + 1
    assert received(upload_server, key) is None  # the upload and its pieces are gone


def test_an_account_holds_at_most_eight_unfinished_uploads_the_oldest_dropped(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    """Opening one more than OPEN_PER_ACCOUNT drops the upload left untouched longest,
    with its pieces; the others, and another account's, keep what they hold."""
    data = encode(noise(SEED + 30, (900, 700)), "JPEG", quality=95)
    with Staff(upload_server, upload_server.staff(f"other-{new_id()[:8]}")) as other:
        theirs = new_id()
        assert start(other, slug, theirs, len(data)).status_code == 201
        assert send(other, slug, theirs, data, 0).status_code == 200
        keys = [new_id() for _ in range(OPEN_PER_ACCOUNT + 1)]
        for key in keys[:OPEN_PER_ACCOUNT]:
            assert start(phone, slug, key, len(data)).status_code == 201
            assert send(phone, slug, key, data, 0).status_code == 200
        # The first one is touched again: the second is now the oldest.
        assert send(phone, slug, keys[0], data, PIECE).status_code == 200
        assert start(phone, slug, keys[-1], len(data)).status_code == 201
        assert [received(upload_server, key) for key in keys] == [
            2 * PIECE,
            None,
            *[PIECE] * (OPEN_PER_ACCOUNT - 2),
            0,
        ]
        assert received(upload_server, theirs) == PIECE
        # The dropped one's pieces went with it; a piece for it is refused, and the app's
        # next try opens it anew from the start.
        gone = send(phone, slug, keys[1], data, PIECE)
        assert (gone.status_code, gone.json()["error"]["code"]) == (404, "upload_not_found")
        again = start(phone, slug, keys[1], len(data))
        assert (again.status_code, again.json()["upload"]["offset"]) == (201, 0)
        assert received(upload_server, keys[2]) is None  # the oldest now, dropped in turn
        assert received(upload_server, keys[0]) == 2 * PIECE
        with upload_server.connect() as db:
            orphans = db.execute(
                "SELECT count(*) FROM upload_pieces WHERE upload_id NOT IN (SELECT id FROM uploads)"
            ).fetchone()[0]
        assert orphans == 0


def test_an_upload_resumes_after_a_dropped_connection_from_the_offset_held(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    data = phone_jpeg(SEED + 2, (1000, 800))
    key = new_id()
    path = f"/api/hearings/{slug}/uploads/{key}"
    headers = {"Authorization": f"Bearer {phone.token}", "Content-Type": "image/jpeg"}
    assert start(phone, slug, key, len(data)).status_code == 201
    assert send(phone, slug, key, data, 0).status_code == 200
    # The second piece arrives whole but its answer is lost.
    second = data[PIECE : 2 * PIECE]
    hang_up(
        upload_server,
        "PUT",
        path,
        headers | piece_headers(PIECE, second, len(data)),
        second,
        len(second),
        lambda: received(upload_server, key) == 2 * PIECE,
    )
    # The third is cut off half-way: nothing of it is kept.
    third = data[2 * PIECE : 3 * PIECE]
    hang_up(
        upload_server,
        "PUT",
        path,
        headers | piece_headers(2 * PIECE, third, len(data)),
        third,
        PIECE // 2,
    )
    resumed = start(phone, slug, key, len(data))
    assert resumed.json() == {"upload": {"offset": 2 * PIECE, "length": len(data)}}
    last = upload_in_pieces(phone, slug, key, data)
    assert last.status_code == 201, last.text
    assert received(upload_server, key) is None  # the upload and its pieces are gone
    with upload_server.connect() as db:
        assert (
            db.execute("SELECT count(*) FROM photos WHERE idempotency_key = ?", (key,)).fetchone()[
                0
            ]
            == 1
        )


def test_a_piece_at_another_offset_is_refused_with_the_offset_held(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    data = encode(noise(SEED + 3, (800, 600)), "JPEG", quality=95)
    key = new_id()
    assert start(phone, slug, key, len(data)).status_code == 201
    assert send(phone, slug, key, data, 0).status_code == 200
    for wrong in (2 * PIECE, 0 + 1):
        refused = send(phone, slug, key, data, wrong)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "upload_offset"
        assert refused.json()["error"]["field"] == "Content-Range"
        assert refused.json()["upload"] == {"offset": PIECE, "length": len(data)}
    # Other bytes at a held offset are no retry: refused, and the piece held stays.
    other = bytes(PIECE)
    changed = phone.client.put(
        f"/api/hearings/{slug}/uploads/{key}",
        content=other,
        headers=piece_headers(0, other, len(data)),
    )
    assert (changed.status_code, changed.json()["error"]["code"]) == (409, "upload_offset")
    assert received(upload_server, key) == PIECE
    assert upload_in_pieces(phone, slug, key, data).status_code == 201


def test_an_upload_over_the_byte_limit_is_refused_at_start_and_on_pieces(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    before = held_uploads(upload_server), photo_rows(upload_server)
    over = start(phone, slug, new_id(), BYTES + 1)
    assert (over.status_code, over.json()["error"]["code"]) == (413, "payload_too_large")
    key = new_id()
    piece = bytes(PIECE)
    too_long = phone.client.put(
        f"/api/hearings/{slug}/uploads/{key}",
        content=piece,
        headers=piece_headers(0, piece, BYTES + 1),
    )
    assert (too_long.status_code, too_long.json()["error"]["code"]) == (413, "payload_too_large")
    assert start(phone, slug, key, 3 * PIECE).status_code == 201
    # More bytes than the piece's range says: refused as soon as they arrive.
    bigger = phone.client.put(
        f"/api/hearings/{slug}/uploads/{key}",
        content=bytes(2 * PIECE),
        headers={"Content-Range": f"bytes 0-{PIECE - 1}/{3 * PIECE}"},
    )
    assert bigger.status_code == 413
    # A range past the upload's length is another upload than the one opened.
    past = phone.client.put(
        f"/api/hearings/{slug}/uploads/{key}",
        content=piece,
        headers=piece_headers(0, piece, 4 * PIECE),
    )
    assert (past.status_code, past.json()["error"]["code"]) == (409, "idempotency_conflict")
    assert received(upload_server, key) == 0
    sessions, pieces = held_uploads(upload_server)
    assert (sessions, pieces, photo_rows(upload_server)) == (
        before[0][0] + 1,
        before[0][1],
        before[1],
    )


def test_a_bomb_or_a_non_image_finished_in_pieces_is_refused_and_nothing_is_kept(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    bomb = encode(Image.new("1", (12_000, 12_000)), "PNG")
    html = b"<!doctype html><script>alert(1)</script>" + bytes(PIECE + 100)
    for data, media_type, status, code in (
        (bomb, "image/png", 422, "too_many_pixels"),
        (html, "image/jpeg", 415, "unsupported_media_type"),
    ):
        rows, files, held = (
            photo_rows(upload_server),
            media_files(upload_server),
            held_uploads(upload_server),
        )
        key = new_id()
        offset = all_but_the_last_piece(phone, slug, key, data, media_type)
        refused = send(phone, slug, key, data, offset)
        assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
        assert photo_rows(upload_server) == rows
        assert media_files(upload_server) == files
        assert held_uploads(upload_server) == held
        gone = send(phone, slug, key, data, offset)
        assert (gone.status_code, gone.json()["error"]["code"]) == (404, "upload_not_found")


def test_malformed_upload_requests_are_refused_clearly(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    key = new_id()
    base = f"/api/hearings/{slug}/uploads"
    no_length = phone.client.post(
        base, headers={"Idempotency-Key": key, "Content-Type": "image/png"}
    )
    assert (no_length.status_code, no_length.json()["error"]["field"]) == (400, "Upload-Length")
    svg = start(phone, slug, key, 100, "image/svg+xml")
    assert (svg.status_code, svg.json()["error"]["field"]) == (415, "Content-Type")
    keyless = phone.client.post(base, headers={"Upload-Length": "100", "Content-Type": "image/png"})
    assert (keyless.status_code, keyless.json()["error"]["field"]) == (400, "Idempotency-Key")
    assert start(phone, slug, key, 4 * PIECE).status_code == 201
    other_type = start(phone, slug, key, 4 * PIECE, "image/png")
    assert (other_type.status_code, other_type.json()["error"]["code"]) == (
        409,
        "idempotency_conflict",
    )
    for content_range, status in (
        ("", 400),
        ("bytes 0-10", 400),
        ("items 0-1/2", 400),
        ("bytes 5-4/100", 422),
        ("bytes 0-99/99", 422),
        (f"bytes 0-9/{4 * PIECE}", 422),  # a piece under the smallest but not the last
        ("bytes 0-1/2", 422),  # one byte where the range says two
    ):
        bad = phone.client.put(
            f"{base}/{key}", content=b"x", headers={"Content-Range": content_range}
        )
        assert (bad.status_code, bad.json()["error"]["field"]) == (status, "Content-Range"), (
            content_range
        )
    unknown = send(phone, slug, new_id(), bytes(2 * PIECE), 0)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "upload_not_found")
    assert (
        phone.client.put(
            f"{base}/not-a-key", content=b"x", headers={"Content-Range": "bytes 0-0/1"}
        ).status_code
        == 400
    )
    anonymous = httpx.post(
        f"{upload_server.url}{base}",
        headers={"Idempotency-Key": key, "Upload-Length": "1", "Content-Type": "image/png"},
    )
    assert anonymous.status_code == 401


def test_the_sweep_removes_photos_never_put_on_an_update_and_keeps_the_others(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    server = LiveServer(
        tmp_path_factory.mktemp("sweep"), photo_unattached_hours="0.003", log_level="INFO"
    )
    server.start()
    try:
        with Staff(server, server.staff("sweep-desk", Role.EDITOR)) as desk:
            slug = desk.create_hearing("R v Sweep", status="live")["slug"]
            kept = desk.client.post(
                f"/api/hearings/{slug}/photos",
                content=encode(noise(SEED + 4, (500, 400)), "JPEG"),
                headers={"Content-Type": "image/jpeg", "Idempotency-Key": new_id()},
            ).json()["photo"]
            posted = desk.post(slug, "Outside.", photo={"id": kept["id"], "alt": "The crowd."})
            assert posted.status_code == 201, posted.text
            left = desk.client.post(
                f"/api/hearings/{slug}/photos",
                content=encode(noise(SEED + 5, (500, 400)), "JPEG"),
                headers={"Content-Type": "image/jpeg", "Idempotency-Key": new_id()},
            ).json()["photo"]
            unfinished = new_id()
            data = bytes(3 * PIECE)
            assert start(desk, slug, unfinished, len(data)).status_code == 201
            assert send(desk, slug, unfinished, data, 0).status_code == 200

        def folders() -> set[str]:
            return {path.parent.name for path in media_files(server)}

        assert {kept["id"], left["id"]} <= folders()
        wait_until(lambda: left["id"] not in folders() and held_uploads(server) == (0, 0), 60)
        sweeps = server.log().count("sweep unattached_photos=")
        wait_until(lambda: server.log().count("sweep unattached_photos=") > sweeps, 60)
        assert kept["id"] in folders()
        assert {httpx.get(server.url + v["url"]).status_code for v in kept["variants"]} == {200}
        with server.connect() as db:
            ids = {row[0] for row in db.execute("SELECT id FROM photos").fetchall()}
        assert ids == {kept["id"]}
        log = server.log()
        assert "unattached_photos=1 " in log
        assert "unfinished_uploads=1 " in log
        assert "Outside" not in log
    finally:
        server.stop()


def test_two_nodes_sweeping_one_database_remove_each_photo_once(tmp_path: Path) -> None:
    nodes = [
        LiveServer(
            tmp_path / name,
            db_path=tmp_path / "courtwire.db",
            media_dir=str(tmp_path / "media"),
            photo_unattached_hours="0.001",
            log_level="INFO",
        )
        for name in ("one", "two")
    ]
    for node in nodes:
        node.directory.mkdir()
        node.start()
    try:
        with Staff(nodes[0], nodes[0].staff("sweep-nodes", Role.EDITOR)) as desk:
            slug = desk.create_hearing("R v Nodes", status="live")["slug"]
            uploaded = {
                desk.client.post(
                    f"/api/hearings/{slug}/photos",
                    content=encode(noise(SEED + 10 + n, (200, 150)), "JPEG"),
                    headers={"Content-Type": "image/jpeg", "Idempotency-Key": new_id()},
                ).json()["photo"]["id"]
                for n in range(6)
            }

        def swept() -> int:
            counts = re.findall(r"unattached_photos=(\d+)", "".join(n.log() for n in nodes))
            return sum(int(count) for count in counts)

        wait_until(lambda: swept() >= len(uploaded), 60)
        assert swept() == len(uploaded)  # each photo claimed by one node's sweep
        # The files go after the claim's commit, in the photo pool of the node that swept.
        wait_until(
            lambda: not {path.parent.name for path in (tmp_path / "media").rglob("*.*")} & uploaded
        )
        assert all("sweep unattached_photos=" in node.log() for node in nodes)
    finally:
        for node in nodes:
            node.stop()


def test_the_last_piece_sent_twice_at_once_makes_one_photo(
    upload_server: LiveServer, slug: str, phone: Staff
) -> None:
    data = encode(noise(SEED + 20, (700, 500)), "JPEG", quality=95)
    key = new_id()
    rows, held = photo_rows(upload_server), held_uploads(upload_server)
    offset = all_but_the_last_piece(phone, slug, key, data)
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: send(phone, slug, key, data, offset), range(2)))
    assert sorted(answer.status_code for answer in answers) == [200, 201], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert photo_rows(upload_server) == rows + 1
    assert held_uploads(upload_server) == held
