/** A running throwaway cluster (scripts/postgres.mjs). */
export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  dir: string;
  port: number;
  /** The server's process id (the postmaster's) while it runs, else undefined. */
  pid(): number | undefined;
  /**
   * Stops the server and keeps its data: `fast` disconnects clients and shuts down cleanly, `immediate`
   * aborts at once, as a crash would (the next start recovers from the write-ahead log).
   */
  halt(mode?: 'smart' | 'fast' | 'immediate'): void;
  /** Starts a halted server again, on the same data directory and port. */
  restart(): void;
  /** Stops the server and removes its files. */
  stop(): void;
}

export function findPostgresBin(): string | undefined;
export function startPostgres(options?: {
  port?: number;
  durable?: boolean;
  keepCommitsOnCrash?: boolean;
  maxConnections?: number;
  /** Server settings added to the command line (name: value, no spaces in the value). */
  settings?: Record<string, string | number>;
}): Promise<ThrowawayPostgres>;
