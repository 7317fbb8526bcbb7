/**
 * What the benches share: a throwaway filesystem lake with the activities' dependencies built like infra/worker.ts
 * (but without Temporal), landing of every source against the bundled simulators, argument and number formatting.
 */
import { mkdtempSync } from 'node:fs';
import { configureDuckdb } from '../lake/duckdb-settings.js';
import os from 'node:os';
import path from 'node:path';
import type { ActivityDeps, ActivityRuntime } from '../activities/deps.js';
import { landSource, type LandSourceResult } from '../activities/land/land-source.js';
import { planSource } from '../activities/land/plan-source.js';
import { refreshPlan } from '../activities/land/refresh-plan.js';
import { loadConfig, sourceEnvPrefix, SOURCE_IDS, type SourceId } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { openLake } from '../lake/open-lake.js';

/** Referentials first (they give later sources their scopes), then statistics: refresh-all's plan, from the registry. */
export const LANDING_STAGES: SourceId[][] = (await refreshPlan()).stages.map((stage) => stage.map((p) => p.source));

/** A new temp folder for one bench run. */
export function benchDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'devenir-bench-'));
}

/**
 * The environment of a bench lake under `dir`: only devenir's own variables (so a `DEVENIR_<SOURCE>_URL` of the
 * caller never sends a bench to a real publisher), every source at `rate` requests per second unless `extra` says otherwise.
 */
export function benchEnv(dir: string, rate: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    DEVENIR_HOME: path.join(dir, 'home'),
    DEVENIR_LAKE: path.join(dir, 'lake'),
    DEVENIR_WORK_DIR: path.join(dir, 'work'),
    LOG_LEVEL: 'error',
  };
  for (const source of SOURCE_IDS) env[`${sourceEnvPrefix(source)}_RATE`] = String(rate);
  return { ...env, ...extra };
}

/** Activity dependencies on the lake `env` names, sources served by `urls` (the simulators' base URLs). */
export async function benchDeps(
  env: NodeJS.ProcessEnv,
  urls: Partial<Record<SourceId, string>> = {},
): Promise<ActivityDeps> {
  const config = loadConfig(env);
  configureDuckdb(config.duckdb);
  const lake = await openLake({ lake: config.lake, s3: config.s3 });
  return {
    config,
    store: lake.store,
    lake,
    log: createLogger(config.logLevel, { pretty: false }),
    defaultSourceUrls: urls,
  };
}

/** A runtime for plain calls that records when each heartbeat came (ms since `since`). */
export function timedRuntime(
  since = performance.now(),
): ActivityRuntime & { beats: Array<{ at: number; details: unknown }> } {
  const beats: Array<{ at: number; details: unknown }> = [];
  return {
    beats,
    heartbeat: (details) => beats.push({ at: performance.now() - since, details }),
    checkpoint: undefined,
    signal: new AbortController().signal,
    attempt: 1,
  };
}

/**
 * Lands every source stage by stage as refresh-all does (sources of a stage at once, each seeing the staged sets of
 * the stages before), statistics sources for `periods`, referentials for `date`. Returns the staged keys and each source's wall time.
 */
export async function landAll(
  deps: ActivityDeps,
  periods: string[],
  date: string,
): Promise<{ stagedKeys: string[]; landed: LandSourceResult[]; sourceMs: Record<string, number> }> {
  const stagedKeys: string[] = [];
  const landed: LandSourceResult[] = [];
  const sourceMs: Record<string, number> = {};
  for (const [i, stage] of LANDING_STAGES.entries()) {
    const overlay = [...stagedKeys];
    const results = await Promise.all(
      stage.map(async (source) => {
        const plan = await planSource({ source, periods: i > 0 ? periods : undefined, date });
        const started = performance.now();
        const rt = timedRuntime(started);
        const results = await Promise.all(
          plan.map((p) =>
            landSource(deps, rt, { source, dataset: p.dataset, period: p.period, overlayStagedKeys: overlay }),
          ),
        );
        sourceMs[source] = performance.now() - started;
        return results;
      }),
    );
    for (const r of results.flat()) {
      if (r.stagedKey) stagedKeys.push(r.stagedKey);
      landed.push(r);
    }
  }
  return { stagedKeys, landed, sourceMs };
}

/** `--name N` from the command line, else `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} takes a positive number, not "${process.argv[i + 1]}"`);
  return value;
}

/** Milliseconds as seconds with two decimals. */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Peak resident set size of this process, in MB. */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
