import { describe, expect, it } from 'vitest';
import { callbackNumberRefusal, countriesOf } from '../../src/domain/callbackNumbers.js';
import { callingCodeOf, isCallingCode } from '../../src/domain/callingCodes.js';
import { REFUSED_RANGES, refusedRangeOf } from '../../src/domain/numberRanges.js';
import { countryName } from '../../src/dialer/texts.js';

describe('country calling codes', () => {
  it.each([
    ['+14155550100', '1'],
    ['+16135550100', '1'],
    ['+18765551234', '1876'], // Jamaica dials like the US and is billed as abroad
    ['+18095551234', '1809'],
    ['+81312345678', '81'],
    ['+819012345678', '81'],
    ['+442071234567', '44'],
    ['+441481712345', '441481'],
    ['+33142685300', '33'],
    ['+3531234567', '353'],
    ['+74951234567', '7'],
    ['+77011234567', '77'],
    ['+881612345678', '881'],
    ['+5997123456', '5997'],
    ['+85221234567', '852'],
  ])('%s is in calling code %s (longest prefix wins)', (number, code) => {
    expect(callingCodeOf(number)).toBe(code);
  });

  it('finds no code for a prefix ITU never assigned', () => {
    expect(callingCodeOf('+2101234567')).toBeUndefined();
    expect(callingCodeOf('+0123')).toBeUndefined();
    expect(isCallingCode('210')).toBe(false);
    expect(isCallingCode('44')).toBe(true);
  });

  it('names the country of a code in both languages of the line', () => {
    expect(countryName('en-US', '81')).toBe('Japan');
    expect(countryName('ja-JP', '81')).toBe('日本');
    expect(countryName('en-US', '44')).toBe('the United Kingdom');
    expect(countryName('ja-JP', '44')).toBe('イギリス');
    expect(countryName('en-US', '1')).toBe('the United States or Canada');
    expect(countryName('en-US', '1876')).toBe('Jamaica');
    expect(countryName('en-US', '852')).toBe('Hong Kong');
    expect(countryName('ja-JP', '852')).toBe('香港');
    expect(countryName('en-US', '881')).toBe('country code 8 8 1');
  });

  it('the countries served are the codes of the given numbers', () => {
    expect(countriesOf(['+15555550199', '+81345550100', '+14155550100', '+18765551234'])).toEqual(new Set(['1', '81', '1876']));
  });
});

describe('refused number ranges', () => {
  it.each([
    ['+881612345678', 'satellite'], // Iridium
    ['+8821612345678', 'satellite'], // Thuraya
    ['+870773123456', 'satellite'], // Inmarsat
    ['+80012345678', 'international-service'],
    ['+80812345678', 'shared-cost'],
    ['+97912345678', 'premium'],
    ['+99112345678', 'international-service'],
    ['+19005550100', 'premium'],
    ['+12129765555', 'premium'], // 976 exchange in New York
    ['+18769761234', 'premium'], // 976 exchange in Jamaica
    ['+81990123456', 'premium'], // 0990 Dial Q2
    ['+81570012345', 'shared-cost'], // 0570 Navi Dial
    ['+81180991234', 'premium'],
    ['+449098790000', 'premium'],
    ['+448712345678', 'premium'],
    ['+448431234567', 'shared-cost'],
    ['+447012345678', 'premium'],
    ['+499001234567', 'premium'],
    ['+33899123456', 'premium'],
    ['+34806123456', 'premium'],
    ['+61190012345', 'premium'],
  ])('%s is refused as %s', (number, kind) => {
    expect(refusedRangeOf(number)?.kind).toBe(kind);
  });

  it.each([
    '+14155550100', // San Francisco
    '+12125551234', // New York, another exchange
    '+18005550100', // NANP toll-free
    '+81312345678', // Tokyo
    '+819012345678', // Japanese mobile
    '+81120123456', // 0120 free dial
    '+442071234567', // London
    '+447700900123', // UK mobile
    '+448001234567', // UK freephone
    '+4930123456', // Berlin
    '+33142685300', // Paris
    '+34911234567', // Madrid
    '+61212345678', // Sydney
    '+6591234567', // Singapore
  ])('%s, an ordinary number, is not refused', (number) => {
    expect(refusedRangeOf(number)).toBeUndefined();
  });

  it('every row says what it is, and no pattern is listed twice', () => {
    for (const range of REFUSED_RANGES) {
      expect(range.pattern).toMatch(/^[1-9][0-9x]*$/);
      expect(range.what.length).toBeGreaterThan(10);
    }
    expect(new Set(REFUSED_RANGES.map((r) => r.pattern)).size).toBe(REFUSED_RANGES.length);
  });

  it('every international code without a country is refused', () => {
    for (const code of ['800', '808', '870', '878', '881', '882', '883', '888', '979', '991']) {
      expect(refusedRangeOf(`+${code}12345678`), code).toBeDefined();
    }
  });

  it('a typed number is refused for its range whatever the allowed countries, then for its country', () => {
    const allowed = new Set(['1', '81', '44', '881']);
    expect(callbackNumberRefusal('+881612345678', allowed)).toBe('refused-range');
    expect(callbackNumberRefusal('+881612345678', 'anywhere')).toBe('refused-range');
    expect(callbackNumberRefusal('+19005550100', allowed)).toBe('refused-range');
    expect(callbackNumberRefusal('+33142685300', allowed)).toBe('country-not-allowed');
    expect(callbackNumberRefusal('+18765551234', allowed)).toBe('country-not-allowed');
    expect(callbackNumberRefusal('+2101234567', allowed)).toBe('country-not-allowed');
    expect(callbackNumberRefusal('+33142685300', 'anywhere')).toBeNull();
    expect(callbackNumberRefusal('+442071234567', allowed)).toBeNull();
  });
});
