// What the server gives the reporter app with the page (#report-config, from its own
// tables): the labels of entry kinds, hearing statuses and speaker roles, and the limits
// it sets on a text (body), a speaker's name and a correction note, in characters.

import { labelsFrom } from "../labels.js";

const config = JSON.parse(document.getElementById("report-config").textContent);

export const LIMITS = config.limits;
export const { kindText, roleText, speakerText, statusText } = labelsFrom(config);
