import { z } from 'zod';
import { DUTY_MODES, type NewAgent } from '../domain/storage/agents.js';
import { E164 } from '../domain/customer.js';
import { hasControlCharacter } from '../domain/names.js';
import { canonicalTimeZone, isValidTimeZone, parseRosterLines, type Roster } from '../domain/roster.js';
import { LANGUAGES } from '../../voice-flows/prompts/index.js';
import { passwordProblem } from './passwords.js';

type Body = Record<string, unknown>;
export type FormResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

const agentForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Name is required')
    .max(200, 'Name is too long')
    .refine((v) => !hasControlCharacter(v), 'Name must not contain control characters'),
  phone: z.string().trim().regex(E164, 'Phone must be an E.164 number such as +14155550100'),
  languages: z
    .array(z.enum(LANGUAGES as [string, ...string[]], { message: 'Unknown language' }))
    .min(1, 'Choose at least one language'),
  duty: z.enum(DUTY_MODES, { message: 'Choose a duty' }),
});

/** Reads the agent form (name, phone, languages, duty, admin) into a new agent, or names the field at fault. */
export function readAgentForm(body: Body): FormResult<Required<Omit<NewAgent, 'onDuty'>>> {
  const parsed = agentForm.safeParse({ ...body, languages: list(body.languages), duty: body.duty ?? 'off' });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, field: String(issue.path[0] ?? 'name'), message: issue.message };
  }
  return { ok: true, value: { ...parsed.data, isAdmin: body.isAdmin === '1' } };
}

/** Reads a password field; empty is allowed only when `optional`. */
export function readPassword(body: Body, optional: boolean): FormResult<string | null> {
  const password = typeof body.password === 'string' ? body.password : '';
  if (password === '' && optional) return { ok: true, value: null };
  const problem = passwordProblem(password);
  return problem ? { ok: false, field: 'password', message: `Password ${problem}` } : { ok: true, value: password };
}

/** Reads the roster form: an IANA zone and shifts written one per line. */
export function readRosterForm(body: Body): FormResult<Roster> {
  const zone = typeof body.timeZone === 'string' ? body.timeZone.trim() : '';
  if (!isValidTimeZone(zone)) return { ok: false, field: 'timeZone', message: 'Time zone must be an IANA zone such as Asia/Tokyo' };
  const parsed = parseRosterLines(typeof body.rules === 'string' ? body.rules.slice(0, 4000) : '');
  if ('badLine' in parsed) {
    return { ok: false, field: 'rules', message: `Shift on line ${parsed.badLine} must look like “mon-fri 09:00-17:00”` };
  }
  if (parsed.rules.length > 50) return { ok: false, field: 'rules', message: 'At most 50 shifts' };
  return { ok: true, value: { timeZone: canonicalTimeZone(zone), rules: parsed.rules } };
}
