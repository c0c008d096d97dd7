// The desk's Audit tab: the staff-only trail of who did what (GET /api/audit), as a table
// in the hearing's time zone, filtered by person and action, paged with `after`, and
// downloadable as JSON or CSV with the same filters. The records of no hearing (sign-ins,
// accounts) are reached with the "All records" scope. Every text goes in through
// textContent; before/after are shown as formatted JSON in <pre>.

import { ApiError, errorOf, get, getToken } from "../api.js";
import { courtDayTime } from "../courtdates.js";
import { element } from "../entryview.js";
import { phrase } from "../labels.js";

const PAGE = 50;
const DOWNLOAD_PAGE = 1000;
const KNOWN_ACTIONS = [
  "entry.posted", "entry.queued", "entry.released", "entry.discarded", "entry.revised", "entry.deleted",
  "entry.withheld", "event.redacted", "hearing.created", "hearing.updated", "restriction.added",
  "restriction.removed", "request.refused",
];

const $ = (id) => document.getElementById(id);

export class AuditView {
  constructor({ say }) {
    this.say = say;
    this.hearing = null;
    this.pages = [0]; // the `after` of each page seen, to go back
    this.records = [];
    this.more = false;
    this.actors = new Set();
    this.actions = new Set(KNOWN_ACTIONS);
    $("audit-filters").addEventListener("submit", (submit) => {
      submit.preventDefault();
      this.pages = [0];
      this.load();
    });
    $("audit-scope").addEventListener("change", () => {
      this.pages = [0];
      this.load();
    });
    $("audit-first").addEventListener("click", () => this.go([0]));
    $("audit-prev").addEventListener("click", () => this.go(this.pages.slice(0, -1)));
    $("audit-next").addEventListener("click", () => {
      const last = this.records[this.records.length - 1];
      if (last) this.go([...this.pages, last.seq]);
    });
    $("audit-json").addEventListener("click", (click) => this.download(click, "json"));
    $("audit-csv").addEventListener("click", (click) => this.download(click, "csv"));
  }

  /** Show the trail of `hearing` from its start (called when the tab is opened). */
  open(hearing) {
    const fresh = this.hearing?.slug !== hearing.slug;
    this.hearing = hearing;
    if (fresh) {
      $("audit-scope").value = "hearing";
      this.pages = [0];
    }
    this.load();
  }

  close() {
    this.hearing = null;
    this.records = [];
    $("audit-rows").replaceChildren();
  }

  /** The filters as query parameters (without paging). */
  filters() {
    const params = new URLSearchParams();
    if ($("audit-scope").value === "hearing" && this.hearing) params.set("hearing", this.hearing.slug);
    const actor = $("audit-actor").value.trim();
    const action = $("audit-action").value.trim();
    if (actor) params.set("actor", actor);
    if (action) params.set("action", action);
    return params;
  }

  go(pages) {
    this.pages = pages.length ? pages : [0];
    this.load();
  }

  async load() {
    if (!this.hearing) return;
    const params = this.filters();
    this.links(params);
    params.set("after", String(this.pages[this.pages.length - 1]));
    params.set("limit", String(PAGE + 1));
    const slug = this.hearing.slug;
    $("audit-state").textContent = phrase("audit.loading");
    let found;
    try {
      found = (await get(`/api/audit?${params}`)).records;
    } catch (error) {
      $("audit-state").textContent = error instanceof ApiError ? error.message : String(error);
      return;
    }
    if (this.hearing?.slug !== slug) return;
    this.more = found.length > PAGE;
    this.records = found.slice(0, PAGE);
    this.render();
  }

  links(params) {
    const query = params.toString() ? `?${params}` : "";
    $("audit-json").href = `/api/audit${query}`;
    $("audit-csv").href = `/api/audit.csv${query}`;
  }

  render() {
    const zone = this.hearing.timezone || "UTC";
    for (const record of this.records) {
      this.actors.add(record.actor);
      this.actions.add(record.action);
    }
    fillList($("audit-actors"), this.actors);
    fillList($("audit-actions"), this.actions);
    $("audit-rows").replaceChildren(...this.records.map((record) => this.row(record, zone)));
    const page = this.pages.length;
    $("audit-state").textContent = this.records.length
      ? phrase(this.more ? "audit.page_more" : "audit.page", { page, count: this.records.length, zone })
      : phrase(page > 1 ? "audit.no_more" : "audit.none");
    $("audit-caption").textContent = $("audit-scope").value === "hearing"
      ? phrase("audit.caption_hearing", { title: this.hearing.title, page })
      : phrase("audit.caption_all", { page });
    $("audit-prev").disabled = page <= 1;
    $("audit-first").disabled = page <= 1;
    $("audit-next").disabled = !this.more;
  }

  row(record, zone) {
    const tr = element("tr");
    tr.dataset.seq = String(record.seq);
    tr.dataset.action = record.action;
    const when = element("time", "", courtDayTime(record.at, zone));
    when.dateTime = record.at;
    const at = element("th", "at");
    at.scope = "row";
    at.append(when);
    const actor = element("td", "actor", record.actor);
    const target = element("td", "target", [record.hearing && !this.inHearing() ? record.hearing : "", record.target || ""].filter(Boolean).join(" · "));
    const details = element("td", "changes");
    if (record.before != null || record.after != null) {
      const box = element("details");
      box.append(element("summary", "", phrase("audit.before_after")));
      for (const [name, value] of [[phrase("audit.before"), record.before], [phrase("audit.after"), record.after]]) {
        if (value == null) continue;
        box.append(element("h4", "", name), element("pre", "", JSON.stringify(value, null, 2)));
      }
      details.append(box);
    }
    tr.append(at, actor, element("td", "action", record.action), target, element("td", "reason", record.reason || ""), details);
    return tr;
  }

  inHearing() {
    return $("audit-scope").value === "hearing";
  }

  /** The download links need the staff token: fetched here and saved from a blob. */
  async download(click, format) {
    click.preventDefault();
    const params = this.filters();
    try {
      let blob;
      if (format === "csv") {
        const response = await fetch(`/api/audit.csv?${params}`, {
          headers: { Authorization: `Bearer ${getToken()}` }, cache: "no-store",
        });
        if (!response.ok) throw new ApiError(response.status, await errorOf(response));
        blob = await response.blob();
      } else {
        const records = [];
        let after = 0;
        let last = 0;
        for (;;) {
          params.set("after", String(after));
          params.set("limit", String(DOWNLOAD_PAGE));
          const page = await get(`/api/audit?${params}`);
          records.push(...page.records);
          last = page.last_seq;
          if (page.records.length < DOWNLOAD_PAGE) break;
          after = page.records[page.records.length - 1].seq;
        }
        blob = new Blob([JSON.stringify({ records, last_seq: last }, null, 2)], { type: "application/json" });
      }
      const link = element("a");
      link.href = URL.createObjectURL(blob);
      link.download = `courtwire-audit.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    } catch (error) {
      this.say(phrase("audit.not_downloaded", { reason: error.message }), "error");
    }
  }
}

function fillList(list, values) {
  list.replaceChildren(...[...values].sort().map((value) => {
    const option = element("option");
    option.value = value;
    return option;
  }));
}
