"""What the endpoints share while the app runs: storage, hub, accounts, limits."""

from __future__ import annotations

from dataclasses import dataclass

from server.audit import AuditTrail
from server.auth import Accounts
from server.db import Database
from server.delays import Delays
from server.hub.fanout import Hub
from server.ratelimit import RateLimit
from server.settings import Settings
from server.store import Store


@dataclass
class Services:
    settings: Settings
    db: Database
    hub: Hub
    store: Store
    accounts: Accounts
    audit: AuditTrail
    delays: Delays
    post_limit: RateLimit
    login_failures_by_user: RateLimit
    login_failures_by_address: RateLimit

    @classmethod
    def build(cls, settings: Settings, db: Database, hub: Hub) -> Services:
        message = "Too many failed logins; wait before trying again."
        store = Store(db, hub)
        return cls(
            settings=settings,
            db=db,
            hub=hub,
            store=store,
            delays=Delays(store),
            accounts=Accounts(db),
            audit=AuditTrail(db),
            post_limit=RateLimit(settings.post_limit, 60.0, "Too many posts; slow down."),
            login_failures_by_user=RateLimit(settings.login_limit, 900.0, message),
            login_failures_by_address=RateLimit(settings.login_limit * 5, 900.0, message),
        )
