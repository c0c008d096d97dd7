"""Random input against a real server: no query string makes a page answer 500, and no
sequence of WebSocket frames crashes a reader socket; each bad client is closed with the
code its first fault calls for, and the server goes on serving the others.

Seeded: the seed is printed, and `COURTWIRE_FUZZ_SEED` replays a run.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import string
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from websockets.frames import EXTERNAL_CLOSE_CODES

from courtwire.live import CLIENT_MESSAGES_PER_MINUTE
from tests.support import LiveServer, Staff
from tests.test_slow_clients import close_code, split_frames, upgrade


def valid_utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


SEED = int(os.environ.get("COURTWIRE_FUZZ_SEED") or 20200122)
print(f"fuzz seed {SEED} (COURTWIRE_FUZZ_SEED to replay)")
FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_SIZE = 64 * 1024
CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


@pytest.fixture(scope="module")
def covered(server: LiveServer, editor: Staff) -> dict[str, Any]:
    hearing = editor.create_hearing("R v Fuzzed", status="live", timezone="Asia/Almaty")
    assert editor.post(hearing["slug"], "A first update.").status_code == 201
    return hearing | {"log_from": len(server.log())}


# Pages

QUERY_PARTS = st.one_of(
    st.sampled_from(
        [
            "before",
            "after",
            "limit",
            "epoch",
            "=",
            "&",
            ";",
            "%FF",
            "%C2%B2",
            "²",
            "%00",
            "9" * 20,
            "-1",
            "0",
            "1.5",
            "+",
            "%",
            "%2",
            "[]",
            "before[]",
            "#",
            "?",
        ]
    ),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@seed(SEED)
@FUZZ
@given(
    parts=st.lists(QUERY_PARTS, max_size=12),
    page=st.sampled_from(["/", "/h/", "/report", "/desk"]),
)
def test_no_query_string_makes_a_page_answer_500(
    server: LiveServer, covered: dict[str, Any], parts: list[str], page: str
) -> None:
    path = f"/h/{covered['slug']}" if page == "/h/" else page
    # As sent: ASCII punctuation (stray `%` included) raw, anything else percent-encoded.
    query = quote("".join(parts), safe=string.punctuation.replace("#", ""))
    response = httpx.get(f"{server.url}{path}?{query}", timeout=30)
    assert response.status_code < 500, (query, response.text[:500])


# Reader sockets


@dataclass(frozen=True)
class Frame:
    opcode: int
    data: bytes | int
    """The payload, or its size for a large one (filled with `x`; keeps reprs short)."""
    fin: bool = True
    rsv: int = 0
    masked: bool = True

    @property
    def payload(self) -> bytes:
        return self.data if isinstance(self.data, bytes) else b"x" * self.data

    def __repr__(self) -> str:
        payload = self.payload if len(self.payload) <= 40 else self.payload[:20] + b"..."
        return (
            f"Frame({self.opcode:#x}, {payload!r} ({len(self.payload)} bytes), fin={self.fin},"
            f" rsv={self.rsv}, masked={self.masked})"
        )

    def encode(self) -> bytes:
        head = bytes([(0x80 if self.fin else 0) | self.rsv << 4 | self.opcode])
        length = len(self.payload)
        mask_bit = 0x80 if self.masked else 0
        if length < 126:
            head += bytes([mask_bit | length])
        elif length < 1 << 16:
            head += bytes([mask_bit | 126]) + struct.pack("!H", length)
        else:
            head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
        if not self.masked:
            return head + self.payload
        mask = secrets.token_bytes(4)
        masked = (
            int.from_bytes(self.payload, "big")
            ^ int.from_bytes((mask * (length // 4 + 1))[:length], "big")
        ).to_bytes(length, "big")
        return head + mask + masked


def expected_close(frames: list[Frame], *, message_faults: bool = True) -> int | None:
    """The close code the server answers `frames` with: its first fault's, the client's
    own for a close frame, or None if the reader may stay. Without `message_faults`, as
    if complete messages (their count, their UTF-8) were not checked."""
    current: int | None = None  # bytes of the fragmented message so far
    text = False
    message = b""
    messages = 0
    for frame in frames:
        if frame.opcode not in (CONT, TEXT, BINARY, CLOSE, PING, PONG) or not frame.masked:
            return 1002
        if len(frame.payload) > MAX_SIZE - (current or 0):
            return 1009
        if frame.rsv:
            return 1002
        if frame.opcode >= CLOSE and (len(frame.payload) > 125 or not frame.fin):
            return 1002
        if frame.opcode == CLOSE:
            if not frame.payload:
                return 1005 if current is None else 1002
            if len(frame.payload) == 1:
                return 1002
            if not valid_utf8(frame.payload[2:]):
                return 1007
            code = int.from_bytes(frame.payload[:2], "big")
            if not (code in EXTERNAL_CLOSE_CODES or 3000 <= code < 5000):
                return 1002
            return code if current is None else 1002  # a close inside a message is an error
        if frame.opcode == PING:
            messages += 1
            if message_faults and messages > CLIENT_MESSAGES_PER_MINUTE:
                return 1008
            continue
        if frame.opcode == PONG:
            continue
        if (frame.opcode == CONT) == (current is None):
            return 1002  # a continuation out of a message, or a new message inside one
        if frame.opcode != CONT:
            text, message, current = frame.opcode == TEXT, b"", 0
        message += frame.payload
        current = None if frame.fin else (current or 0) + len(frame.payload)
        if frame.fin and message_faults:
            if text and not valid_utf8(message):
                return 1007
            messages += 1
            if messages > CLIENT_MESSAGES_PER_MINUTE:
                return 1008
    return None


GOODBYE = Frame(CLOSE, struct.pack("!H", 1000))

PAYLOADS = st.one_of(
    st.binary(max_size=140),
    st.text(max_size=60).map(str.encode),
    st.sampled_from([b"\xff", b"ok \xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x03\xe8"]),
    st.sampled_from([MAX_SIZE, MAX_SIZE + 1, 126, MAX_SIZE // 2 + 1]),
    st.integers(0, 5000).map(lambda code: struct.pack("!H", code) + b"bye"),
)
FRAMES = st.tuples(
    st.sampled_from([CONT, TEXT, TEXT, BINARY, CLOSE, PING, PING, PONG, 0x3, 0xB]),
    PAYLOADS,
    st.sampled_from([True, True, True, False]),
    st.sampled_from([0, 0, 0, 0, 0, 4, 1]),
    st.sampled_from([True] * 9 + [False]),
).map(lambda fields: Frame(*fields))
FRAME_LISTS = st.one_of(
    st.lists(FRAMES, min_size=1, max_size=8),
    # A flood: more messages than a reader may send in a minute, then anything.
    st.tuples(st.sampled_from([TEXT, BINARY, PING]), st.lists(FRAMES, max_size=3)).map(
        lambda flood: [Frame(flood[0], b"hi")] * (CLIENT_MESSAGES_PER_MINUTE + 1) + flood[1]
    ),
)


def connect(server: LiveServer, slug: str) -> tuple[socket.socket, bytearray]:
    """A raw reader, past the handshake and its hello."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    buffer = upgrade(sock, slug, after=1)
    while not any(opcode == TEXT for opcode, _ in split_frames(buffer.copy())):
        chunk = sock.recv(65536)
        assert chunk, "closed before the hello"
        buffer += chunk
    split_frames(buffer)  # the hello
    return sock, buffer


