import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../activities/export/run-query.js';
import type { RunResult } from '../../infra/commands/run-summary.js';
import type { RefreshSourceResult } from '../../workflows/refresh-source-workflow.js';
import { contentChecksums } from '../support/checksums.js';
import { runCli } from '../support/cli-run.js';
import { startHarness, type Harness } from '../support/harness.js';

const IJ = ['refresh', '--source', 'inserjeunes', '--dataset', 'nationales', '--millesime', '2022', '--wait'];
const BCN = ['refresh', '--source', 'bcn', '--dataset', 'n_niveau_formation_diplome', '--wait'];
/** A CFD of the right form that the BCN does not know: the figures' link to the referential breaks. */
const BAD_CODE = 'ZZ999999';
const FAILING = 'matched.stats_toutes_echelles';
const FIX = 'fix the source (or the model), then refresh it: the held-back models are rebuilt on the next publish';

/** The closing sentence of a CLI run: its last line on stderr, less the `devenir: ` of an error. */
const sentence = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .at(-1)!
    .replace(/^devenir: /, '');

/**
 * Issue 10 through the CLI, on real Temporal, SeaweedFS and DuckDB: InserJeunes sends figures for a certification the
 * BCN does not know, so an error-severity relationship check fails. That model and what reads it are held back at
 * their published version, the other source's change publishes, the run says so and exits 1; once the source is
 * fixed, the next refresh publishes them.
 */
