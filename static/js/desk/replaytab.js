// The Replay tab: replay.js's player on the open hearing.

import { ReplayPlayer } from "../replay.js";
import { desk } from "./state.js";
import { $, say } from "./ui.js";

export function openReplay() {
  desk.replay ||= new ReplayPlayer($("#panel-replay"));
  desk.replayFor = desk.hearing.slug;
  desk.replay.open(desk.hearing).catch((error) => say(error.message, "error"));
}
