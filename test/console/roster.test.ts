import { describe, expect, it } from 'vitest';
import {
  firstInstantAtOrAfter,
  formatRosterRule,
  isOnRoster,
  isValidTimeZone,
  parseRosterLines,
  type Roster,
} from '../../src/domain/roster.js';

const at = (iso: string) => Date.parse(iso);
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

describe('a roster read in the agent’s time zone', () => {
  const tokyo: Roster = { timeZone: 'Asia/Tokyo', rules: [{ days: [...weekdays], start: '09:00', end: '17:00' }] };

  it('puts a Tokyo agent on duty from 09:00 to 17:00 Tokyo time on weekdays only', () => {
    // Monday 2026-11-23 09:00 JST is 00:00 UTC.
    expect(isOnRoster(tokyo, at('2026-11-22T23:59:59Z'))).toBe(false);
    expect(isOnRoster(tokyo, at('2026-11-23T00:00:00Z'))).toBe(true);
    expect(isOnRoster(tokyo, at('2026-11-23T07:59:59Z'))).toBe(true);
    expect(isOnRoster(tokyo, at('2026-11-23T08:00:00Z'))).toBe(false);
    // Saturday 10:00 JST.
    expect(isOnRoster(tokyo, at('2026-11-28T01:00:00Z'))).toBe(false);
  });

  it('runs a shift that crosses midnight into the next day, counted on the day it starts', () => {
    const nights: Roster = { timeZone: 'Europe/London', rules: [{ days: ['fri'], start: '22:00', end: '06:00' }] };
    expect(isOnRoster(nights, at('2026-11-27T21:59:00Z'))).toBe(false); // Friday 21:59
    expect(isOnRoster(nights, at('2026-11-27T22:00:00Z'))).toBe(true);
    expect(isOnRoster(nights, at('2026-11-28T05:59:00Z'))).toBe(true); // Saturday 05:59
    expect(isOnRoster(nights, at('2026-11-28T06:00:00Z'))).toBe(false);
    expect(isOnRoster(nights, at('2026-11-28T23:00:00Z'))).toBe(false); // Saturday night is not Friday's shift
  });

  it('wraps a Sunday night shift into Monday', () => {
    const r: Roster = { timeZone: 'Asia/Tokyo', rules: [{ days: ['sun'], start: '23:00', end: '01:00' }] };
    expect(isOnRoster(r, at('2026-11-22T14:30:00Z'))).toBe(true); // Sunday 23:30 JST
    expect(isOnRoster(r, at('2026-11-22T15:30:00Z'))).toBe(true); // Monday 00:30 JST
    expect(isOnRoster(r, at('2026-11-22T16:00:00Z'))).toBe(false); // Monday 01:00 JST
  });

  it('ends a 24:00 shift at midnight', () => {
    const r: Roster = { timeZone: 'UTC', rules: [{ days: ['sat'], start: '18:00', end: '24:00' }] };
    expect(isOnRoster(r, at('2026-11-28T23:59:59Z'))).toBe(true);
    expect(isOnRoster(r, at('2026-11-29T00:00:00Z'))).toBe(false);
  });

  it('is never on duty with no rules', () => {
    expect(isOnRoster({ timeZone: 'UTC', rules: [] }, at('2026-11-23T12:00:00Z'))).toBe(false);
  });
});