describe('a failing model is held back, through the CLI', () => {
  let h: Harness;
  let held: string[] = [];
  let baseline: Record<string, { rows: number; checksum: string }>;
  const checksums = (only?: string[]) => contentChecksums(h.lake, h.config.workDir, only);
  const snapshotIds = async () =>
    Object.fromEntries([...(await h.lake.tables())].map(([name, m]) => [name, m.snapshot_id]));
  const query = async (statement: string) => (await runQuery(h.lake, statement, {}, h.config.workDir)).rows;
  /** Every checksum entry (one per millésime) of `tables`. */
  const of = (sums: typeof baseline, tables: string[]) =>
    Object.fromEntries(Object.entries(sums).filter(([k]) => tables.includes(k.split(' ')[0])));

  beforeAll(async () => {
    h = await startHarness({ lake: 's3', heartbeatTimeout: '5s' });
    await h.startWorker();
    // Two sources published: the BCN referential (raw), then InserJeunes' national figures, built over both.
    const refresh = (id: string, input: object) =>
      h.client.workflow.execute('refreshSourceWorkflow', {
        taskQueue: h.ctx.queues.workflows,
        workflowId: `${h.ctx.idPrefix}/setup/${id}`,
        args: [{ ...h.ctx, ...input }],
      }) as Promise<RefreshSourceResult>;
    await refresh('bcn', { source: 'bcn', build: false });
    const ij = await refresh('ij', { source: 'inserjeunes', datasets: ['nationales'], periods: ['2022'] });
    expect(ij.heldBack).toEqual([]);
    expect(ij.modelsRun!.length).toBeGreaterThan(0);
  });
  afterAll(async () => h?.stop());

  it('a broken source holds back its models; the other source publishes; the fix publishes them', async () => {
    baseline = await checksums();
    const ids = await snapshotIds();

    // 1. InserJeunes breaks: one national figure in 50 names an unknown certification.
    h.sims.faults.add({ source: 'inserjeunes', kind: 'bad-value', column: 'code', to: BAD_CODE, every: 50 });
    const broken = await runCli(h.env, [...IJ, '--json']);
    expect(broken.code, broken.stderr).toBe(1);
    const result = JSON.parse(broken.stdout) as RunResult;
    held = result.heldBack!.map((m) => m.model);
    expect(held).toContain(FAILING);
    expect(held).toContain('published.stats_nationales');
    expect(held.every((m) => !m.startsWith('raw.'))).toBe(true);
    const failing = result.heldBack!.find((m) => m.model === FAILING)!;
    expect(failing.reason).toMatch(
      /^checks failed: \[error\] matched\.stats_toutes_echelles: relationship\(code_certification → matched\.certifications\.code_certification/,
    );
    expect(failing.reason).toContain(BAD_CODE);
    for (const m of result.heldBack!.filter((x) => x.model !== FAILING))
      expect(m.reason).toMatch(/^it reads \S+, which is held back$/);
    expect(result.tablesChanged).toContain('raw.inserjeunes__nationales'); // what the source sent is kept
    expect(result.tablesChanged!.filter((t) => held.includes(t))).toEqual([]);
    expect(sentence(broken.stderr)).toBe(
      `Published snapshot ${result.snapshotId}: ${result.tablesChanged!.length} tables changed, ${result.modelsRun!.length} models run; held back ${FAILING} (${failing.reason}) and the ${held.length - 1} models that read it; fix: ${FIX}.`,
    );
    const afterBroken = await checksums();
    expect(of(afterBroken, held)).toEqual(of(baseline, held));
    const now = await snapshotIds();
    for (const m of held) expect(now[m], m).toBe(ids[m]);

    // 2. In the same state, BCN relabels its diploma levels: its models publish, InserJeunes' stay held back.
    h.sims.faults.add({
      source: 'bcn',
      kind: 'extra-column',
      column: 'libelle_court',
      to: 'NIVEAU MODIFIÉ',
      match: 'N_NIVEAU_FORMATION_DIPLOME',
    });
    const other = await runCli(h.env, BCN);
    expect(other.code, other.stderr).toBe(1);
    const head = (await h.lake.lakeSnapshot())!;
    expect(head.held_back.map((m) => m.model).sort()).toEqual([...held].sort());
    const line = sentence(other.stderr);
    expect(line).toMatch(
      new RegExp(`^Published snapshot ${head.snapshot_id}: \\d+ tables changed, \\d+ models run; held back `),
    );
    expect(line).toContain(`held back ${FAILING} (`);
    expect(line).toContain(`and the ${held.length - 1} models that read it; fix: `);
    expect(line.endsWith(`; fix: ${FIX}.`)).toBe(true);
    // The terminal-less summary: the per-source table and the held-back table, no JSON.
    expect(other.stdout).toMatch(/│ bcn +│ n_niveau_formation_diplome/);
    expect(other.stdout).toMatch(/held back/);
    for (const m of held) expect(other.stdout).toContain(m);
    expect(other.stdout.trim().startsWith('{')).toBe(false);

    const changed = [
      'raw.bcn__n_niveau_formation_diplome',
      'staging.stg_bcn__niveaux',
      'matched.certifications',
      'published.certifications',
    ];
    const afterOther = await checksums();
    for (const t of changed) {
      expect(Object.keys(of(afterOther, [t])), t).not.toEqual([]);
      expect(of(afterOther, [t]), t).not.toEqual(of(afterBroken, [t]));
    }
    expect(of(afterOther, held)).toEqual(of(baseline, held));
    expect(
      await query(
        `select count(*)::integer as n from published.certifications where diplome_libelle = 'NIVEAU MODIFIÉ'`,
      ),
    ).not.toEqual([{ n: 0 }]);

    // `snapshots show` names each held-back table with its reason.
    const show = await runCli(h.env, ['snapshots', 'show', '--json']);
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout) as Array<{ table: string; held_back: string }>;
    expect(
      shown
        .filter((r) => r.held_back)
        .map((r) => r.table)
        .sort(),
    ).toEqual([...held].sort());
    expect(shown.find((r) => r.table === FAILING)!.held_back).toContain(BAD_CODE);

    // 3. The source is fixed: the next refresh publishes the held-back models, built over BCN's change too.
    h.sims.faults.clear('inserjeunes');
    const fixed = await runCli(h.env, IJ);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout.trim().split('\n').at(-1)).toMatch(
      /^Published snapshot \d+: \d+ tables changed, \d+ models run\.$/,
    );
    expect((await h.lake.lakeSnapshot())!.held_back).toEqual([]);
    const afterFix = await snapshotIds();
    for (const m of held) expect(afterFix[m], m).toBeGreaterThan(ids[m]);
    expect(
      await query(`select count(*)::integer as n from ${FAILING} where code_certification = '${BAD_CODE}'`),
    ).toEqual([{ n: 0 }]);
    expect(
      await query(`select count(*)::integer as n from ${FAILING} where diplome_libelle = 'NIVEAU MODIFIÉ'`),
    ).not.toEqual([{ n: 0 }]);
    // The figures are InserJeunes' original ones again.
    expect(
      of(await checksums(['raw.inserjeunes__nationales', 'staging.stg_inserjeunes__nationales']), [
        'raw.inserjeunes__nationales',
        'staging.stg_inserjeunes__nationales',
      ]),
    ).toEqual(of(baseline, ['raw.inserjeunes__nationales', 'staging.stg_inserjeunes__nationales']));
  });
});
