import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lake } from '../../lake/lake.js';
import type { ObjectStore } from '../../lake/object-store.js';
import { lakeDeps, refresh, stageRaw, type Raw } from '../support/lake-refresh.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/s3-fault-proxy.js';
import { testS3, testS3Store } from '../support/stores.js';
import { acce, cohorte, inserjeunes } from '../transforms/fixtures.js';

type Phase = 'landing' | 'build' | 'publish';
const UAIS = ['0690001A', '0690002B', '0690003C'];
const MEF = {
  mef: '2470000113',
  mef_stat_11: '23830000001',
  formation_diplome: '40000001',
  duree_dispositif: '3',
  annee_dispositif: '3',
};
const V1: Record<string, Raw[]> = {
  acce__etablissements: UAIS.map((u) => acce(u)),
  inserjeunes__etablissements: UAIS.flatMap((u) =>
    inserjeunes('uai', u, '2021_2022', '23830000001', cohorte(30, 5, 10)),
  ),
  bcn__n_mef: [MEF],
};
const V2: Record<string, Raw[]> = { acce__etablissements: [...UAIS, '0690005E'].map((u) => acce(u)) };

/** What a reader of the lake sees: every table's rows and files (partition, sha256, rows), each file's bytes checked. */
async function contents(lake: Lake, direct: ObjectStore) {
  const out: Record<string, { rows: number; files: string[] }> = {};
  for (const [name, m] of await lake.tables()) {
    for (const f of m.files) {
      const body = (await direct.get(f.path))?.body;
      expect(body && createHash('sha256').update(body).digest('hex'), `${name}: ${f.path}`).toBe(f.sha256);
    }
    out[name] = { rows: m.summary.rows, files: m.files.map((f) => `${f.partition}:${f.sha256}:${f.record_count}`) };
  }
  return out;
}

let proxy: FaultProxy;
/** The lake as a run without faults leaves it after V1, and after V1 then V2. */
let reference: { v1: Awaited<ReturnType<typeof contents>>; v2: Awaited<ReturnType<typeof contents>> };

/** A lake through the proxy (1 s request timeout, 4 attempts) and the same lake seen directly, for checks. */
function faultyLake() {
  const store = testS3Store({ endpoint: proxy.endpoint, requestTimeoutMs: 1_000, maxAttempts: 4 });
  return { deps: lakeDeps(store), direct: testS3Store({ prefix: store.options.prefix }) };
}

/** Lands `raw`, builds and publishes it; each phase in `phases` starts with `rules` fresh, the others run clean. */
async function run(
  deps: ReturnType<typeof lakeDeps>,
  raw: Record<string, Raw[]>,
  phases: Phase[] = [],
  rules: FaultRule[] = [],
) {
  const fired = { count: 0 };
  const at = (p: Phase | 'done') => {
    fired.count += proxy.injected().reduce((a, b) => a + b, 0);
    proxy.set(phases.includes(p as Phase) ? rules : []);
  };
  try {
    at('landing');
    const rawKey = await stageRaw(deps, raw);
    await refresh(deps, rawKey, { idempotencyKey: `faults/${Object.keys(raw).join(',')}`, onPhase: at });
    return fired;
  } finally {
    at('done');
  }
}

beforeAll(async () => {
  proxy = await startFaultProxy(testS3().endpoint);
  const { deps, direct } = faultyLake();
  await run(deps, V1);
  const v1 = await contents(deps.lake, direct);
  await run(deps, V2);
  reference = { v1, v2: await contents(deps.lake, direct) };
  expect(Object.keys(reference.v1).length).toBeGreaterThan(5);
  expect(reference.v2).not.toEqual(reference.v1);
});
afterAll(() => proxy?.close());

const TRANSIENT: Array<{ fault: string; rules: FaultRule[] }> = [
  { fault: 'bursts of 503 SlowDown', rules: [{ mode: 'slowdown', times: 3 }] },
  { fault: 'answers slower than the timeout', rules: [{ mode: 'slow', times: 2, delayMs: 2_500 }] },
  { fault: 'resets mid-body on GET', rules: [{ mode: 'reset', method: 'GET', times: 2 }] },
  { fault: 'resets mid-body on PUT', rules: [{ mode: 'reset', method: 'PUT', times: 2 }] },
];

