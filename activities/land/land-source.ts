import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sourceEnvPrefix, type SourceId } from './sources.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { paths } from '../../lake/manifest.js';
import { PreconditionFailed } from '../../lake/object-store.js';
import { saveStaged, stageTable, uploadWritten } from '../../lake/staged.js';
import type { ActivityDeps, ActivityRuntime } from '../deps.js';
import { ConfigError, NotFound, QuarantineThresholdExceeded } from '../errors.js';
import { toFailure } from '../to-failure.js';
import type { LandContext } from './connector.js';
import { HttpClient, NotModified } from './http.js';
import { CONNECTORS } from './index.js';
import { conditionalFor, knownPayload, latestLanding, samePayloads, specFingerprint } from './latest-landing.js';
import { checkEmptyAnswer } from './empty-answer.js';
import { resolveScope } from './scopes.js';
import { sharedRate } from './shared-rate.js';

export interface LandSourceInput {
  source: SourceId;
  dataset: string;
  period: string;
  /** Codes to ask for, for per-item datasets; read from the lake (see scopes.ts) when absent. */
  scope?: Record<string, string[]>;
  /** Staged sets (landed earlier in the same run, not yet published) that the scope may come from. */
  overlayStagedKeys?: string[];
  /** Land even when the payload is the latest one landed (no conditional request, no comparison). */
  force?: boolean;
  /** Accept an empty answer where the lake had rows (a real removal); otherwise it is retried, then fails. */
  acceptRemoval?: boolean;
}

export interface LandSourceResult {
  source: SourceId;
  dataset: string;
  period: string;
  /** Lake key of the staged raw table and its quarantine (publish reads it); none when the payload is unchanged. */
  stagedKey?: string;
  /** The payload is byte-identical to the latest one landed (or the publisher said 304): nothing was staged. */
  unchanged?: boolean;
  /** The publisher answered a conditional request with 304 Not Modified. */
  notModified?: boolean;
  /** The lake snapshot the landing was compared with. */
  snapshotId?: number;
  table: string;
  rows: number;
  quarantined: number;
  requests: number;
  rawKeys: number;
  drift: { unknownColumns: string[]; unknownMeasures: string[] };
  skipped: number;
}

