"""One node among several: what it tells the others through the broker, and what it
hears from them. Storage is shared; the broker only makes things fast, so each notice
has a fallback that needs no broker.

- Events: `Ordering` puts them in seq order and reads gaps and outages from the log.
- Tokens: a change that ends tokens (a revocation, a disabled account, a new password or
  role) makes every node look tokens up again at once; the accounts version in the
  database (`Accounts.watch`, every second) is the fallback.
- Delayed posts: every node keeps a timer for every delayed post, so one still goes out
  when the node that took it is gone; the release claims the post in its transaction,
  so it is published once (`Store.release`). Each node schedules the waiting posts on
  start too.
- Retired slugs: `Hub.retire` tells the others; `Ordering` notices a vanished slug too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from courtwire.hub.base import Broker
from courtwire.hub.ordering import Ordering
from courtwire.services import Services

TOKENS = "tokens"
DELAYED = "delayed"


class Cluster:
    def __init__(self, found: Services, broker: Broker) -> None:
        self.found = found
        accounts, store, delays = found.accounts, found.store, found.delays
        found.hub.ordering = ordering = Ordering(found.hub, broker, self._log, found.db.epoch)
        accounts.ended = lambda: broker.announce(TOKENS, "")
        broker.listen(TOKENS, lambda _: accounts.forget_all())
        schedule = store.on_delayed

        def delayed(entry_id: str, due: str) -> None:
            schedule(entry_id, due)
            broker.announce(DELAYED, json.dumps([entry_id, due]))

        store.on_delayed = delayed
        broker.listen(DELAYED, lambda data: delays.schedule(*json.loads(data)))
        self._watching = asyncio.get_running_loop().create_task(ordering.watch())

    async def _log(self, slug: str, after: int, limit: int) -> list[str]:
        hearing = await self.found.store.hearing(slug)
        return await self.found.store.events_after(hearing, after, limit)

    async def close(self) -> None:
        self._watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watching
        if self.found.shared_limits is not None:
            await self.found.shared_limits.close()
