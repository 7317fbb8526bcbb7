/**
 * DuckDB's default memory limit. 2.5GB (room for Node and the OS on a 4 GB worker) makes the landing of the bundled
 * InserJeunes millésimes fail with "Out of Memory" (its row-number window over the whole input does not spill;
 * measured, docs/benchmarks.md): today's 4GB stays the default until the landing gets leaner.
 */
export const DUCKDB_DEFAULTS = { memory: '4GB' };

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