/** Lands one dataset of one source for one period: original payloads kept, rows staged as Parquet, bad rows quarantined. */
export async function landSource(
  deps: ActivityDeps,
  rt: ActivityRuntime,
  input: LandSourceInput,
): Promise<LandSourceResult> {
  const { source, dataset, period } = input;
  const connector = CONNECTORS[source];
  const spec = connector?.datasets[dataset];
  if (!spec)
    throw new NotFound(
      `${source}: no dataset "${dataset}"; datasets: ${Object.keys(connector?.datasets ?? {}).join(', ')}`,
    );
  const sourceConfig = deps.config.sources[source];
  const baseUrl = sourceConfig.url ?? deps.defaultSourceUrls[source];
  if (!baseUrl)
    throw new ConfigError(
      `${source}: no base URL; set ${sourceEnvPrefix(source)}_URL (or run with the bundled simulators)`,
    );
  const table = `raw.${source.replace(/-/g, '_')}__${dataset}`;
  const label = `${source}/${dataset}/${period}`;
  const workDir = path.join(deps.config.workDir, 'land', `${source}-${dataset}-${period}-${process.pid}-${Date.now()}`);
  await fs.mkdir(workDir, { recursive: true });
  const log = deps.log.child({ source, dataset, period });
  const fingerprint = specFingerprint(spec);
  rt.heartbeat({ step: 'reading the latest landing' }); // a lake read before the beats below start
  const previous = input.force ? undefined : await latestLanding(deps.lake, table, period, spec.period);
  const rate = Number(sourceConfig.options.RATE ?? connector.ratePerSecond ?? 5);
  // The publisher's limit holds across every landing worker of the lake, not per process.
  const shared = sharedRate(deps.store, source, rate);
  const http = new HttpClient({
    source,
    baseUrl,
    ratePerSecond: rate,
    throttle: (fn) => shared.throttle(fn),
    timeoutMs: Number(sourceConfig.options.TIMEOUT_MS ?? 30_000),
    signal: rt.signal,
    log,
    conditional: conditionalFor(previous, fingerprint),
  });
  const rawKeys = new Set<string>();
  // A beat every few seconds with the latest progress, so a silent single download never looks like a dead worker.
  let latest: unknown = { step: 'starting' };
  const beat = setInterval(() => rt.heartbeat(latest), 3_000);
  const ctx: LandContext = {
    source,
    config: sourceConfig,
    baseUrl,
    http,
    workDir,
    log,
    async saveRaw(bytes, ext, ds, p, identity) {
      const key = paths.raw(
        source,
        ds,
        p,
        createHash('sha256')
          .update(identity ?? bytes)
          .digest('hex'),
        ext,
      );
      const known = knownPayload(previous, key);
      if (known) {
        rawKeys.add(known); // the latest landing holds these bytes already (maybe under another date): no write
        return known;
      }
      try {
        await deps.store.putIfAbsent(key, Buffer.from(bytes));
      } catch (error) {
        if (!(error instanceof PreconditionFailed)) throw error; // same bytes already landed: nothing to do
      }
      rawKeys.add(key);
      return key;
    },
    async loadRaw(key) {
      const found = await deps.store.get(key);
      if (!found) throw new Error(`${label}: raw payload ${key} is missing from the lake`);
      return new Uint8Array(found.body);
    },
    checkpoint: rt.checkpoint,
    heartbeat: (progress) => {
      latest = progress;
      rt.heartbeat(progress);
    },
    signal: rt.signal,
  };
  try {
    const scope = input.scope ?? (await resolveScope(deps, source, dataset, input.overlayStagedKeys));
    const unchanged = (requests: number, notModified: boolean): LandSourceResult => {
      log.info({ requests, notModified, since: previous?.period }, 'unchanged since the latest landing');
      const drift = { unknownColumns: [], unknownMeasures: [] };
      const base = { source, dataset, period, table, rows: 0, quarantined: 0, rawKeys: 0, drift, skipped: 0 };
      return { ...base, requests, unchanged: true, notModified, snapshotId: previous?.snapshotId };
    };
    const report = await connector.land(ctx, { dataset, period, scope }).catch((error: unknown) => {
      if (error instanceof NotModified) return undefined;
      throw error;
    });
    if (!report) return unchanged(http.requests, true);
    if (
      samePayloads(
        previous,
        report.files.map((f) => f.rawKey),
        fingerprint,
      )
    )
      return unchanged(report.requests, false);
    return await Workspace.with(async (ws) => {
      const staged = await stageLanding(ws, report.files, spec, period, label, path.join(workDir, table));
      const total = staged.rows + staged.quarantined;
      await checkEmptyAnswer(
        deps.lake,
        { label, table, spec, period, attempt: rt.attempt },
        total,
        input.acceptRemoval,
      );
      if (total > 0 && staged.quarantined / total > deps.config.quarantineThreshold) {
        throw new QuarantineThresholdExceeded(
          `${label}: ${staged.quarantined} of ${total} rows (${((100 * staged.quarantined) / total).toFixed(1)}%) break the contract, above the ${(100 * deps.config.quarantineThreshold).toFixed(1)}% threshold (DEVENIR_QUARANTINE_THRESHOLD); first: ${staged.sampleReasons.join(' | ')}`,
        );
      }
      const facts = {
        url: report.sourceUrl,
        validators: report.validators,
        fetched_at: new Date().toISOString(),
        raw_keys: [...new Set(report.files.map((f) => f.rawKey))].sort(),
        spec: fingerprint,
        drift: {
          unknownColumns: [...new Set([...report.drift.unknownColumns, ...staged.unknownColumns])].sort(),
          unknownMeasures: [...report.drift.unknownMeasures].sort(),
        },
        skipped: report.skipped,
        requests: report.requests,
        quarantined: staged.quarantined,
      };
      const landed = await uploadWritten(
        deps.store,
        { name: table, partitionColumn: 'millesime', replace: [period] },
        staged.landedFiles,
      );
      const quarantine = await stageTable(ws, deps.store, staged.quarantine, {
        name: `${table}__quarantine`,
        partitionColumn: 'millesime',
        replace: [period],
        orderBy: ['_raw_key', '_raw_row'],
        presorted: staged.ordered,
        localDir: workDir,
      });
      landed.source = { [period]: facts };
      landed.checks = [
        {
          check: 'quarantine_share',
          passed: true,
          severity: 'error',
          message: `${staged.quarantined} of ${total} rows quarantined`,
          failing_rows: staged.quarantined,
        },
      ];
      const stagedKey = await saveStaged(deps.store, [landed, quarantine]);
      log.info(
        { rows: staged.rows, quarantined: staged.quarantined, requests: report.requests, drift: facts.drift },
        'landed',
      );
      return {
        source,
        dataset,
        period,
        stagedKey,
        table,
        rows: staged.rows,
        quarantined: staged.quarantined,
        requests: report.requests,
        rawKeys: rawKeys.size,
        drift: facts.drift,
        skipped: Object.keys(report.skipped).length,
      };
    });
  } catch (error) {
    throw toFailure(error);
  } finally {
    clearInterval(beat);
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
