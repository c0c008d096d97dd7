// Folding a hearing's events into its state: the browser's mirror of server/timeline.py.
//
// Pure functions, no DOM and no network, so the desk's moderation list and the replay
// player show exactly what the server's fold (and so the reader page) would show.
// `applyEvent` is the only place that knows what each event type does to the state:
//   entry.published / entry.revised  -> the entry as it stood after the change
//   entry.deleted, entry.withheld, or any tombstone -> the entry is gone
//                                       ({"id", "deleted": true} or {"id", "withheld": true})
//   hearing.updated                   -> the hearing's public fields
// Types this code does not know change nothing but still advance `lastSeq`.

/** Idle stretches of the log longer than this (court-time ms) are skipped by the player. */
export const IDLE_GAP_MS = 60_000;

/** A new, empty state: no hearing fields, no entries, nothing applied. */
export function emptyState() {
  return { hearing: {}, entries: new Map(), lastSeq: 0 };
}

/** Apply one event to `state` in place (like Timeline.apply); returns the state. */
export function applyEvent(state, event) {
  state.lastSeq = event.seq;
  const data = event.data || {};
  if (event.type === "hearing.updated") {
    state.hearing = { ...data };
  } else if (event.type === "entry.deleted" || event.type === "entry.withheld"
      || data.deleted || data.withheld) {
    state.entries.delete(data.id);
  } else if (event.type === "entry.published" || event.type === "entry.revised") {
    // Map.set keeps an existing key's place: publication order, as in the Python dict.
    state.entries.set(data.id, { ...data });
  }
  return state;
}

/** Milliseconds since the epoch of an RFC 3339 time. */
export function instant(value) {
  return new Date(value).getTime();
}

/**
 * The state after every event, or after those at or before `until` (ms since the epoch),
 * like server/timeline.py's `replay`. Events must be in seq order; `events` is not changed.
 */
export function fold(events, until = null) {
  const state = emptyState();
  for (const event of events) {
    if (until !== null && instant(event.at) > until) break;
    applyEvent(state, event);
  }
  return state;
}

function courtOrder(a, b) {
  return instant(a.occurred_at) - instant(b.occurred_at)
    || instant(a.published_at) - instant(b.published_at);
}

/** Entries as readers see them: newest court time first (ties: newest published first). */
export function visible(state) {
  return [...state.entries.values()].sort(courtOrder).reverse();
}

/**
 * The player's clock. Replay runs on a "play line" in which every idle stretch of the log
 * longer than `idleGap` is cut down to `idleGap`: the cut is taken at the start of the
 * stretch, so the clock jumps to `idleGap` before the next event and plays that last part
 * at the chosen speed. `at` times that go backwards (a server clock step) count as equal.
 * Returns { start, end, length, idleGap, moments, marks }: moments[i] is the court instant
 * (ms since the epoch) of events[i], marks[i] its play-line position (ms from the start).
 */
export function playLine(events, idleGap = IDLE_GAP_MS) {
  const moments = [];
  const marks = [];
  let position = 0;
  for (const event of events) {
    const previous = moments.length ? moments[moments.length - 1] : null;
    const moment = previous === null ? instant(event.at) : Math.max(instant(event.at), previous);
    if (previous !== null) position += Math.min(moment - previous, idleGap);
    moments.push(moment);
    marks.push(position);
  }
  return {
    start: moments.length ? moments[0] : 0,
    end: moments.length ? moments[moments.length - 1] : 0,
    length: position,
    idleGap,
    moments,
    marks,
  };
}

/** How many events are at or before play-line `position`: the events the view shows. */
export function eventsUpTo(line, position) {
  let low = 0;
  let high = line.marks.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (line.marks[middle] <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The play-line position of the event `steps` events after `position` (before it when
 * `steps` is negative): the keyboard's way along the line, event by event rather than
 * second by second. Past the first or the last event: the line's start or end.
 */
export function stepEvents(line, position, steps) {
  if (steps > 0) {
    const index = eventsUpTo(line, position) + steps - 1;
    return index < line.marks.length ? line.marks[index] : line.length;
  }
  const index = line.marks.filter((mark) => mark < position).length + steps;
  return index >= 0 ? line.marks[index] : 0;
}

/** The court instant (ms since the epoch) at play-line `position` (ms). */
export function courtInstant(line, position) {
  const count = eventsUpTo(line, position);
  if (count === 0) return line.start;
  const here = line.moments[count - 1];
  if (count === line.moments.length) return here;
  const next = line.moments[count];
  const offset = position - line.marks[count - 1];
  if (offset <= 0) return here;
  // Within a cut stretch the skipped part comes first: the clock jumps at once.
  return next - here > line.idleGap ? next - (line.idleGap - offset) : here + offset;
}

/** The play-line position (ms) of a court instant: the inverse of courtInstant. */
export function linePosition(line, moment) {
  const { moments, marks } = line;
  if (!moments.length || moment <= line.start) return 0;
  for (let i = 1; i < moments.length; i += 1) {
    if (moment < moments[i]) {
      const gap = moments[i] - moments[i - 1];
      const offset = gap > line.idleGap
        ? Math.max(0, line.idleGap - (moments[i] - moment))
        : moment - moments[i - 1];
      return marks[i - 1] + offset;
    }
  }
  return line.length;
}

/** The idle stretches the play line cuts: [{ from, to }] in court instants (ms). */
export function skippedGaps(line) {
  const gaps = [];
  for (let i = 1; i < line.moments.length; i += 1) {
    if (line.moments[i] - line.moments[i - 1] > line.idleGap) {
      gaps.push({ from: line.moments[i - 1], to: line.moments[i] });
    }
  }
  return gaps;
}
