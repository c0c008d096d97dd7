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
from functools import partial

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
    "error.field": N_("%(message)s (field: %(field)s)"),
    "replay.pause": N_("Pause"),
    "replay.play": N_("Play"),
    "replay.loading": N_("Loading the event log…"),
    "replay.loaded": N_("The log as of %(time)s."),
    "replay.log_empty": N_("Nothing has happened in this hearing yet."),
    "replay.event_of": N_("Event %(count)s of %(total)s"),
    "replay.skipping": N_(
        "Idle stretches longer than a minute of court time are skipped at every speed."
    ),
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
    "desk.actions_for": N_("Actions for the %(update)s update"),
    "desk.done.pinned": N_("Pinned."),
    "desk.done.unpinned": N_("Unpinned."),
    "desk.done.keyed": N_("Marked as a key event."),
    "desk.done.unkeyed": N_("No longer a key event."),
    "desk.delete_note": N_(
        "“%(text)s” disappears from the reader page, the archive, replays and exports."
        " This cannot be undone."
    ),
    "desk.deleted": N_("Update deleted."),
    "desk.stale": N_(
        "This update changed while you were editing: saving shows you the newer version first."
    ),
    "desk.newer": N_("The newer version"),
    "desk.conflict": N_(
        "Someone saved this update while you were editing: it is at revision %(revision)s now."
        " Overwrite it with your version, or discard your edit."
    ),
    "desk.correction_published": N_("Correction published."),
    "desk.saved": N_("Update saved."),
    "desk.unknown_zone": N_("Unknown time zone %(zone)s."),
    "desk.hearing_created": N_("Hearing “%(title)s” created."),
    "desk.nothing_to_save": N_("Nothing to save."),
    "desk.hearing_saved": N_("Hearing saved."),
    "desk.reporting_held": N_(
        "%(title)s: reporting held. Updates wait in the queue until released."
    ),
    "desk.reporting_open": N_(
        "%(title)s: reporting open. What waits in the queue stays there until released."
    ),
    "desk.status_now": N_("%(title)s: %(status)s."),
    "desk.not_for_reporters": N_(
        "%(user)s is a reporter: the desk needs an editor or admin account."
    ),
    "desk.whoami": N_("%(user)s (%(role)s)"),
    "queue.goes_out": N_("Goes out by itself in %(clock)s."),
    "queue.why.held": N_("Reporting is held."),
    "queue.why.held_note": N_("Reporting is held: %(note)s."),
    "queue.why.review": N_("Needs an editor's approval before it is published."),
    "queue.why.delayed": N_("Published unless the reporter pulls it back."),
    "queue.actions_for": N_("Actions for the waiting %(update)s update"),
    "withheld.title": N_("Withheld by a reporting restriction (%(count)s)"),
    # The desk's Audit tab
    "audit.loading": N_("Loading…"),
    "audit.page": N_("Page %(page)s, records: %(count)s. Times in %(zone)s."),
    "audit.page_more": N_(
        "Page %(page)s, records: %(count)s; more on the next page. Times in %(zone)s."
    ),
    "audit.no_more": N_("No more records."),
    "audit.none": N_("No records match."),
    "audit.caption_hearing": N_("Audit trail of %(title)s, page %(page)s"),
    "audit.caption_all": N_("Audit trail, all records, page %(page)s"),
    "audit.before_after": N_("Before and after"),
    "audit.before": N_("Before"),
    "audit.after": N_("After"),
    "audit.not_downloaded": N_("Not downloaded: %(reason)s"),
    # The desk's People tab
    "staff.reporter": N_("Reporter"),
    "staff.editor": N_("Editor"),
    "staff.admin": N_("Admin"),
    "people.never": N_("never"),
    "people.you": N_("(you)"),
    "people.role_of": N_("Role of %(user)s"),
    "people.change_role": N_("Change role"),
    "people.change_role_of": N_("Change the role of %(user)s"),
    "people.disabled": N_("Disabled"),
    "people.active": N_("Active"),
    "people.last_seen": N_("last seen %(when)s"),
    "people.enable": N_("Enable"),
    "people.disable": N_("Disable"),
    "people.enable_user": N_("Enable %(user)s"),
    "people.disable_user": N_("Disable %(user)s"),
    "people.reset": N_("Reset password"),
    "people.reset_of": N_("Reset the password of %(user)s"),
    "people.revoke_tokens": N_("Revoke tokens"),
    "people.revoke_of": N_("Revoke every token of %(user)s"),
    "people.no_byline": N_("No byline"),
    "people.byline_of": N_("Byline of %(user)s (display name on public pages)"),
    "people.save_byline": N_("Save byline"),
    "people.save_byline_of": N_("Save the byline of %(user)s"),
    "people.signs_as": N_("%(user)s signs as “%(name)s”."),
    "people.byline_removed": N_("%(user)s has no byline now."),
    "people.disable_question": N_("Disable %(user)s?"),
    "people.disable_note": N_(
        "%(user)s is signed out on every phone and browser at once and cannot sign in until"
        " the account is enabled again. Their entries stay as they are."
    ),
    "people.enabled": N_("%(user)s enabled."),
    "people.role_now": N_("%(user)s is now %(role)s."),
    "people.reset_question": N_("Reset %(user)s's password?"),
    "people.reset_note": N_(
        "A new password is generated and shown here once; %(user)s is signed out everywhere"
        " and signs in with it."
    ),
    "people.new_password": N_("New password for"),
    "people.shown_once": N_("shown only this once:"),
    "people.password_reset": N_("%(user)s: password reset."),
    "people.revoke_question": N_("Revoke %(user)s's tokens?"),
    "people.revoke_note": N_(
        "%(user)s is signed out on every phone and browser at once and must sign in again."
    ),
    "people.revoke_self_note": N_(
        "%(user)s is signed out on every phone and browser at once and must sign in again."
        " That includes you, here."
    ),
    "people.revoke": N_("Revoke"),
    "people.account": N_("Account"),
    "people.account_created_password": N_("created. Its password, shown only this once:"),
    "people.account_created": N_("Account %(user)s (%(role)s) created."),
    "people.password_copied": N_("Password copied."),
    "people.copy_by_hand": N_("Copy it by hand: the clipboard is not available here."),
    # The reporter app
    "composer.time_hint": N_(
        "Stamped when you start typing, forgotten when you clear the text; change it if needed."
    ),
    "composer.time_hint_kept": N_(
        "The court time of the refused update, kept; change it if needed."
    ),
    "composer.empty": N_("Write the update first."),
    "composer.role_needed": N_("Pick the speaker's role as well."),
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
    "composer.too_long": N_("The text has %(count)s characters; at most %(limit)s."),
    "not_saved": N_("Not saved on this phone: %(reason)s"),
    "restricted.marked": N_(
        "Reporting restriction: %(words)s (characters %(start)s–%(end)s) cannot be published."
        " Remove or reword it."
    ),
    "problem.restricted": N_(
        "It names a term under a reporting restriction: characters %(start)s–%(end)s"
        " cannot be published."
    ),
    "problem.in": N_("%(problem)s (In %(where)s.)"),
    "field.body": N_("the text"),
    "field.speaker.name": N_("the speaker's name"),
    "field.speaker.role": N_("the speaker's role"),
    "field.speaker": N_("the speaker"),
    "field.occurred_at": N_("the court time"),
    "field.kind": N_("the kind"),
    "field.key": N_("key event"),
    "field.photo": N_("the photo"),
    "field.author": N_("your username"),
    "where.in": N_("in %(title)s"),
    "saved.revise.offline": N_(
        "Correction saved on this phone: it is sent when the network is back."
    ),
    "saved.revise.sending": N_("Correction saved on this phone; sending…"),
    "saved.delete.offline": N_(
        "Deletion saved on this phone: it is sent when the network is back."
    ),
    "saved.delete.sending": N_("Deletion saved on this phone; sending…"),
    "refused.post": N_("Not published: your update%(where)s “%(text)s” was refused."),
    "refused.revise": N_("Not published: your correction%(where)s of “%(text)s” was refused."),
    "refused.delete": N_("Not published: your deletion%(where)s of “%(text)s” was refused."),
    "conflict.banner": N_(
        "Not published: your correction%(where)s of “%(text)s” crossed a newer version of the"
        " update (revision %(revision)s). Compare the two and choose."
    ),
    "conflict.intro": N_(
        "You corrected revision %(revision)s of this update; it has been changed since and is"
        " at revision %(current)s now. Apply your correction on top of it, or drop yours and"
        " keep what is published."
    ),
    "conflict.applied": N_("Your correction is sent again, on top of the newer version."),
    "conflict.dropped": N_("Your correction is dropped; the update stays as published."),
    "edit.entry_title": N_("Correct your update"),
    "edit.entry_save": N_("Save correction"),
    "edit.outbox_title": N_("Edit and send again"),
    "edit.outbox_save": N_("Send again"),
    "edit.correction_title": N_("Fix your correction"),
    "edit.correction_save": N_("Send correction again"),
    "edit.empty": N_("The text cannot be empty."),
    "edit.unchanged": N_("Nothing has changed."),
    "mine.conflict": N_("Your correction crossed a newer version: compare them."),
    "mine.correction_refused": N_("Your correction was refused: see the outbox."),
    "mine.deletion_refused": N_("Your deletion was refused: see the outbox."),
    "mine.edit_at": N_("Edit the update at %(time)s"),
    "mine.delete_at": N_("Delete the update at %(time)s"),
    "mine.compare_at": N_("Compare your correction of the update at %(time)s"),
    "mine.delete_note": N_("“%(text)s” will disappear from the reader page and the record."),
    "mine.not_deleted": N_("Not deleted: %(reason)s"),
    "mine.deleted": N_("Deleted."),
    "photo.preparing": N_("Preparing the photo…"),
    "photo.still_preparing": N_("The photo is still being prepared: send it in a moment."),
    "photo.attached": N_("Photo attached (%(size)s)."),
    "photo.megabytes": N_("%(size)s MB"),
    "photo.kilobytes": N_("%(size)s kB"),
    "photo.alt_needed": N_("Describe the photo for readers who cannot see it."),
    "photo.outside_needed": N_("Confirm that the photo was not taken inside the courtroom."),
    "wait.undo_label": N_("Undo: pull back “%(text)s” before it is published"),
    "wait.not_pulled": N_("Not pulled back: %(reason)s"),
    "wait.not_pulled_offline": N_("No connection: it was not pulled back. Try again."),
    # The reporter app's outbox
    "outbox.waiting_list": N_("%(list)s waiting."),
    "outbox.blocked": N_("The outbox is held by an old version of this app in another tab."),
    "outbox.aborted": N_("The outbox write was aborted."),
    "outbox.unavailable": N_(
        "This browser cannot keep an outbox (%(reason)s). Updates cannot be saved offline."
    ),
    "note.no_connection": N_("No connection: will retry."),
    "note.uploading": N_("Uploading the photo: %(percent)s%%"),
    "note.photo_again": N_("No connection: the photo will be sent again."),
    "note.signed_out": N_("Waiting for you to sign in again."),
    "note.too_many": N_("Too many posts: will retry."),
    "note.server_trouble": N_("Server trouble (%(status)s): will retry."),
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

