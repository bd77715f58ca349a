/**
 * Weekly duty rosters in an agent's own time zone.
 *
 * A rule such as { days: ['mon', 'tue'], start: '22:00', end: '06:00' } describes one shift per
 * listed day. The day is the day the shift starts: an end at or before the start means the shift
 * runs past midnight into the next day (Monday 22:00 to Tuesday 06:00). '24:00' ends at midnight.
 *
 * Shifts are read on the wall clock of the zone, and daylight-saving changes are resolved so that a
 * shift never flickers:
 * - a shift begins the first moment the local clock shows its start time (or later) on its day, so a
 *   start inside a skipped hour (02:30 on a spring-forward night) begins when the clock jumps (03:00);
 * - it ends the first moment after that the clock shows its end time (or later) on its end day, so an
 *   end inside a repeated hour (01:30 on a fall-back night) comes at the first 01:30, and a shift
 *   spanning the repeated hour lasts one real hour longer, as the people working it experience.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface RosterRule {
  days: Weekday[];
  /** Local start time, HH:MM from 00:00 to 23:59. */
  start: string;
  /** Local end time, HH:MM from 00:00 to 24:00; at or before start means the next day. */
  end: string;
}

export interface Roster {
  /** IANA time zone the rules are read in, e.g. "Asia/Tokyo". */
  timeZone: string;
  rules: RosterRule[];
}

export const START_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
export const END_TIME = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** True if the runtime knows the IANA zone (checked by Intl, as the roster is evaluated by Intl). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical spelling ("asia/tokyo" -> "Asia/Tokyo"), so stored rosters read the same everywhere. */
export function canonicalTimeZone(timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time at an instant, as if it were UTC (ms since epoch, seconds precision). */
function wallClock(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall + (at % 1000 + 1000) % 1000;
}

/**
 * The first instant at which the zone's clock shows `wall` or later (`wall` is a local date-time
 * written as if it were UTC). Zone offsets change at most once within a day on either side.
 */
export function firstInstantAtOrAfter(wall: number, timeZone: string): number {
  const before = wallClock(wall - DAY, timeZone) - (wall - DAY);
  const after = wallClock(wall + DAY, timeZone) - (wall + DAY);
  const exact = [wall - before, wall - after].filter((t) => wallClock(t, timeZone) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // The local time was skipped: the answer is the moment the clock jumped past it.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The shift a rule makes on the local day starting at `dayStart` (wall ms), as real instants. */
function shiftOn(rule: RosterRule, dayStart: number, timeZone: string): { from: number; to: number } {
  const start = minutesOf(rule.start);
  const end = minutesOf(rule.end);
  const endDay = end <= start ? dayStart + DAY : dayStart;
  return {
    from: firstInstantAtOrAfter(dayStart + start * MINUTE, timeZone),
    to: firstInstantAtOrAfter(endDay + end * MINUTE, timeZone),
  };
}

/** True if one of the roster's shifts covers the instant. */
export function isOnRoster(roster: Roster, at: number): boolean {
  const wall = wallClock(at, roster.timeZone);
  const today = wall - (((wall % DAY) + DAY) % DAY);
  // A shift lasts at most a day, so only shifts that started today or yesterday can cover `at`.
  for (const dayStart of [today - DAY, today]) {
    const weekday = WEEKDAYS[new Date(dayStart).getUTCDay()]!;
    for (const rule of roster.rules) {
      if (!rule.days.includes(weekday)) continue;
      const { from, to } = shiftOn(rule, dayStart, roster.timeZone);
      if (from <= at && at < to) return true;
    }
  }
  return false;
}

/** Days in week order starting Monday, the order people write rosters in. */
const WEEK_FROM_MONDAY: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Parses "mon-fri" or "mon,wed,sat" (ranges may wrap: "fri-mon") into days. */
function parseDays(text: string): Weekday[] | null {
  const days: Weekday[] = [];
  for (const part of text.toLowerCase().split(',')) {
    const [from, to] = part.split('-').map((d) => d.trim().slice(0, 3)) as [string, string | undefined];
    const a = WEEK_FROM_MONDAY.indexOf(from as Weekday);
    const b = to === undefined ? a : WEEK_FROM_MONDAY.indexOf(to as Weekday);
    if (a < 0 || b < 0) return null;
    for (let i = a; ; i = (i + 1) % 7) {
      days.push(WEEK_FROM_MONDAY[i]!);
      if (i === b) break;
    }
  }
  return [...new Set(days)];
}

/**
 * Reads rules written one per line, "mon-fri 09:00-17:00" or "fri,sat 22:00-06:00", as the console's
 * roster form takes them. Returns the rules, or the 1-based number of the first line it cannot read.
 */
export function parseRosterLines(text: string): { rules: RosterRule[] } | { badLine: number } {
  const rules: RosterRule[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const m = /^([a-z,\- ]+?)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/i.exec(trimmed);
    const days = m ? parseDays(m[1]!) : null;
    if (!m || !days || !START_TIME.test(m[2]!) || !END_TIME.test(m[3]!) || m[2] === m[3]) return { badLine: i + 1 };
    rules.push({ days, start: m[2]!, end: m[3]! });
  }
  return { rules };
}

/** Writes a rule the way parseRosterLines reads it, with runs of days shortened: "mon-fri 09:00-17:00". */
export function formatRosterRule(rule: RosterRule): string {
  const present = WEEK_FROM_MONDAY.map((d) => rule.days.includes(d));
  const runs: string[] = [];
  for (let i = 0; i < 7; i++) {
    if (!present[i]) continue;
    let j = i;
    while (j + 1 < 7 && present[j + 1]) j++;
    runs.push(j - i >= 2 ? `${WEEK_FROM_MONDAY[i]}-${WEEK_FROM_MONDAY[j]}` : WEEK_FROM_MONDAY.slice(i, j + 1).join(','));
    i = j;
  }
  return `${runs.join(',')} ${rule.start}-${rule.end}`;
}
