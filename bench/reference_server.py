"""The reference: the same fan-out done with the websockets library's own fast path.

`websockets.asyncio.server.serve` holds the readers (compression off, 64 KiB frames,
the same 20 s pings as Courtwire) and every update goes out with
`websockets.asyncio.server.broadcast()`: one encoded message written to every open
connection without awaiting. Updates arrive as `POST /api/hearings/{slug}/entries` on a
second port (a few lines of raw HTTP: the websockets server speaks only GET) and become
an event shaped and sized like Courtwire's (entry with `body` and rendered `html`).
There is no storage: this measures fan-out alone. Readers get the same `hello`, and
`after=N` resumes from memory, so the same swarm drives both servers.

    python -m bench.reference_server --port 9001 --publish-port 9002
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, broadcast, serve

from courtwire import benchstats
from courtwire.model import EntryKind
from courtwire.records import Entry

EPOCH = "reference"


class Hearing:
    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.events: list[str] = []
        self.readers: set[ServerConnection] = set()


hearings: dict[str, Hearing] = {}


def hearing(slug: str) -> Hearing:
    found = hearings.get(slug)
    if found is None:
        found = hearings[slug] = Hearing(slug)
    return found


def encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def reader(connection: ServerConnection) -> None:
    assert connection.request is not None
    url = urlsplit(connection.request.path)
    slug = url.path.rsplit("/", 1)[-1]
    after = int(parse_qs(url.query).get("after", ["0"])[0])
    found = hearing(slug)
    last_seq = len(found.events)
    await connection.send(
        encode({"type": "hello", "hearing": slug, "last_seq": last_seq, "epoch": EPOCH})
    )
    # No await between sending the backlog and joining: nothing falls in between.
    for text in found.events[after:]:
        connection.protocol.send_text(text.encode())
    connection.send_data()
    found.readers.add(connection)
    try:
        await connection.wait_closed()
    finally:
        found.readers.discard(connection)


def publish(slug: str, post: dict[str, Any]) -> int:
    found = hearing(slug)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    seq = len(found.events) + 1
    body = str(post.get("body", ""))
    entry = Entry.posted(
        post.get("id") or str(uuid.uuid4()),
        EntryKind(post.get("kind", "note")),
        body,
        "<p>" + html.escape(body) + "</p>",
        at=now,
        author="reporter",
    )
    data = entry.to_json()
    event = {"seq": seq, "type": "entry.published", "at": now, "hearing": slug, "data": data}
    text = encode(event)
    found.events.append(text)
    broadcast(found.readers, text)
    return seq


async def publisher(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Keep-alive HTTP/1.1, POST with Content-Length only; enough for bench/publisher.py."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            parts = target.strip("/").split("/")
            if method == "POST" and len(parts) == 4 and parts[3] == "entries":
                seq = publish(parts[2], json.loads(body))
                status, answer = "201 Created", encode({"seq": seq})
            elif method == "POST" and target == "/api/hearings":
                slug = json.loads(body).get("slug") or f"h-{len(hearings) + 1}"
                hearing(slug)
                status, answer = "201 Created", encode({"slug": slug, "last_seq": 0})
            else:
                status, answer = "404 Not Found", encode({"error": {"code": "not_found"}})
            data = answer.encode()
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(host: str, port: int, publish_port: int) -> None:
    benchstats.install()
    async with serve(
        reader,
        host,
        port,
        compression=None,
        max_size=64 * 1024,
        ping_interval=20,
        ping_timeout=20,
        backlog=2048,
    ):
        api = await asyncio.start_server(publisher, host, publish_port)
        async with api:
            await asyncio.Future()


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--publish-port", type=int, required=True)
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="uvloop")
    args = parser.parse_args()
    if args.loop == "uvloop":
        import uvloop

        uvloop.run(main(args.host, args.port, args.publish_port))
    else:
        asyncio.run(main(args.host, args.port, args.publish_port))


if __name__ == "__main__":
    run()