ERROR_WORDS = {
    "network_error": N_("The server could not be reached."),
    "internal_error": N_("Something went wrong on the server. Try again."),
    "bad_request": N_("The server could not read the request."),
    "malformed_json": N_("The server could not read the request."),
    "too_deep": N_("The request is nested too deeply."),
    "unauthorized": N_("Sign in first."),
    "no_token": N_("Sign in first."),
    "bad_token": N_("Your session has ended. Sign in again."),
    "token_expired": N_("Your session went unused for too long. Sign in again."),
    "bad_credentials": N_("Wrong username or password."),
    "forbidden": N_("Your role may not do this; ask an admin."),
    "account_disabled": N_("This account is disabled."),
    "wrong_password": N_("The current password is wrong."),
    "not_found": N_("Not found."),
    "hearing_not_found": N_("No such hearing."),
    "entry_not_found": N_("No such update in this hearing."),
    "user_not_found": N_("No such account."),
    "restriction_not_found": N_("No such restriction on this hearing."),
    "method_not_allowed": N_("The server does not allow this action here."),
    "http_error": N_("The server refused the request."),
    "conflict": N_("This conflicts with a change made meanwhile."),
    "slug_taken": N_("Another hearing already has this address."),
    "username_taken": N_("Another account already has this username."),
    "id_conflict": N_("An update with the same id and other content exists."),
    "hearing_closed": N_("The hearing is closed."),
    "revision_conflict": N_("The update changed since you opened it."),
    "restriction_in_hearing": N_(
        "The hearing's own details name this term: change them in the same step."
    ),
    "entry_queued": N_("The update is waiting in the queue."),
    "entry_published": N_("The update is already published."),
    "entry_discarded": N_("The update was discarded."),
    "password_changed": N_("The password was changed meanwhile."),
    "photo_in_use": N_("This photo belongs to another update."),
    "media_unavailable": N_("Photos cannot be stored or shown just now. Try again shortly."),
    "upload_offset": N_("The photo's upload is out of step; it resumes from what the server has."),
    "upload_not_found": N_("This photo's upload is gone; choose the photo again."),
    "idempotency_conflict": N_("This upload key was already used for another photo."),
    "last_admin": N_("This would leave no enabled admin account."),
    "cannot_disable_self": N_("You cannot disable your own account."),
    "cannot_change_own_role": N_("You cannot change your own role."),
    "payload_too_large": N_("This is too large to send."),
    "unsupported_media_type": N_("The server does not take this type of file."),
    "invalid": N_("Check this entry: it is not valid."),
    "unknown_field": N_("The server does not take this field."),
    "no_changes": N_("Nothing to change."),
    "too_long": N_("The text is too long."),
    "old_password_required": N_("Enter your current password too."),
    "too_many_pixels": N_("The image has too many pixels."),
    "restricted_term": N_("It names a term under a reporting restriction: it cannot be published."),
    "rate_limited": N_("Too many requests: wait a moment and try again."),
    "server_full": N_("The server is full: try again shortly."),
}
"""A refusal of the API in staff's words, by its code (every code of
courtwire.exceptions.ERROR_CODES, and the scripts' own `network_error`): the JSON error
keeps its English `message` for API clients; the desk and the reporter app show this."""


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """A counted message's English forms, marked for the catalogs (Babel extracts
    `ngettext`); `page_words` translates them for each page."""
    return singular, plural


