"""Keeps long-lived readers out of the garbage collector's full collections.

A full collection walks every tracked object, ~25 per reader: at 10k readers a pause of
100-300 ms, and it comes whenever the objects promoted since the last one pass a quarter
of the old generation - during a fan-out as likely as not. So, soon (0.1 s) after
`FREEZE_EVERY` readers have joined the live set, a full collection clears the garbage of
their handshakes (cheap: it walks only what is not frozen yet, a few thousand objects)
and `gc.freeze()` (a list splice) moves what survived into the permanent generation,
which collections skip.

A frozen object is never collected, only freed by reference counting. A reader's
connection holds one reference cycle that websockets' sans-I/O protocol keeps by design
(its frame parser is a generator of its own), so a frozen reader that leaves is garbage
the collector would never see. `left()` counts them, and once they are a quarter of the
frozen readers (Python's own rule for full collections) and at least `FREEZE_EVERY`,
the next freeze is preceded by `gc.unfreeze()`: one full collection, paid when readers
leave, not while they arrive and listen (docs/benchmarks.md, "Garbage collection").

One `Freezer` per app, made in its lifespan. `gc.freeze()` is process-wide; two apps in
one process only make it run more often.
"""

from __future__ import annotations

import asyncio
import gc

FREEZE_EVERY = 100
"""Readers joined between two freezes."""


class Freezer:
    def __init__(
        self, loop: asyncio.AbstractEventLoop, every: int = FREEZE_EVERY, delay: float = 0.1
    ) -> None:
        self.loop = loop
        self.every = every
        self.delay = delay
        self.pending = 0
        self.frozen = 0
        self.departed = 0
        self.freezes = 0
        self._timer: asyncio.TimerHandle | None = None

    def joined(self) -> int:
        """A reader joined the live set and will stay a while: freeze it soon. The
        number to give `left()` when it goes."""
        self.pending += 1
        if self.pending >= self.every:
            self._schedule()
        return self.freezes

    def left(self, joined: int) -> None:
        """A reader is gone; if it was frozen, it is garbage only a thaw collects."""
        if joined == self.freezes:  # not frozen yet
            self.pending = max(0, self.pending - 1)
            return
        self.departed += 1
        if self.departed >= max(self.every, self.frozen // 4):
            self._schedule()

    def _schedule(self) -> None:
        if self._timer is None:
            self._timer = self.loop.call_later(self.delay, self.freeze)

    def freeze(self) -> None:
        self._timer = None
        if self.departed >= max(self.every, self.frozen // 4):
            gc.unfreeze()
            self.frozen -= self.departed
            self.departed = 0
        gc.collect()
        gc.freeze()
        self.freezes += 1
        self.frozen += self.pending
        self.pending = 0

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
