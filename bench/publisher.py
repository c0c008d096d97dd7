"""The publisher: real entries (~1 KB) posted through the real API with a reporter token.

Each body starts with `stamp=<time.time()>;`, taken just before the request is sent,
so every reader can compute the delivery latency; the rest is filler up to `size`
characters. The ack latency (until the 201, which Courtwire sends once the entry is
durably in SQLite) is measured per post.
"""

from __future__ import annotations

import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

FILLER = (
    "The witness said she saw the lorry at the checkpoint before dawn, and that the "
    "driver did not stop when the guard raised his hand. The judge asked the defence "
    "to keep its questions to the events of that night. "
)


def body(size: int) -> str:
    head = f"stamp={time.time():.6f}; "
    filler = FILLER * (size // len(FILLER) + 1)
    return head + filler[: max(0, size - len(head))]


@dataclass
class Publisher:
    base_url: str
    token: str | None
    size: int = 1000
    acks: list[float] = field(default_factory=list)
    failures: int = 0

    def __post_init__(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        # No Nagle: headers and body go as separate writes, and a delayed ACK would
        # otherwise add 40 ms to every post.
        nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        self.client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=30,
            transport=httpx.HTTPTransport(socket_options=nodelay),
            limits=httpx.Limits(max_connections=16),
        )

    def create_hearing(self, title: str, slug: str) -> str:
        response = self.client.post(
            "/api/hearings",
            json={"title": title, "slug": slug, "status": "live", "timezone": "UTC"},
        )
        response.raise_for_status()
        return str(response.json()["slug"])

    def post(self, slug: str) -> int:
        """One entry; its seq (0 when the post failed)."""
        payload = {"id": str(uuid.uuid4()), "kind": "note", "body": body(self.size)}
        started = time.perf_counter()
        response = self.client.post(f"/api/hearings/{slug}/entries", json=payload)
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            self.failures += 1
            return 0
        self.acks.append(elapsed)
        return int(response.json()["seq"])

    def paced(self, slugs: list[str], count: int, interval: float) -> None:
        """`count` rounds; each round posts once to every slug, spread over `interval` s.

        Open loop: each post leaves at its scheduled time whether or not the earlier
        ones were acknowledged (in a pool of threads), so a server that acks slowly is
        not offered fewer updates than one that acks fast."""
        step = interval / len(slugs)
        start = time.monotonic()
        tick = 0
        with ThreadPoolExecutor(max_workers=16) as pool:
            posts = []
            for _ in range(count):
                for slug in slugs:
                    delay = start + tick * step - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    posts.append(pool.submit(self.post, slug))
                    tick += 1
            for post in posts:
                post.result()

    def close(self) -> None:
        self.client.close()
