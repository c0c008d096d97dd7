// One hearing: opening it (header, details, export, moderation, queue) and closing it.

import { phrase } from "../labels.js";
import { get, seg } from "../api.js";
import { emptyState } from "../timeline.js";
import { buildDetailsForm } from "./forms.js";
import { showHearing } from "./header.js";
import { renderHearingList } from "./hearings.js";
import { startModeration } from "./moderation.js";
import { desk } from "./state.js";
import { $, say } from "./ui.js";

export async function openHearing(slug) {
  if (desk.slug === slug && desk.hearing) return;
  closeHearing();
  desk.slug = slug;
  $("#workspace-empty").hidden = true;
  $("#create-view").hidden = true;
  let hearing;
  try {
    hearing = await get(`/api/hearings/${seg(slug)}`);
  } catch (error) {
    desk.slug = null;
    $("#workspace-empty").hidden = false;
    say(error.message, "error");
    return;
  }
  if (desk.slug !== slug) return;
  desk.hearing = hearing;
  $("#hearing-view").hidden = false;
  showHearing();
  buildDetailsForm();
  for (const [id, suffix] of [["#export-json", "json"], ["#export-md", "md"], ["#export-html", "html"]]) {
    $(id).href = `/api/hearings/${seg(slug)}/export.${suffix}`;
  }
  showEmbedCode(slug);
  startModeration(slug);
  desk.queue.open(hearing);
  renderHearingList();
}

/** The embed snippet: the iframe of the server's oEmbed answer for the hearing's page. */
async function showEmbedCode(slug) {
  const code = $("#embed-code");
  const copied = $("#embed-copied");
  code.value = "";
  copied.textContent = "";
  const params = new URLSearchParams({ url: `${location.origin}/h/${seg(slug)}`, format: "json" });
  try {
    const response = await fetch(`/oembed?${params}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (desk.slug === slug) code.value = (await response.json()).html;
  } catch {
    copied.textContent = phrase("embed.failed");
  }
  $("#embed-copy").onclick = async () => {
    try {
      await navigator.clipboard.writeText(code.value);
      copied.textContent = phrase("embed.copied");
    } catch {
      code.select();
      copied.textContent = phrase("embed.selected");
    }
  };
}

export function closeHearing() {
  desk.feed?.stop();
  desk.feed = null;
  desk.replay?.close();
  desk.replayFor = null;
  desk.slug = null;
  desk.hearing = null;
  desk.state = emptyState();
  desk.editing.clear();
  desk.queue?.close();
  desk.audit?.close();
  $("#mod-entries").replaceChildren();
  $("#hearing-view").hidden = true;
}
