"""What the endpoints share while the app runs: storage, hub, accounts, limits."""

from __future__ import annotations

from dataclasses import dataclass

from server.audit import AuditTrail
from server.auth import Accounts
from server.db import Database
from server.delays import Delays
from server.exports import Exports
from server.hub.fanout import Hub
from server.ratelimit import RateLimit
from server.settings import Settings
from server.store import Store
from server.throttle import LoginThrottle


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
    def build(cls, settings: Settings, db: Database, hub: Hub) -> Services:
        store = Store(db, hub)
        return cls(
            settings=settings,
            db=db,
            hub=hub,
            store=store,
            delays=Delays(store),
            exports=Exports(store),
            accounts=Accounts(db, settings.token_days),
            audit=AuditTrail(db),
            post_limit=RateLimit(settings.post_limit, 60.0, "Too many posts; slow down."),
            login_throttle=LoginThrottle(settings.login_limit),
        )
