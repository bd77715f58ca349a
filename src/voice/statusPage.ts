import type { Logger } from 'pino';
import { z } from 'zod';

const summary = z.object({
  incidents: z.array(z.object({ name: z.string(), status: z.string().optional() }).loose()).default([]),
});

const FINISHED = new Set(['resolved', 'postmortem', 'completed']);
const REFRESH_MS = 60_000;
const TIMEOUT_MS = 5_000;

/**
 * Names of unresolved incidents from a Statuspage-style summary (HOTLINE_STATUS_URL), fetched in the
 * background and cached: a call reads the cache and never waits for the network.
 */
export class StatusPage {
  private names: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string | undefined,
    private readonly logger: Logger,
  ) {}

  /** The cached names, at most three, each short enough to read out. */
  unresolved(): string[] {
    return this.names;
  }

  start(): this {
    if (!this.url || this.timer) return this;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    if (!this.url) return;
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`status page answered ${res.status}`);
      const parsed = summary.parse(await res.json());
      this.names = parsed.incidents
        .filter((i) => !FINISHED.has((i.status ?? '').toLowerCase()))
        .map((i) => i.name.replace(/\s+/g, ' ').trim().slice(0, 120))
        .filter(Boolean)
        .slice(0, 3);
    } catch (err) {
      // Keep the last good list: a flaky status page must not silence a known incident.
      this.logger.warn({ err: (err as Error).message }, 'status page could not be read');
    }
  }
}
