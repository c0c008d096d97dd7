"""The words the pages' scripts show, sent with every page in its language (#page-words).

The scripts write what they build (a live update, a status, a count) in the words the
server gives them here, translated from the same catalogs as the page; dates they write
with the browser's `Intl` in the page's `locale`. A message's `%(name)s` places are filled
in by the script (static/js/labels.js); a counted message comes as one form per plural
category of the language (CLDR's, as `Intl.PluralRules` selects them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from courtwire.i18n import Unit, Words
from courtwire.model import KIND_LABELS, N_, ROLE_LABELS, STATUS_LABELS
from courtwire.types import JSONObject

SCRIPT_WORDS = {
    # The reader page
    "status_news.scheduled": N_("The hearing is scheduled."),
    "status_news.live": N_("The hearing is live."),
    "status_news.recess": N_("The court is in recess."),
    "status_news.adjourned": N_("The hearing is adjourned."),
    "status_news.closed": N_("The hearing is closed."),
    "connection.connecting": N_("Connecting…"),
    "connection.live": N_("Live updates on"),
    "connection.reconnecting": N_("Reconnecting…"),
    "connection.offline": N_("Offline — will catch up"),
    "connection.compatible": N_("Live (compatibility mode)"),
    "connection.up_to_date": N_("Up to date"),
    "reporting_paused": N_("Reporting is paused by the court."),
    "just_now": N_("just now"),
    "starts": N_("starts"),
    "page_title": N_("%(title)s: live coverage · Courtwire"),
    "loading_older": N_("Loading earlier updates…"),
    "older_failed": N_("Could not load earlier updates. Try again."),
    # An entry, wherever a script draws one
    "key_event": N_("Key event"),
    "link_to_update": N_("Link to this update"),
    "pinned": N_("Pinned"),
    "correction": N_("Correction:"),
    "byline": N_("by %(author)s"),
    "revision": N_("revision %(revision)s"),
    "by": N_("by"),
    "show_earlier_versions": N_("Show earlier versions"),
    "revisions.loading": N_("Loading earlier versions…"),
    "revisions.none": N_("No earlier version differs in its text."),
    "revisions.failed": N_("Could not load earlier versions. Close and open to try again."),
    "revisions.shown_from": N_("Shown from"),
    "revisions.withdrawn": N_("withdrawn: this version is no longer shown."),
    # The desk
    "action.go_live": N_("Go live"),
    "action.adjourn": N_("Adjourn"),
    "action.close": N_("Close"),
    "action.recess": N_("Recess"),
    "action.resume": N_("Resume"),
    "action.reopen": N_("Reopen"),
    "desk.reader_page": N_("Reader page"),
    "aliases.suggest": N_(
        "Also restrict the usual short forms? Each may also match someone else: "
        "add only those that fit."
    ),
    "aliases.add": N_("Add “%(form)s”"),
    "cast.role": N_("Role"),
    "cast.name": N_("Name as readers see it"),
    "cast.remove": N_("Remove"),
    "cast.remove_person": N_("Remove %(name)s"),
    "cast.this_person": N_("this person"),
    "action.resume_reporting": N_("Resume reporting"),
    "action.hold_reporting": N_("Hold reporting"),
    "action.close_note": N_(
        "Reporters can no longer post to a closed hearing."
        " Editors can still correct it and reopen it."
    ),
    "action.reopen_note": N_("Reporters can post again and readers see the hearing as live."),
    "action.confirm": N_("%(action)s “%(title)s”?"),
    "desk.edit": N_("Edit"),
    "desk.unpin": N_("Unpin"),
    "desk.pin": N_("Pin"),
    "desk.delete": N_("Delete"),
    "desk.delete_question": N_("Delete this update?"),
    "desk.no_speaker": N_("No speaker"),
    "desk.save": N_("Save"),
    "desk.cancel": N_("Cancel"),
    "desk.text": N_("Text"),
    "desk.text_hint": N_("Markdown: **bold**, *italic*, links, lists, > quotes."),
    "desk.kind": N_("Kind"),
    "desk.speaker": N_("Speaker"),
    "desk.speaker_name": N_("Speaker's name"),
    "desk.court_time": N_("Court time (%(zone)s)"),
    "desk.correction_note": N_("Correction note"),
    "desk.correction_hint": N_(
        "Shown to readers as a correction; leave empty for a silent fix of a typo."
    ),
    "desk.overwrite": N_("Overwrite with mine"),
    "desk.discard_edit": N_("Discard my edit"),
    "desk.feed_live": N_("Live: updates appear as they are posted"),
    "desk.create_hearing": N_("Create hearing"),
    "desk.save_changes": N_("Save changes"),
    "desk.no_hearings": N_("No hearings yet."),
    "desk.correct": N_("Correct"),
    "replay.pause": N_("Pause"),
    "replay.play": N_("Play"),
    "replay.loading": N_("Loading the event log…"),
    "queue.title": N_("Waiting to be published (%(count)s)"),
    "queue.release": N_("Release"),
    "queue.not_released": N_("Not released: %(message)s"),
    "queue.released": N_("Released: readers see it now."),
    "queue.stopped": N_(
        "Released %(released)s of %(total)s, in court order."
        " Stopped at the update of %(at)s: %(reason)s"
    ),
    "queue.all_released": N_("Released all %(released)s, in court order."),
    "queue.discard_question": N_("Discard this waiting update?"),
    "queue.discard_note": N_(
        "“%(text)s” is never published. Its text stays only in the audit trail."
    ),
    "queue.discarded": N_("Discarded: it will never be published."),
    "withheld.why": N_("It named a term that was restricted after it went out."),
    "embed.failed": N_("The embed code could not be loaded."),
    "embed.copied": N_("Copied."),
    "embed.selected": N_("Selected: copy it with your keyboard."),
    # The reporter app
    "composer.time_hint": N_(
        "Stamped when you start typing, forgotten when you clear the text; change it if needed."
    ),
    "composer.time_hint_kept": N_(
        "The court time of the refused update, kept; change it if needed."
    ),
    "composer.empty": N_("Write the update first."),
    "composer.role_needed": N_("Pick the speaker's role as well."),
    "composer.too_long": N_("The text has %(length)s characters; at most %(limit)s."),
    "composer.time_needed": N_("Enter the court time as hours and minutes."),
    "session.missing": N_("Enter your username and password."),
    "session.signing_in": N_("Signing in…"),
    "session.wrong": N_("Wrong username or password."),
    "session.sign_in": N_("Sign in"),
    "session.sign_out_question": N_("Sign out?"),
    "session.sign_out": N_("Sign out"),
    "session.signed_out": N_("You are signed out."),
    "session.ended": N_("Your session has ended. Sign in again."),
    "session.again": N_("Sign in again: your waiting updates are kept."),
    "hearing.closed": N_(
        "This hearing is closed: the server refuses new updates until an editor reopens it."
    ),
    "hearing.scheduled": N_("This hearing has not started: what you send is published at once."),
    "hearing.held": N_(
        "Reporting is held: %(note)s. What you send waits until an editor releases it."
    ),
    "hearing.paused": N_("paused by the court"),
    "hearing.delay": N_("Updates go out %(delay)s s after you send them; until then you can undo."),
    "hearing.review": N_("Updates of these kinds wait for an editor's approval: %(kinds)s."),
    "net.offline": N_("Offline: updates wait on this phone"),
    "net.online": N_("Online"),
    "hearing.list_offline": N_(
        "Offline: this is the list as it was when you last had a connection."
    ),
    "wait.review_note": N_("In review — an editor publishes it or discards it."),
    "wait.delayed_note": N_("Delayed — published unless you undo it, in"),
    "wait.at_server": N_("At the server, not published yet."),
    "wait.pulled": N_("Pulled back: it will not be published."),
    "wait.too_late": N_("Too late to undo: it is published."),
    "wait.held_note": N_("Held — reporting paused: %(note)s"),
    "wait.held_paused": N_("Held — reporting paused"),
    "net.none": N_("No connection. Try again when the network is back."),
    "mine.none": N_("You have not published anything in this hearing yet."),
    "mine.offline": N_("Offline: your updates are shown as last loaded."),
    "mine.deletion_waiting": N_("Deletion waiting to be sent."),
    "mine.correction_waiting": N_("Correction waiting to be sent."),
    "discard.correction": N_("Discard this correction?"),
    "discard.correction_note": N_("It was never applied: the update stays as published."),
    "discard.deletion": N_("Discard this deletion?"),
    "discard.deletion_note": N_("The update stays published."),
    "discard.update": N_("Discard this update?"),
    "discard.update_note": N_("It was never published; it will be gone from this phone."),
    "discard.button": N_("Discard"),
    "compare": N_("Compare"),
    "refused.discard": N_("Discard it"),
    "refused.edit": N_("Edit it"),
    # The reporter app's outbox
    "outbox.waiting": N_("Waiting"),
    "outbox.sending": N_("Sending…"),
    "outbox.published": N_("Published"),
    "outbox.since_corrected": N_("Published, since corrected"),
    "outbox.since_deleted": N_("Published, since deleted"),
    "outbox.since_withheld": N_("Published, since withheld"),
    "outbox.refused": N_("Refused"),
    "outbox.held": N_("Held draft"),
    "outbox.conflict": N_("Conflict"),
    "outbox.pulled": N_("Pulled back"),
    "outbox.discarded": N_("Discarded by an editor"),
    "wait.held": N_("Held"),
    "wait.delayed": N_("Delayed"),
    "wait.review": N_("In review"),
    "wait.unpublished": N_("Not published yet"),
    "op.revise": N_("Correction"),
    "op.delete": N_("Deletion"),
    "outbox.offline": N_("Offline: waiting updates are sent when the network is back."),
    "outbox.signed_out": N_("Signed out: sign in again to send what is waiting."),
    "outbox.retrying": N_("Could not reach the server; trying again in %(seconds)s s."),
    "outbox.all_sent": N_("Everything is sent."),
    "outbox.nothing": N_("Nothing waiting."),
}
"""Each script message by the key the scripts use, in the catalogs' source language."""