describe('object-store faults (SeaweedFS behind a fault proxy)', () => {
  it.each(TRANSIENT)(
    'landing, build and publish survive $fault, with nothing lost or duplicated',
    async ({ rules }) => {
      const { deps, direct } = faultyLake();
      const fired = await run(deps, V1, ['landing', 'build', 'publish'], rules);
      expect(fired.count).toBeGreaterThan(1); // the fault did hit
      expect(await contents(deps.lake, direct)).toEqual(reference.v1);
    },
  );

  it('a lasting fault in landing, build or publish fails in one sentence and leaves the lake as it was', async () => {
    const { deps, direct } = faultyLake();
    await run(deps, V1);
    const before = await deps.lake.lakeLog.head();
    const lasting: Array<[Phase, FaultRule, RegExp]> = [
      [
        'landing',
        { mode: 'reset', method: 'PUT', key: /\.parquet$/, times: Infinity },
        /^PutObject s3:\/\/.+\.parquet failed/,
      ],
      [
        'build',
        { mode: 'slow', method: 'GET', times: Infinity, delayMs: 1_500 },
        /^GetObject s3:\/\/\S+ failed after 4 attempts/,
      ],
      [
        'publish',
        { mode: 'slowdown', method: 'PUT', key: /\/_meta\/.*\/(snapshots|current)/, times: Infinity },
        /^PutObject s3:\/\/\S+\/_meta\/\S+ failed after 4 attempts: Please reduce your request rate\.$/,
      ],
    ];
    for (const [phase, rule, message] of lasting) {
      const error = await run(deps, V2, [phase], [rule]).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message, phase).toMatch(message);
      expect(error!.message).not.toContain('\n');
      expect((await deps.lake.lakeLog.head())?.snapshot_id, phase).toBe(before?.snapshot_id);
      expect(await contents(deps.lake, direct)).toEqual(reference.v1);
    }
    // The same refresh, run again once the store answers, publishes exactly what a run without faults does.
    await run(deps, V2);
    expect(await contents(deps.lake, direct)).toEqual(reference.v2);
  });

  it('a file above the multipart threshold survives failed parts; a lasting part failure aborts and writes nothing', async () => {
    const MiB = 1024 * 1024;
    const store = testS3Store({
      endpoint: proxy.endpoint,
      maxAttempts: 4,
      multipartThreshold: 6 * MiB,
      partSize: 5 * MiB,
    });
    const direct = testS3Store({ prefix: store.options.prefix });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'devenir-multipart-')), 'big.bin');
    const bytes = randomBytes(12 * MiB); // three parts
    writeFileSync(file, bytes);
    const sha = (b: Buffer | undefined) => b && createHash('sha256').update(b).digest('hex');

    proxy.set([
      { mode: 'slowdown', uploadPart: true, times: 2 },
      { mode: 'reset', uploadPart: true, skip: 1, times: 1 },
    ]);
    await store.uploadFile('exports/big.bin', file);
    expect(proxy.injected().reduce((a, b) => a + b, 0)).toBeGreaterThan(1); // the faults did hit parts
    expect(sha((await direct.get('exports/big.bin'))?.body)).toBe(sha(bytes));

    proxy.set([{ mode: 'reset', uploadPart: true, times: Infinity }]);
    const error = await store.uploadFile('exports/lost.bin', file).then(
      () => undefined,
      (e: Error) => e,
    );
    proxy.set([]);
    expect(error?.message).toMatch(/^multipart upload of s3:\/\/\S+\/exports\/lost\.bin failed/);
    expect(error!.message).not.toContain('\n');
    expect(await direct.head('exports/lost.bin')).toBeUndefined();
    const pending = await direct.client.send(
      new ListMultipartUploadsCommand({ Bucket: direct.options.bucket, Prefix: `${direct.options.prefix}/exports/` }),
    );
    expect((pending.Uploads ?? []).map((u) => u.Key)).toEqual([]);
  });
});
