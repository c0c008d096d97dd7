"""create_app(settings): routes, middleware and lifespan; no logic of its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount

from courtwire import api, pages, photo_api, reach, sse
from courtwire.assets import STATIC_DIR, StaticAssets
from courtwire.cluster import Cluster
from courtwire.demo import load_if_empty
from courtwire.errors import handle_courtwire_error, handle_http_exception, handle_unexpected
from courtwire.exceptions import CourtwireError
from courtwire.headers import SecurityHeaders
from courtwire.hub.brokers import open_broker
from courtwire.hub.fanout import Hub
from courtwire.hub.memory import MemoryBroker
from courtwire.live import LIVE, Live, Readers
from courtwire.live.addresses import Addresses
from courtwire.live.freezer import Freezer
from courtwire.live.keepalive import Keepalive
from courtwire.live.readers import Count
from courtwire.openapi import document
from courtwire.services import Services
from courtwire.settings import Settings
from courtwire.storage import open_database
from courtwire.store import Store

API_ROUTES = [*api.routes, *photo_api.routes]
OPENAPI = document(API_ROUTES)
"""The OpenAPI document of the API routes, served at `GET /api/openapi.json`."""

logger = logging.getLogger(__name__)


def create_app(settings: Settings, *, count: Count | None = None) -> Starlette:
    """The app; `count`, when given, is bumped on the reader path (courtwire.benchstats)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        async with open_database(settings) as db:
            broker = (
                open_broker(settings.broker_url, db.epoch)
                if settings.broker_url
                else MemoryBroker()
            )
            hub = Hub(broker, keep=settings.recent_events, buffer_limit=settings.reader_buffer)
            store = Store(db, publish=hub.publish, retire=hub.retire)
            found = Services.build(settings, store, hub)
            if found.shared_limits is not None:
                await found.shared_limits.check()
            cluster = Cluster(found, broker) if settings.broker_url else None
            await load_if_empty(settings, found.store, found.accounts)
            await found.delays.start()
            app.state.services = found
            logger.info("serving db=%s epoch=%s", db.where, db.epoch)
            watching = asyncio.create_task(found.accounts.watch())
            sweeping = asyncio.create_task(found.sweep.run())
            loop = asyncio.get_running_loop()
            keepalive = Keepalive(loop, settings.ping_interval, settings.ping_timeout)
            freezer = Freezer(loop)
            addresses = Addresses(settings.readers_per_address, settings.forwarded_allow_ips)
            live = Live(
                Readers(found, count), keepalive, freezer, settings.reader_buffer, addresses
            )
            try:
                yield {LIVE: live}
            finally:
                keepalive.close()
                freezer.close()
                await found.delays.close()
                for task in (watching, sweeping):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                found.photos.close()
                if cluster is not None:
                    await cluster.close()
                await hub.close()

    app = Starlette(
        routes=[
            *API_ROUTES,
            *pages.routes,
            *reach.routes,
            *sse.routes,
            # Links are followed inside the directory (the editable install's files are
            # links to static/); a path still cannot leave it.
            Mount(
                "/static",
                StaticAssets(directory=STATIC_DIR, follow_symlink=True),
                name="static",
            ),
        ],
        middleware=[Middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)],
        exception_handlers={
            CourtwireError: handle_courtwire_error,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
        lifespan=lifespan,
    )
    app.state.openapi = OPENAPI
    return app
