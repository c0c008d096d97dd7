"""What the endpoints share while the app runs: storage, hub, accounts, limits."""

from __future__ import annotations

from dataclasses import dataclass

from courtwire.audit import AuditTrail
from courtwire.auth import Accounts
from courtwire.db import Database
from courtwire.delays import Delays
from courtwire.exports import Exports
from courtwire.hub.fanout import Hub
from courtwire.ratelimit import RateLimit
from courtwire.settings import Settings
from courtwire.store import Store
from courtwire.throttle import LoginThrottle


@dataclass
class Services:
    settings: Settings
    db: Database
    hub: Hub
    store: Store
    accounts: Accounts
    audit: AuditTrail
    delays: Delays
    exports: Exports
    post_limit: RateLimit
    login_throttle: LoginThrottle

    @classmethod
    def build(cls, settings: Settings, store: Store, hub: Hub) -> Services:
        """Everything around `store`, which the app has wired to `hub`."""
        return cls(
            settings=settings,
            db=store.db,
            hub=hub,
            store=store,
            delays=Delays(store),
            exports=Exports(store),
            accounts=Accounts(store.db, settings.token_days),
            audit=AuditTrail(store.db),
            post_limit=RateLimit(settings.post_limit, 60.0, "Too many posts; slow down."),
            login_throttle=LoginThrottle(settings.login_limit),
        )