describe('daylight-saving edges (America/New_York: 2026-03-08 02:00 -> 03:00, 2026-11-01 02:00 -> 01:00)', () => {
  const ny = (rules: Roster['rules']): Roster => ({ timeZone: 'America/New_York', rules });

  it('starts a shift whose start time is skipped when the clock jumps', () => {
    const r = ny([{ days: ['sun'], start: '02:30', end: '05:00' }]);
    expect(isOnRoster(r, at('2026-03-08T06:59:59Z'))).toBe(false); // 01:59:59 EST
    expect(isOnRoster(r, at('2026-03-08T07:00:00Z'))).toBe(true); // 03:00 EDT
    expect(isOnRoster(r, at('2026-03-08T08:59:59Z'))).toBe(true); // 04:59:59 EDT
    expect(isOnRoster(r, at('2026-03-08T09:00:00Z'))).toBe(false); // 05:00 EDT
  });

  it('makes a night shift over the spring-forward one real hour shorter', () => {
    const r = ny([{ days: ['sat'], start: '22:00', end: '06:00' }]);
    expect(isOnRoster(r, at('2026-03-08T03:00:00Z'))).toBe(true); // Saturday 22:00 EST
    expect(isOnRoster(r, at('2026-03-08T09:59:59Z'))).toBe(true); // Sunday 05:59:59 EDT
    expect(isOnRoster(r, at('2026-03-08T10:00:00Z'))).toBe(false); // 06:00 EDT: 7 real hours
  });

  it('makes a night shift over the fall-back one real hour longer', () => {
    const r = ny([{ days: ['sat'], start: '22:00', end: '06:00' }]);
    expect(isOnRoster(r, at('2026-11-01T02:00:00Z'))).toBe(true); // Saturday 22:00 EDT
    expect(isOnRoster(r, at('2026-11-01T10:59:59Z'))).toBe(true); // Sunday 05:59:59 EST
    expect(isOnRoster(r, at('2026-11-01T11:00:00Z'))).toBe(false); // 06:00 EST: 9 real hours
  });

  it('ends a shift at the first pass of a repeated time and does not restart in the second', () => {
    const r = ny([{ days: ['sat'], start: '22:00', end: '01:30' }]);
    expect(isOnRoster(r, at('2026-11-01T05:29:59Z'))).toBe(true); // 01:29:59 EDT
    expect(isOnRoster(r, at('2026-11-01T05:30:00Z'))).toBe(false); // 01:30 EDT
    expect(isOnRoster(r, at('2026-11-01T06:15:00Z'))).toBe(false); // 01:15 EST, the clock reads it again
  });

  it('starts a shift at the first pass of a repeated time and keeps it through the second', () => {
    const r = ny([{ days: ['sun'], start: '01:30', end: '03:00' }]);
    expect(isOnRoster(r, at('2026-11-01T05:29:59Z'))).toBe(false);
    expect(isOnRoster(r, at('2026-11-01T05:30:00Z'))).toBe(true); // 01:30 EDT
    expect(isOnRoster(r, at('2026-11-01T06:15:00Z'))).toBe(true); // 01:15 EST
    expect(isOnRoster(r, at('2026-11-01T08:00:00Z'))).toBe(false); // 03:00 EST
  });

  it('handles a half-hour change (Australia/Lord_Howe, 2026-10-04 02:00 -> 02:30)', () => {
    const r: Roster = { timeZone: 'Australia/Lord_Howe', rules: [{ days: ['sun'], start: '02:15', end: '04:00' }] };
    expect(isOnRoster(r, at('2026-10-03T15:29:59Z'))).toBe(false); // 01:59:59 +10:30
    expect(isOnRoster(r, at('2026-10-03T15:30:00Z'))).toBe(true); // 02:30 +11:00
    expect(firstInstantAtOrAfter(Date.UTC(2026, 9, 4, 2, 15), 'Australia/Lord_Howe')).toBe(at('2026-10-03T15:30:00Z'));
  });

  it('handles Europe/Berlin’s change on the last Sunday of March', () => {
    const r: Roster = { timeZone: 'Europe/Berlin', rules: [{ days: ['sun'], start: '00:00', end: '24:00' }] };
    expect(isOnRoster(r, at('2026-03-28T22:59:59Z'))).toBe(false); // Saturday 23:59:59 CET
    expect(isOnRoster(r, at('2026-03-28T23:00:00Z'))).toBe(true); // Sunday 00:00 CET
    expect(isOnRoster(r, at('2026-03-29T21:59:59Z'))).toBe(true); // Sunday 23:59:59 CEST: 23 real hours
    expect(isOnRoster(r, at('2026-03-29T22:00:00Z'))).toBe(false);
  });
});

describe('time zones and the written form of rules', () => {
  it('accepts zones Intl knows and nothing else', () => {
    expect(isValidTimeZone('Asia/Tokyo')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('+09:00 ; drop')).toBe(false);
  });

  it('reads and writes rules one per line, with day ranges that may wrap', () => {
    const parsed = parseRosterLines('mon-fri 09:00-17:00\n\n fri-mon 22:00 - 06:00 \nSat,Sun 10:00-14:00');
    expect(parsed).toEqual({
      rules: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
        { days: ['fri', 'sat', 'sun', 'mon'], start: '22:00', end: '06:00' },
        { days: ['sat', 'sun'], start: '10:00', end: '14:00' },
      ],
    });
    if (!('rules' in parsed)) throw new Error('not parsed');
    expect(parsed.rules.map(formatRosterRule)).toEqual(['mon-fri 09:00-17:00', 'mon,fri-sun 22:00-06:00', 'sat,sun 10:00-14:00']);
  });

  it('names the first line it cannot read', () => {
    expect(parseRosterLines('mon 09:00-17:00\nsomeday 09:00-10:00')).toEqual({ badLine: 2 });
    expect(parseRosterLines('mon 25:00-26:00')).toEqual({ badLine: 1 });
    expect(parseRosterLines('mon 09:00-09:00')).toEqual({ badLine: 1 });
  });
});
