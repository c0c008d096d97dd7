"""Reading entries back: what a page of entries, the hearing page and a post cost the server.

In process, no sockets: the real endpoint functions (`courtwire.api.list_entries`,
`courtwire.pages.hearing_page`) called with a request on a fresh SQLite file holding one
hearing of `--entries` quotes with named speakers (some key, some pinned, some corrected),
and `Store.post_entry` for a post (to a second hearing). Each figure is the median of `--runs`
runs of the mean CPU time (the process's, all threads) of `--number` calls, runs of the cases
interleaved so that a busy machine weighs on each alike. Also the store's read alone and the
JSON of a page alone.

    .venv/bin/python -m bench.entries --runs 9 --number 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from courtwire import api, pages
from courtwire.app import create_app
from courtwire.entries import Draft, EntryChanges, Speaker
from courtwire.hearings import parse_new_hearing
from courtwire.model import EntryKind, Role, SpeakerRole
from courtwire.records import Actor
from courtwire.services import Services
from courtwire.settings import Settings

SLUG = "r-v-bench"
POSTS = "r-v-posts"
QUOTE = (
    "The witness said she saw the defendant leave the building shortly after nine, carrying"
    " a dark holdall, and that she had **no doubt** about the time because the church bell"
    " had just rung; asked by the defence whether the street lights were on, she said they"
    " were, and that she could see his face clearly from across the road at about twenty"
    " metres. See [the indictment](https://example.org/doc)."
)


def request(app: Starlette, path: str, query: str = "") -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "server": ("127.0.0.1", 8000),
            "path": path,
            "root_path": "",
            "query_string": query.encode(),
            "headers": [(b"host", b"127.0.0.1:8000")],
            "path_params": {"slug": SLUG},
            "app": app,
        }
    )


async def fill(found: Services, count: int) -> Actor:
    """The hearing read, and a second one that the timed posts go to."""
    editor = await found.accounts.add_user("desk", "correct horse battery", Role.EDITOR)
    for slug in (SLUG, POSTS):
        hearing = {
            "title": "R v Bench",
            "slug": slug,
            "timezone": "Europe/London",
            "status": "live",
            "cast": [{"role": "judge", "name": "Mrs Justice Hale"}],
        }
        await found.store.create_hearing(parse_new_hearing(hearing), editor)
    for n in range(count):
        draft = Draft(
            str(uuid.uuid4()),
            EntryKind.QUOTE,
            f"{n}: {QUOTE}",
            Speaker(SpeakerRole.WITNESS, f"Witness {n % 7}"),
            None,
            key=n % 10 == 0,
            pinned=n == count // 2,
        )
        await found.store.post_entry(SLUG, draft, editor)
        if n % 9 == 0:
            changes = EntryChanges(body=f"{n}: corrected. {QUOTE}", correction="The time was nine.")
            await found.store.revise_entry(SLUG, draft.id, changes, editor)
    return editor


async def timed(call: Callable[[], Awaitable[Any]], number: int) -> float:
    """Mean CPU seconds of the whole process (the database thread too) per call over
    `number` calls: on a shared machine, wall time mostly measures the wait for a core."""
    start = time.process_time()
    for _ in range(number):
        await call()
    return (time.process_time() - start) / number


async def check(app: Starlette, page: Request, reader_page: Request, size: int) -> None:
    """The timed calls answer as they should: a bench of an error page measures nothing."""
    answer = await api.list_entries(page)
    assert answer.status_code == 200
    assert len(json.loads(bytes(answer.body))["entries"]) == size
    html = await pages.hearing_page(reader_page)
    assert html.status_code == 200
    assert bytes(html.body).count(b'<article class="entry') >= size


async def measure(args: argparse.Namespace) -> dict[str, list[float]]:
    """Each case's CPU seconds per call, one figure per run."""
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(db_path=Path(directory) / "bench.db", load_demo=False)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            found: Services = app.state.services
            editor = await fill(found, args.entries)
            hearing = await found.store.hearing(SLUG)
            page = request(app, f"/api/hearings/{SLUG}/entries", f"limit={args.page}")
            reader_page = request(app, f"/h/{SLUG}")
            entries, _ = await found.store.entries(hearing, limit=args.page)
            await check(app, page, reader_page, args.page)

            async def store_read() -> Any:
                return await found.store.entries(hearing, limit=args.page)

            async def encode_page() -> bytes | memoryview:
                return JSONResponse({"entries": [entry.to_json() for entry in entries]}).body

            async def post() -> Any:
                draft = Draft(
                    str(uuid.uuid4()), EntryKind.QUOTE, QUOTE, None, None, key=False, pinned=False
                )
                return await found.store.post_entry(POSTS, draft, editor)

            cases: dict[str, Callable[[], Awaitable[Any]]] = {
                f"API page of {args.page} (read + encode)": lambda: api.list_entries(page),
                f"store read of {args.page}": store_read,
                f"JSON of {args.page} read entries": encode_page,
                "hearing page": lambda: pages.hearing_page(reader_page),
            }
            results: dict[str, list[float]] = {name: [] for name in [*cases, "post"]}
            for _ in range(args.runs):
                for name, call in cases.items():
                    results[name].append(await timed(call, args.number))
                results["post"].append(await timed(post, args.number))
    return results


def main(args: argparse.Namespace) -> None:
    results = asyncio.run(measure(args))
    print(f"CPU per call: median of {args.runs} runs of the mean of {args.number} calls")
    for name, runs in results.items():
        low, high = min(runs) * 1e3, max(runs) * 1e3
        print(f"{name}: {statistics.median(runs) * 1e3:.3f} ms ({low:.3f}-{high:.3f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=150)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--number", type=int, default=50)
    main(parser.parse_args())
