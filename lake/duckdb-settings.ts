/**
 * DuckDB's default memory limits (DEVENIR_DUCKDB_MEMORY sets one for every role). A building-only worker gets
 * `building`: the full build of the three bundled millésimes peaks at 1.35 GB RSS under 1.2GB, against 1.6 GB under
 * 4GB, with the same bytes (bench/build-memory.ts, docs/benchmarks.md). A process that lands keeps `memory`: every
 * landing passes alone under 1.2GB (0.94 GB peak), but many at once in one process ran out of memory
 * ("failed to allocate data of size 512.0 MiB"). The national scale needs more: set 3GB (docs/scaling.md).
 */
export const DUCKDB_DEFAULTS = { memory: '4GB', building: '1.2GB' };

/** The default limit of a worker polling these queues: the building one when it builds and does not land. */
export function defaultMemory(roles: readonly string[]): string {
  return roles.includes('building') && !roles.includes('landing') ? DUCKDB_DEFAULTS.building : DUCKDB_DEFAULTS.memory;
}

export interface DuckdbSettings {
  /** Memory limit, e.g. `2.5GB` (DuckDB spills to disk beyond it); DUCKDB_DEFAULTS.memory when unset. */
  memory?: string;
  /** Worker threads (default: the cores available). */
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
