"""The broker contract: how committed events travel from the writer to every process.

The default broker is in-process (`memory.py`). A deployment with many processes would
add a backend for a real broker (Redis pub/sub, say) behind this same contract, with
storage all nodes share; local fan-out (`fanout.py`) stays as it is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from courtwire.messages import Message

Receiver = Callable[[Message], None]


class Broker(ABC):
    @abstractmethod
    def start(self, receiver: Receiver) -> None:
        """Deliver every message published from now on to `receiver`, in publish order."""

    @abstractmethod
    def publish(self, message: Message) -> None:
        """Send a committed event; called in seq order per hearing."""

    def close(self) -> None:  # noqa: B027 - backends without resources need nothing here
        """Release the broker's resources; idempotent."""
