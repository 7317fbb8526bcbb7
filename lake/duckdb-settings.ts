/**
 * DuckDB's default memory limit, for a 2-core worker with 4 GB: the full build of the three bundled millésimes peaks at
 * 1.35 GB RSS under it (1.6 GB under 4GB, same bytes; bench/build-memory.ts, docs/benchmarks.md) and DuckDB spills
 * to the temp folder beyond it. The national scale needs more: set DEVENIR_DUCKDB_MEMORY=3GB (docs/scaling.md).
 */
export const DUCKDB_DEFAULTS = { memory: '1.2GB' };

export interface DuckdbSettings {
  /** Memory limit, e.g. `2.5GB` (DuckDB spills to disk beyond it). */
  memory: string;
  /** Worker threads (default: the cores available). */
  threads?: number;
}

let settings: DuckdbSettings | undefined;

/** Sets DuckDB's memory limit and threads from the validated configuration (before its first use). */
export function configureDuckdb(next: DuckdbSettings): void {
  settings = next;
}

/** The configured settings; without a configuration (a library use, a test), the variables the configuration reads. */
export function duckdbSettings(env: NodeJS.ProcessEnv = process.env): DuckdbSettings {
  return (
    settings ?? {
      memory: env.DEVENIR_DUCKDB_MEMORY || DUCKDB_DEFAULTS.memory,
      threads: Number(env.DEVENIR_DUCKDB_THREADS) || undefined,
    }
  );
}
