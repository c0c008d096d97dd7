"""Reader connections per client address, so that one client cannot take every slot.

The address is the socket's peer, or, when the peer is a reverse proxy named in
COURTWIRE_FORWARDED_ALLOW_IPS, the last address its `X-Forwarded-For` adds (the one
the proxy itself saw). Reader sockets do not pass through the ASGI app, where uvicorn
would apply the same rule, so it is applied here.
"""

from __future__ import annotations

import ipaddress
import logging
from collections import Counter

logger = logging.getLogger(__name__)


class Addresses:
    def __init__(self, limit: int, trusted: str) -> None:
        self.limit = limit
        self._trusted = [
            ipaddress.ip_network(part.strip(), strict=False)
            for part in trusted.split(",")
            if part.strip()
        ]
        self._open: Counter[str] = Counter()
        self._warned: set[str] = set()

    def client(self, peer: str | None, forwarded_for: str | None) -> str:
        """Whose connection this is: the peer, or the client a trusted proxy names."""
        if peer is None:
            return "unknown"
        if forwarded_for and self._is_trusted(peer):
            named = forwarded_for.split(",")[-1].strip()
            if named:
                return named
        return peer

    def _is_trusted(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self._trusted)

    def admit(self, client: str) -> bool:
        """Count one more reader of `client`, unless it has `limit` open already."""
        if self._open[client] >= self.limit:
            if client not in self._warned:
                # Once per crowd: behind a proxy not named in the setting, every reader
                # comes from the proxy's address.
                self._warned.add(client)
                logger.warning(
                    "readers refused client=%s open=%d: over COURTWIRE_READERS_PER_ADDRESS"
                    " (behind a proxy? set COURTWIRE_FORWARDED_ALLOW_IPS)",
                    client,
                    self.limit,
                )
            return False
        self._open[client] += 1
        return True

    def leave(self, client: str) -> None:
        self._open[client] -= 1
        if self._open[client] <= 0:
            del self._open[client]
            self._warned.discard(client)
