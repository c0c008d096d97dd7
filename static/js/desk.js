// The editor desk: hearings (create, edit, status), live moderation of a hearing's
// entries, people (accounts, revoking tokens), replay and export.
//
// Everything goes through the staff API (api.js) with the token kept in localStorage;
// the moderation list is the hearing's event log folded by timeline.js, fed by the same
// resuming WebSocket the reader page uses (live.js). DOM text goes in through
// textContent; only entry.html, sanitized by the server, goes in as HTML.
//
// This is the entry point the page loads; the desk's parts are modules under desk/.

import { AuditView } from "./desk/audit.js";
import { setupTimezones } from "./desk/forms.js";
import { toggleHold } from "./desk/header.js";
import { setupPeople } from "./desk/people.js";
import { QueuePanel } from "./desk/queue.js";
import { openReplay } from "./desk/replaytab.js";
import { route } from "./desk/router.js";
import { start } from "./desk/signin.js";
import { desk } from "./desk/state.js";
import { setupTabs } from "./desk/tabs.js";
import { $, confirmAction, say } from "./desk/ui.js";

desk.queue = new QueuePanel({ confirm: confirmAction, say });
desk.audit = new AuditView({ say });
$("#hold-toggle").addEventListener("click", toggleHold);
setupTabs();
setupPeople();
setupTimezones();
$("#replay-reload").addEventListener("click", () => desk.hearing && openReplay());
window.addEventListener("hashchange", () => route().catch((error) => say(error.message, "error")));
start().catch((error) => say(error.message, "error"));
