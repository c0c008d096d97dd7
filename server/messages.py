"""What the store hands on once a write has committed: the value that travels to readers.

The store is given plain callables (`Publish`, `Retire`) wired in `courtwire.app`, so
storage never depends on how messages reach readers (`courtwire.hub`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """One committed event for one hearing, as encoded once by the store."""

    hearing: str
    seq: int
    text: str
    entry_id: str | None = None
    rewritten: tuple[tuple[int, str], ...] = field(default=())
    """Earlier events replaced by tombstones in the same transaction: (seq, new text)."""


Publish = Callable[[Message], None]
"""Send a committed event on to its readers; called in seq order per hearing."""

Retire = Callable[[str, str], None]
"""(old slug, reset text): the hearing is gone under that slug; its readers get the reset."""
