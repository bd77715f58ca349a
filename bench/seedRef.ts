/**
 * Seeds a benchmark database with another commit's own code (npm run bench -- --compare REF): that
 * commit's bench/seed.ts, migrations and domain code make the database its server opens, as its own
 * bench would have made it.
 *
 *   node --import tsx <this file> <spec.json>     run with the other commit's checkout as working directory
 *
 * spec.json: { root, env, customers, agents, out }. Writes the seeded customers to out, each secret in hex.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../src/config.js';
import type { SeededCustomer } from './seed.js';

export interface SeedSpec {
  /** The other commit's checkout. */
  root: string;
  /** The environment its server is started with: its configuration is read from it. */
  env: NodeJS.ProcessEnv;
  customers: number;
  agents: number;
  out: string;
}

export interface SeededCustomerHex {
  customerId: string;
  secret: string;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as SeedSpec;
const load = (path: string) => import(pathToFileURL(join(spec.root, path)).href);
const { loadConfig } = (await load('src/config.ts')) as { loadConfig(env: NodeJS.ProcessEnv): Config };
// A commit from before the async storage port seeds synchronously; one from after it, with a promise.
type Seed = (config: Config, options: { customers: number; agents: number }) => SeededCustomer[] | Promise<SeededCustomer[]>;
const { seed } = (await load('bench/seed.ts')) as { seed: Seed };
const seeded = await seed(loadConfig(spec.env), { customers: spec.customers, agents: spec.agents });
const out: SeededCustomerHex[] = seeded.map((c) => ({ customerId: c.customerId, secret: Buffer.from(c.secret).toString('hex') }));
writeFileSync(spec.out, JSON.stringify(out));
