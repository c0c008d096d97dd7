"""The broker COURTWIRE_BROKER_URL names: Redis, or PostgreSQL's LISTEN/NOTIFY. Each is
imported only when chosen, so a deployment never loads the other's client."""

from __future__ import annotations

import logging

from courtwire.hub.base import Broker
from courtwire.settings import POSTGRESQL_SCHEMES

logger = logging.getLogger(__name__)


def on_postgresql(url: str) -> bool:
    return url.startswith(POSTGRESQL_SCHEMES)


def open_broker(url: str, namespace: str) -> Broker:
    """The broker at `url`; `namespace` (the database's epoch) keeps deployments apart."""
    if on_postgresql(url):
        from courtwire.hub.pg_broker import PgBroker

        return PgBroker(url, namespace)
    from courtwire.hub.redis_broker import RedisBroker

    return RedisBroker(url, namespace)


async def announce_once(url: str, namespace: str, topic: str, data: str) -> None:
    """Tell every node, from a process that is not one (the `courtwire` command); best
    effort: each notice has a slower fallback through the database."""
    if on_postgresql(url):
        from courtwire.hub import pg_broker as transport
    else:
        from courtwire.hub import redis_broker as transport  # type: ignore[no-redef]
    try:
        await transport.announce_once(url, namespace, topic, data)
    except transport.ERRORS as error:
        logger.warning("servers not told at once: %s", error)
