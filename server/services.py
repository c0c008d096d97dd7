"""What the endpoints share while the app runs: storage, hub, accounts, limits."""

from __future__ import annotations

from dataclasses import dataclass

from courtwire.audit import AuditTrail
from courtwire.auth import Accounts
from courtwire.db import Database
from courtwire.delays import Delays
from courtwire.exports import Exports
from courtwire.hub.fanout import Hub
from courtwire.limits import (
    LocalPostLimit,
    LocalSignInThrottle,
    PostLimit,
    SharedLimits,
    SignInThrottle,
    shared_limits,
)
from courtwire.media import open_media
from courtwire.photos import Photos
from courtwire.settings import Settings
from courtwire.store import Store
from courtwire.sweep import Sweep
from courtwire.uploads import Uploads


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
    post_limit: PostLimit
    login_throttle: SignInThrottle
    shared_limits: SharedLimits | None
    """Set when the limits are the cluster's (a broker URL): closed with the app."""
    photos: Photos
    uploads: Uploads
    sweep: Sweep

    @classmethod
    def build(cls, settings: Settings, store: Store, hub: Hub) -> Services:
        """Everything around `store`, which the app has wired to `hub`."""
        shared = None
        if settings.broker_url:
            shared = shared_limits(
                settings.broker_url, store.db.epoch, settings.post_limit, settings.login_limit
            )
        photos = Photos(
            store.db,
            open_media(settings),
            max_pixels=settings.photo_pixels,
            workers=settings.photo_workers,
        )
        store.on_photos_removed = photos.remove_files
        return cls(
            settings=settings,
            db=store.db,
            hub=hub,
            store=store,
            delays=Delays(store),
            exports=Exports(store, embed=photos.variant_bytes),
            accounts=Accounts(store.db, settings.token_days),
            audit=AuditTrail(store.db),
            post_limit=shared or LocalPostLimit(settings.post_limit),
            login_throttle=shared or LocalSignInThrottle(settings.login_limit),
            shared_limits=shared,
            photos=photos,
            uploads=Uploads(store.db, photos, max_bytes=settings.photo_bytes),
            sweep=Sweep(store.db, photos, hours=settings.photo_unattached_hours),
        )
