import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, api, startHarness, type Harness } from '../support/harness.js';
import { FUZZ_TIMEOUT_MS, anyValue, fastTempDir, fuzzParameters, recordUnhandledRejections, text } from './support/fuzzing.js';

// Random bodies, paths and queries on every admin API route: each answer is JSON, 2xx or a 4xx that
// names the problem; never a 5xx, and the server keeps serving.
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Every admin route; `:id` and `:e164` are filled with real, random or hostile values. */
const ROUTES: Array<[Method, string]> = [
  ['POST', '/api/customers'],
  ['GET', '/api/customers'],
  ['GET', '/api/customers/:id'],
  ['PATCH', '/api/customers/:id'],
  ['GET', '/api/customers/:id/one-time-token'],
  ['POST', '/api/customers/:id/authenticator'],
  ['POST', '/api/customers/:id/authenticator/confirm'],
  ['DELETE', '/api/customers/:id/authenticator'],
  ['POST', '/api/customers/:id/unlock'],
  ['POST', '/api/agents'],
  ['GET', '/api/agents'],
  ['GET', '/api/agents/:id'],
  ['PATCH', '/api/agents/:id'],
  ['DELETE', '/api/agents/:id'],
  ['GET', '/api/agents/:id/roster'],
  ['PUT', '/api/agents/:id/roster'],
  ['PUT', '/api/numbers/:e164'],
  ['GET', '/api/numbers'],
  ['GET', '/api/callbacks'],
];

const FIELD_NAMES = ['name', 'plan', 'tier', 'phone', 'customerId', 'status', 'code', 'languages', 'onDuty', 'language', 'rules', 'timeZone', 'duty', 'limit', 'after'];
const fieldValue = fc.oneof(
  anyValue,
  fc.constantFrom('enterprise', 'business', 'pro', 'free', 'premium', 'standard', 'active', 'suspended', 'en-US', 'ja-JP', '+14155550100', '+1', 'Europe/Berlin', 'manual', 'roster'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(text(10), fc.constantFrom('en-US', 'ja-JP')), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);
/** Bodies shaped like the API's (known fields, wrong or right values) and bodies that are anything at all. */
const body = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 6 }).map((b) => ({ json: b as unknown })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json })) },
  { weight: 1, arbitrary: fc.constantFrom('{', '[1,', '"x"', 'null', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '\u0000', '{"name":"\\ud800"}').map((raw) => ({ raw })) },
  { weight: 1, arbitrary: fc.constant({ raw: JSON.stringify({ name: 'x'.repeat(20_000) }) }) },
  { weight: 1, arbitrary: fc.constant({ none: true }) },
);
const segment = fc.oneof(
  fc.constantFrom('real', 'real', '1', '0', '-1', '999999999999', '1234567897', '+14155550100', '%2B14155550100', '..', '%', '%E0%A4%A', 'null', '__proto__'),
  text(30).map(encodeURIComponent),
);

describe('fuzzing every admin API route', () => {
  let h: Harness;
  let customerId: string;
  let agentId: number;
  const rejections = recordUnhandledRejections();

  beforeAll(async () => {
    h = await startHarness({ dir: fastTempDir() });
    customerId = (await api(h, 'POST', '/api/customers', { name: 'Fuzz Co', plan: 'enterprise', tier: 'premium' })).body.customerId;
    agentId = (await api(h, 'POST', '/api/agents', { name: 'Agent', phone: '+15555550111', onDuty: true })).body.agentId;
  });
  afterAll(async () => {
    rejections.stop();
    await h.close();
  });

  it('answers JSON: 2xx, or a 4xx with an error code and a message; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        segment,
        body,
        fc.dictionary(fc.constantFrom('limit', 'after', 'status', 'x'), fc.oneof(text(20), fc.constantFrom('1', '0', '1001', 'pending', 'pending,failed', 'bogus'))),
        fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'),
        async ([method, template], id, b, query, contentType) => {
          const filled = id === 'real' ? (template.includes('/agents/') ? String(agentId) : customerId) : id;
          const qs = new URLSearchParams(query).toString();
          const path = template.replace(/:id|:e164/, filled) + (qs ? `?${qs}` : '');
          const init: RequestInit = { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': contentType } };
          if (method !== 'GET' && !('none' in b)) init.body = 'raw' in b ? b.raw : JSON.stringify(b.json);
          const res = await fetch(h.url + path, init);
          const raw = await res.text();
          const where = `${method} ${path} ${String(init.body ?? '').slice(0, 200)} -> ${res.status} ${raw.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status === 204) return;
          expect(res.headers.get('content-type') ?? '', where).toMatch(/^application\/json/);
          const parsed = JSON.parse(raw) as Record<string, unknown>;
          if (res.status >= 400) {
            expect(typeof parsed.error, where).toBe('string');
            expect(typeof parsed.message, where).toBe('string');
          }
        },
      ),
      fuzzParameters(100),
    );
  }, FUZZ_TIMEOUT_MS);

  it('kept serving: no unhandled rejection, nothing failed inside, the API still answers', async () => {
    expect(rejections.reasons).toEqual([]);
    expect(h.logs.records().filter((r) => r.msg === 'request failed').map((r) => r.err)).toEqual([]);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await api(h, 'GET', `/api/customers/${customerId}`)).status).toBe(200);
  });
});