def _counted(said: Words, form: Callable[[int], str]) -> dict[str, str]:
    """A counted message's form for each plural category of the language: gettext's form
    for a count CLDR puts in that category."""
    return {category: form(count) for category, count in _plural_samples(said).items()}


RELATIVE_UNITS: dict[Unit, int] = {
    "year": 365 * 86400,
    "month": 30 * 86400,
    "week": 7 * 86400,
    "day": 86400,
    "hour": 3600,
    "minute": 60,
}
"""The units of "how long ago", in seconds, as Babel and static/js/courtdates.js count them."""


def relative_time(said: Words, value: str, at: datetime) -> str:
    """How long before `at` `value` is ("5 minutes ago"), worded as
    static/js/courtdates.js words it from the patterns of `_dates`: the server writes it
    in the first paint, so that the script filling it in moves nothing."""
    seconds = (datetime.fromisoformat(value) - at).total_seconds()
    for unit, length in RELATIVE_UNITS.items():
        if abs(seconds) >= length:
            count = int(abs(seconds) // length)
            sign = -1 if seconds < 0 else 1
            return said.relative(unit, sign * length, count).replace("{0}", str(count))
    return said.gettext("just now")


def _dates(said: Words) -> JSONObject:
    """What static/js/courtdates.js writes dates with: CLDR's, for a browser whose own
    locale data may lack the language."""
    months = said.locale.months["format"]["abbreviated"]
    days = said.locale.days["format"]["abbreviated"]  # Monday is 0
    relative: JSONObject = {}
    for unit, seconds in RELATIVE_UNITS.items():
        relative[unit] = {
            direction: {
                category: said.relative(unit, sign * seconds, count)
                for category, count in _plural_samples(said).items()
            }
            for direction, sign in (("past", -1), ("future", 1))
        }
    return {
        "date_time": said.date_time_pattern,
        "day": said.pattern("yMMMEd"),
        "day_time": said.pattern("yMMMEd", "HH:mm:ss"),
        "months": [months[number] for number in range(1, 13)],
        "weekdays": [days[(number + 6) % 7] for number in range(7)],  # Sunday first, as in JS
        "relative": relative,
    }


def _plural_samples(said: Words) -> dict[str, int]:
    """A count of each plural category of the language (CLDR's), the smallest above 1
    where there is one (a "1" in a message may be a word, not the count)."""
    samples: dict[str, int] = {}
    for number in [*range(2, 200), 1]:
        samples.setdefault(str(said.locale.plural_form(number)), number)
    return samples


def page_words(said: Words) -> JSONObject:
    """Everything the scripts of a page in `said`'s language need to write in it."""
    return {
        "lang": said.language.value,
        "locale": said.browser_locale,
        "kinds": {kind: said.kind(kind) for kind in KIND_LABELS},
        "statuses": {status: said.status(status) for status in STATUS_LABELS},
        "roles": {role: said.role(role) for role in ROLE_LABELS},
        "dates": _dates(said),
        "words": {key: said.gettext(message) for key, message in SCRIPT_WORDS.items()},
        "counted": {
            "new_updates": _counted(
                said, lambda c: said.ngettext("%(count)s new update", "%(count)s new updates", c)
            ),
            "new_updates_below": _counted(
                said,
                lambda c: said.ngettext(
                    "%(count)s new update below", "%(count)s new updates below", c
                ),
            ),
            "new_updates_latest": _counted(
                said,
                lambda c: said.ngettext(
                    "%(count)s new update. Latest: %(latest)s",
                    "%(count)s new updates. Latest: %(latest)s",
                    c,
                ),
            ),
            "older_loaded": _counted(
                said,
                lambda c: said.ngettext(
                    "%(count)s earlier update loaded.", "%(count)s earlier updates loaded.", c
                ),
            ),
        },
    }
