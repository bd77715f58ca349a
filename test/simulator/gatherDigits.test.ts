import { describe, expect, it } from 'vitest';
import { gatherDigits } from '../../src/simulator/gather.js';

describe('gatherDigits (Twilio Gather rules)', () => {
  it('ends at the finishOnKey, which is not part of Digits', () => {
    expect(gatherDigits('1234#', { finishOnKey: '#' })).toEqual({ digits: '1234', finishedOnKey: '#' });
  });
  it('ignores keys typed after the finishOnKey', () => {
    expect(gatherDigits('12#34', { finishOnKey: '#' })).toEqual({ digits: '12', finishedOnKey: '#' });
  });
  it('stops at numDigits', () => {
    expect(gatherDigits('12345', { numDigits: 1, finishOnKey: '#' })).toEqual({ digits: '1', finishedOnKey: '' });
  });
  it('lets the finishOnKey end input before numDigits is reached', () => {
    expect(gatherDigits('12#', { numDigits: 6, finishOnKey: '#' }).digits).toBe('12');
  });
  it("treats # as an ordinary key when finishOnKey is ''", () => {
    expect(gatherDigits('12#3', { finishOnKey: '' })).toEqual({ digits: '12#3', finishedOnKey: '' });
  });
  it('honours another finishOnKey', () => {
    expect(gatherDigits('45*6', { finishOnKey: '*' }).digits).toBe('45');
  });
  it('gives no input for silence or a lone finishOnKey', () => {
    expect(gatherDigits('', { finishOnKey: '#' }).digits).toBe('');
    expect(gatherDigits('#', { finishOnKey: '#' }).digits).toBe('');
  });
  it('ignores characters that are not keypad keys', () => {
    expect(gatherDigits(' 12 34 #', { finishOnKey: '#' }).digits).toBe('1234');
  });
});
