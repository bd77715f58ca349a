/** A running throwaway cluster (scripts/postgres.mjs). */
export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  dir: string;
  /** Stops the server and removes its files. */
  stop(): void;
}

export function findPostgresBin(): string | undefined;
export function startPostgres(options?: { port?: number; durable?: boolean; maxConnections?: number; settings?: Record<string, string | number> }): Promise<ThrowawayPostgres>;
