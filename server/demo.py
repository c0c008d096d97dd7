"""Loads the demo hearing on first start, through the same store calls as live posts."""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import datetime, timedelta

from courtwire.auth import Accounts
from courtwire.demo_script import HEARING, REPORTERS, STEPS, Post, Revise, Status
from courtwire.entries import Draft, EntryChanges, Speaker, parse_changes
from courtwire.hearings import parse_new_hearing
from courtwire.model import HearingStatus, Role
from courtwire.records import Actor
from courtwire.settings import Settings
from courtwire.store import Store

logger = logging.getLogger(__name__)

DESK = "news-desk"
# Fixed ids: the demo's entries are the same in every database, so links to them hold.
NAMESPACE = uuid.UUID("6f0c5a7e-3b8e-4c55-9a55-2e8f4cb0d1a4")


def entry_id(ref: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ref))


DEMO_ACTOR = "@demo"
"""The audit trail's actor for the demo's accounts."""


async def _account(accounts: Accounts, username: str, role: Role) -> Actor:
    existing = await accounts.user(username)
    if existing is not None:
        return existing
    # Demo accounts get a random password nobody knows; `courtwire token` signs them in.
    return await accounts.add_user(username, secrets.token_urlsafe(24), role, by=DEMO_ACTOR)


async def load_if_empty(settings: Settings, store: Store, accounts: Accounts) -> None:
    """The demo hearing, when the database has no hearing (unless COURTWIRE_DEMO=0)."""
    if settings.load_demo and await store.count_hearings() == 0:
        await load_demo(store, accounts)


async def load_demo(store: Store, accounts: Accounts) -> None:
    """Create the demo hearing and replay its steps with their historical times."""
    authors = {name: await _account(accounts, name, Role.REPORTER) for name in REPORTERS}
    desk = await _account(accounts, DESK, Role.EDITOR)
    fields = parse_new_hearing(dict(HEARING) | {"status": HearingStatus.SCHEDULED.value})
    first = datetime.fromisoformat(STEPS[0].at)
    hearing = await store.create_hearing(fields, at=first - timedelta(days=1))
    for step in STEPS:
        at = datetime.fromisoformat(step.at)
        if isinstance(step, Status):
            await store.update_hearing(hearing.slug, {"status": step.status.value}, at=at)
        elif isinstance(step, Post):
            speaker = Speaker(*step.speaker) if step.speaker else None
            draft = Draft(
                entry_id(step.ref), step.kind, step.body, speaker, step.at, step.key, False
            )
            await store.post_entry(hearing.slug, draft, authors[step.author], at=at)
            if step.pinned:
                changes = EntryChanges(pinned=True)
                pinned_at = at + timedelta(minutes=1)
                await store.revise_entry(hearing.slug, draft.id, changes, desk, at=pinned_at)
        elif isinstance(step, Revise):
            changes = parse_changes(dict(step.changes))
            await store.revise_entry(
                hearing.slug, entry_id(step.ref), changes, authors[step.author], at=at
            )
    logger.info("demo hearing loaded slug=%s steps=%d", hearing.slug, len(STEPS))
