import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainRuntime, type ActivityDeps } from '../../activities/deps.js';
import { runQuery } from '../../activities/export/run-query.js';
import { landSource } from '../../activities/land/land-source.js';
import { publishStaged } from '../../activities/publish/publish-staged.js';
import { acceSimulator } from '../../infra/simulators/acce.js';
import { acceExtract } from '../../infra/simulators/acce-extract.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { localActivityDeps } from '../support/activity-deps.js';

const PERIOD = '2026-11-29';
const input = { source: 'acce' as const, dataset: 'etablissements', period: PERIOD, force: true };
const badDate = { source: 'acce' as const, kind: 'bad-value' as const, column: 'date_fermeture', to: 'bientôt' };

let sims: RunningSimulators;
let deps: ActivityDeps;
const query = async (statement: string) => (await runQuery(deps.lake, statement, {}, deps.config.workDir)).rows;
/** Every published row of a table, as its data columns (lineage and partition left out), sorted by UAI. */
const contents = (table: string) =>
  query(`select * exclude (_raw_key, _raw_row, millesime) from ${table} order by numero_uai`) as Promise<
    Record<string, unknown>[]
  >;

beforeAll(async () => {
  sims = await startSimulatorServer([acceSimulator]);
  deps = await localActivityDeps({ acce: sims.baseUrls.acce });
});
afterAll(() => sims.close());

describe('a source that hangs past DEVENIR_<SOURCE>_TIMEOUT_MS', () => {
  it('is asked again, then fails (retryably) in one sentence naming the URL and the variable', async () => {
    const impatient = await localActivityDeps({ acce: sims.baseUrls.acce }, { DEVENIR_ACCE_TIMEOUT_MS: '300' });
    sims.faults.add({ source: 'acce', kind: 'slow', delayMs: 2_000, match: 'ACCE_UAI.csv' });
    const error = await landSource(impatient, plainRuntime(), input).catch((e: unknown) => e);
    sims.faults.clear();
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'SourceHttpError', nonRetryable: false });
    expect((error as Error).message).toBe(
      `acce: no answer from ${sims.baseUrls.acce}/extract/ACCE_UAI.csv within 300 ms (DEVENIR_ACCE_TIMEOUT_MS)`,
    );
    // Retried in the activity before giving up (and Temporal retries the activity: not permanent).
    expect((sims.requests.get('acce') ?? []).filter((r) => r.includes('ACCE_UAI.csv')).length).toBeGreaterThan(1);
  });
});

describe('bad rows', () => {
  it('below the threshold (2 %): quarantined with reason and raw row; the good rows published unchanged', async () => {
    const clean = await landSource(deps, plainRuntime(), input);
    expect(clean.quarantined).toBe(0);
    await publishStaged(deps, plainRuntime(), {
      stagedKeys: [clean.stagedKey!],
      message: 'clean',
      idempotencyKey: 'c',
    });
    const expected = await contents('raw.acce__etablissements');
    expect(expected).toHaveLength(acceExtract().etablissements.length);

    sims.faults.add({ ...badDate, every: 50, match: 'ACCE_UAI.csv' });
    const landed = await landSource(deps, plainRuntime(), input);
    sims.faults.clear();
    const bad = Math.floor(expected.length / 50);
    expect(bad).toBeGreaterThan(10);
    expect(landed).toMatchObject({ quarantined: bad, rows: expected.length - bad });
    await publishStaged(deps, plainRuntime(), { stagedKeys: [landed.stagedKey!], message: '2 %', idempotencyKey: 'b' });

    const quarantined = (await query(
      `select _reason, _raw_key, _raw_row, json_extract_string(_raw_record, '$.numero_uai') as uai
       from raw.acce__etablissements__quarantine order by _raw_row`,
    )) as Array<{ _reason: string; _raw_key: string; _raw_row: number | bigint; uai: string }>;
    expect(quarantined).toHaveLength(bad);
    // The 50th, 100th… record of the file (`_raw_row` counts records from 1): its raw object and record number.
    expect(quarantined.map((q) => Number(q._raw_row))).toEqual(quarantined.map((_, i) => 50 * (i + 1)));
    for (const q of quarantined) {
      expect(q._reason).toMatch(/date_fermeture bientôt does not match/);
      expect(q._raw_key).toMatch(/^raw\/acce\/etablissements\//);
    }
    const badUais = new Set(quarantined.map((q) => q.uai));
    expect(badUais.size).toBe(bad);
    // The good rows published are exactly the clean fetch's rows but the quarantined ones, value for value.
    expect(await contents('raw.acce__etablissements')).toEqual(
      expected.filter((r) => !badUais.has(r.numero_uai as string)),
    );
  });

  it('above the threshold: nothing of the dataset is staged; the error says how many rows failed and why', async () => {
    const before = await deps.lake.lakeSnapshot();
    sims.faults.add({ ...badDate, every: 10, match: 'ACCE_UAI.csv' });
    const error = await landSource(deps, plainRuntime(), input).catch((e: unknown) => e);
    sims.faults.clear();
    expect(error).toMatchObject({ type: 'QuarantineThresholdExceeded', nonRetryable: true });
    const total = acceExtract().etablissements.length;
    expect((error as Error).message).toContain(
      `acce/etablissements/${PERIOD}: ${Math.floor(total / 10)} of ${total} rows (`,
    );
    expect((error as Error).message).toMatch(/above the 5\.0% threshold \(DEVENIR_QUARANTINE_THRESHOLD\)/);
    expect((error as Error).message).toMatch(/date_fermeture bientôt does not match/);
    expect((await deps.lake.lakeSnapshot())?.snapshot_id).toBe(before?.snapshot_id);
  });
});