def close_from_server(sock: socket.socket, buffer: bytearray, wait: float) -> int | None:
    """The code of the first close frame the server sends within `wait` seconds."""
    sock.settimeout(wait)
    while True:
        for opcode, payload in split_frames(buffer):
            if opcode == CLOSE:
                return close_code(payload)
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            return None
        if not chunk:
            return None
        buffer += chunk


@seed(SEED)
@FUZZ
@given(frames=FRAME_LISTS)
def test_random_frames_close_each_bad_reader_with_its_code_and_never_crash(
    server: LiveServer, covered: dict[str, Any], frames: list[Frame]
) -> None:
    # A reader still open at the end says goodbye, and the server echoes it. A fault of
    # a complete message (its count, its UTF-8) is found once the frames of a read are
    # parsed, and the parser answers a close or a malformed frame later in that read
    # at once: that code may come first. So the goodbye waits for the server's close.
    message_fault = expected_close(frames) in (1007, 1008)
    acceptable = {expected_close([*frames, GOODBYE])}
    if message_fault and (parsed_first := expected_close(frames, message_faults=False)):
        acceptable.add(parsed_first)
    sock, buffer = connect(server, covered["slug"])
    data = b"".join(frame.encode() for frame in frames)
    if not message_fault:
        data += GOODBYE.encode()

    def send() -> None:
        with contextlib.suppress(OSError):  # closed while sending: the close is read
            sock.sendall(data)

    # Sent from a thread while this one reads: the server's close frame is taken before
    # the reset that the rest of a large frame, sent after it closed, may bring.
    with sock, ThreadPoolExecutor(1) as pool:
        sending = pool.submit(send)
        code = close_from_server(sock, buffer, 10)
        with contextlib.suppress(OSError):  # unblocks a send still waiting
            sock.shutdown(socket.SHUT_RDWR)
        sending.result()
    assert code in acceptable, (code, frames)
    # The server goes on: a new reader gets its hello.
    other, _ = connect(server, covered["slug"])
    other.close()


def test_the_server_survived_the_fuzzing(server: LiveServer, covered: dict[str, Any]) -> None:
    assert httpx.get(f"{server.url}/healthz").status_code == 200
    log = server.log()[covered["log_from"] :]
    assert "Traceback" not in log
    assert "internal_error" not in log
