/**
 * Crash points of a refresh, for the crash tests only (test/e2e/worker-crash.test.ts): a worker started with
 * `DEVENIR_FAILPOINT=<name>` kills itself with SIGKILL when it reaches `<name>`, a real crash, not an exception.
 * Test-only: no deployment sets it, and the configuration does not list it. Unset, a call is one string comparison.
 */
export const FAILPOINTS = [
  'build.models', // DuckDB has built the first model of a build, the others not yet
  'build.parquet', // the first built table's Parquet files are in the lake, the others not yet
  'lake.tables-committed', // every table snapshot of a publish is committed, the lake snapshot not yet
  'lake.snapshot-committed', // the lake snapshot is committed, the publish activity has not returned
] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

const armed = process.env.DEVENIR_FAILPOINT;

/** Kills this process at once when `name` is the armed crash point (`DEVENIR_FAILPOINT`). */
export function failpoint(name: Failpoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
