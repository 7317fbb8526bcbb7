/**
 * DuckDB's default memory limit (DEVENIR_DUCKDB_MEMORY sets another), sized for a 2-core worker with 4 GB: the full
 * build of the three bundled millésimes peaks at 1.46 GB RSS under it, with the same bytes as under 4GB, and
 * every dataset of a refresh-all stage landed at once in one process peaks at 1.09–1.21 GB (bench/build-memory.ts,
 * docs/benchmarks.md). The national scale needs more: set 3GB (docs/scaling.md).
 */
export const DUCKDB_DEFAULTS = { memory: '1.2GB' };

/**
 * DuckDB's default threads for a worker of these roles: one where it lands and does not build, the cores available
 * elsewhere. A landing of a million rows peaks at 218–229 MB with one thread against 426–533 MB with two (DuckDB's
 * ordered Parquet writer buffers what each thread prepares), for 0.78–1.02 of bare DuckDB's throughput on one thread
 * (bench/landing.ts); landings running at once still run side by side, each query on its own calling thread.
 */
export function defaultThreads(roles: readonly string[]): number | undefined {
  return roles.includes('landing') && !roles.includes('building') ? 1 : undefined;
}

export interface DuckdbSettings {
  /** Memory limit, e.g. `2.5GB` (DuckDB spills to disk beyond it); DUCKDB_DEFAULTS.memory when unset. */
  memory?: string;
  /** Worker threads (default: the cores available; see defaultThreads for a landing worker). */
  threads?: number;
}

let settings: DuckdbSettings | undefined;

/** Sets DuckDB's memory limit and threads from the validated configuration (before its first use). */
export function configureDuckdb(next: DuckdbSettings): void {
  settings = next;
}

/** The configured settings; without a configuration (a library use, a test), the variables the configuration reads. */
export function duckdbSettings(
  env: NodeJS.ProcessEnv = process.env,
): Required<Pick<DuckdbSettings, 'memory'>> & DuckdbSettings {
  if (settings) return { ...settings, memory: settings.memory ?? DUCKDB_DEFAULTS.memory };
  return {
    memory: env.DEVENIR_DUCKDB_MEMORY || DUCKDB_DEFAULTS.memory,
    threads: Number(env.DEVENIR_DUCKDB_THREADS) || undefined,
  };
}
