"""The broker contract: how committed events travel from the writer to every process.

The default broker is in-process (`memory.py`): one process, nothing to tell anyone.
With several processes or machines on shared storage, `redis_broker.py` (Redis) or
`pg_broker.py` (PostgreSQL's LISTEN/NOTIFY) carries every event and notice to every node
(`remote.py`: what they share); local fan-out (`fanout.py`) stays as it is, and
`ordering.py` puts what arrives back in seq order, reading gaps from the log.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from courtwire.messages import Message

Receiver = Callable[[Message], None]
Listener = Callable[[str], None]
"""Called with a notice's data (text), on the event loop."""

UNCARRIED = "uncarried"
"""The notice of an event a broker could not carry (too large for it), with its data
`[hearing, seq]`: the event is committed, and whoever orders events reads it from the log."""


class Broker(ABC):
    def __init__(self) -> None:
        self.listeners: dict[str, Listener] = {}
        self.connections = 1
        """Bumped at every (re)connection: whoever missed messages while the broker was
        away reads them from the log when it moves."""

    @abstractmethod
    def start(self, receiver: Receiver) -> None:
        """Deliver every message published from now on to `receiver`, in publish order
        per node (messages of different nodes may arrive out of seq order)."""

    @abstractmethod
    def publish(self, message: Message) -> None:
        """Send a committed event; called in seq order per hearing. This node's
        `receiver` gets it at once."""

    @property
    def connected(self) -> bool:
        """False while messages may be missed (a broker that is down)."""
        return True

    def listen(self, topic: str, listener: Listener) -> None:
        """Call `listener` with the data of every notice on `topic` from another node."""
        self.listeners[topic] = listener

    def announce(self, topic: str, data: str) -> None:  # noqa: B027 - one process: no one to tell
        """Tell every other node (a revoked token, a retired slug, a delayed post); the
        announcing node has acted on it itself. Best effort: each notice has a slower
        fallback through the database."""

    async def close(self) -> None:  # noqa: B027 - backends without resources need nothing here
        """Release the broker's resources; idempotent."""