COUNTED: dict[str, tuple[str, str]] = {
    "new_updates": ngettext("%(count)s new update", "%(count)s new updates"),
    "new_updates_below": ngettext("%(count)s new update below", "%(count)s new updates below"),
    "new_updates_latest": ngettext(
        "%(count)s new update. Latest: %(latest)s", "%(count)s new updates. Latest: %(latest)s"
    ),
    "sessions": ngettext("%(count)s session", "%(count)s sessions"),
    "tokens_revoked": ngettext(
        "%(user)s: %(count)s token revoked.", "%(user)s: %(count)s tokens revoked."
    ),
    "disabled_revoked": ngettext(
        "%(user)s disabled; %(count)s token revoked.",
        "%(user)s disabled; %(count)s tokens revoked.",
    ),
    "withheld_now": ngettext(
        "%(count)s published update named a restricted term and was withheld from readers: "
        "correct or delete it under Withheld in Moderation.",
        "%(count)s published updates named a restricted term and were withheld from readers: "
        "correct or delete them under Withheld in Moderation.",
    ),
    "updates": ngettext("%(count)s update", "%(count)s updates"),
    "key_events": ngettext("%(count)s key", "%(count)s key"),
    "more_in_outbox": ngettext("%(count)s more in the outbox.", "%(count)s more in the outbox."),
    "more_refused": ngettext(
        "%(count)s more refused in the outbox.", "%(count)s more refused in the outbox."
    ),
    "still_waiting": ngettext(
        "%(count)s update is still waiting to be sent. It stays on this phone and is sent when "
        "you sign in again.",
        "%(count)s updates are still waiting to be sent. They stay on this phone and are sent "
        "when you sign in again.",
    ),
    "corrections": ngettext("%(count)s correction", "%(count)s corrections"),
    "deletions": ngettext("%(count)s deletion", "%(count)s deletions"),
    "at_server": ngettext(
        "%(count)s update is at the server, not published yet (held, delayed or in review).",
        "%(count)s updates are at the server, not published yet (held, delayed or in review).",
    ),
    "refused": ngettext(
        "%(count)s refused: edit it or discard it.", "%(count)s refused: edit them or discard them."
    ),
    "conflicts": ngettext(
        "%(count)s correction crossed a newer version: compare them.",
        "%(count)s corrections crossed newer versions: compare them.",
    ),
    "held": ngettext(
        "%(count)s draft held: it comes back after your next Send.",
        "%(count)s drafts held: they come back one by one after each Send.",
    ),
    "replay.skipped": ngettext(
        "Idle stretches longer than a minute of court time are skipped at every speed: %(count)s "
        "skipped, the longest %(longest)s.",
        "Idle stretches longer than a minute of court time are skipped at every speed: %(count)s "
        "skipped, the longest %(longest)s.",
    ),
    "duration.minutes": ngettext("%(count)s min", "%(count)s min"),
    "duration.hours": ngettext("%(count)s h", "%(count)s h"),
    "duration.days": ngettext("%(count)s day", "%(count)s days"),
    "older_loaded": ngettext(
        "%(count)s earlier update loaded.", "%(count)s earlier updates loaded."
    ),
}
"""Each counted message by its key: its forms in the language, by a count."""


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
        "errors": {code: said.gettext(message) for code, message in ERROR_WORDS.items()},
        "counted": {
            key: _counted(said, partial(said.ngettext, *forms)) for key, forms in COUNTED.items()
        },
    }
