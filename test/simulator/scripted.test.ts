import { describe, expect, it } from 'vitest';
import { scripted } from '../../src/simulator/input.js';
import { parseScript } from '../../src/simulator/scriptTokens.js';

const gather = { leg: 'caller', where: 'call', numDigits: undefined, finishOnKey: '#' } as const;
const ring = { number: '+15555550111', url: undefined };

describe('scripted input', () => {
  it('gives one token per Gather and treats "" and "silence" as silence', async () => {
    const input = scripted(['1234#', '', 'silence', '9']);
    expect([await input.digits(gather), await input.digits(gather), await input.digits(gather), await input.digits(gather)]).toEqual([
      '1234#',
      '',
      '',
      '9',
    ]);
  });

  it('consumes an agent: token at a ring, and otherwise lets the agent accept without consuming', async () => {
    const input = scripted(['agent:no-key', '1']);
    expect(await input.agentAnswer(ring)).toBe('no-key');
    expect(await input.agentAnswer(ring)).toBe('accept');
    expect(await input.digits(gather)).toBe('1');
  });

  it('is silent once the tokens run out, but a ringing agent still accepts', async () => {
    const input = scripted([]);
    expect(await input.digits(gather)).toBe('');
    expect(await input.agentAnswer(ring)).toBe('accept');
    expect(await input.recording()).toEqual({ text: '', hangup: false });
    expect(await input.queueOutcome('support')).toBe('hangup');
  });

  it('reads recordings, with a hangup: prefix for hanging up after speaking', async () => {
    const input = scripted(['our checkout is down', 'hangup:please call back']);
    expect(await input.recording()).toEqual({ text: 'our checkout is down', hangup: false });
    expect(await input.recording()).toEqual({ text: 'please call back', hangup: true });
  });

  it('rejects an unknown agent answer', async () => {
    await expect(async () => scripted(['agent:maybe']).agentAnswer(ring)).rejects.toThrow(/agent:accept/);
  });
});

describe('parseScript', () => {
  it('turns CODE into a live fetch for the customer ID typed before it', async () => {
    const asked: string[] = [];
    const tokens = parseScript('4111111111#, CODE ,1', async (id) => {
      asked.push(id);
      return '123456';
    });
    expect(tokens.slice(0, 1)).toEqual(['4111111111#']);
    expect(tokens[2]).toBe('1');
    expect(asked).toEqual([]); // not fetched until the call reaches it
    const input = scripted(tokens);
    await input.digits(gather);
    expect(await input.digits(gather)).toBe('123456');
    expect(asked).toEqual(['4111111111']);
  });

  it('uses the latest ID when the caller retries with another one', async () => {
    const ids: string[] = [];
    const tokens = parseScript('1111#,CODE,2222#,CODE', async (id) => (ids.push(id), '000000'));
    const input = scripted(tokens);
    for (let i = 0; i < 4; i++) await input.digits(gather);
    expect(ids).toEqual(['1111', '2222']);
  });

  it('refuses CODE without an ID before it', () => {
    expect(() => parseScript('CODE,1', async () => '')).toThrow(/after a customer ID/);
  });
});
