import { describe, expect, test } from 'vitest';
import { checkModels } from '../../lake/contract-checks.js';
import { loadRealSample } from './sample-loader.js';
import { runModels } from '../../lake/transform-runner.js';
import { COVERAGE_SUMMARY_SQL } from '../../infra/commands/coverage-summary.js';
import { ceilingMismatches, secrecyLeaks } from './coverage-invariants.js';
import { models, openDb, PARAMS, rows } from './support.js';

describe('the real sample extracts of data/sample', () => {
  test('build every model: every InserJeunes regional row links to a certification; contracts hold', async () => {
    const db = await openDb();
    const raw = await loadRealSample(db);
    const started = performance.now();
    const stats = await runModels(db, await models(), { params: PARAMS });
    const ms = Math.round(performance.now() - started);

    const [links] = await rows(
      db,
      `
      select count(*)::integer as lignes,
        count(*) filter (where code_certification not in (select code_certification from matched.certifications))::integer as sans_certification
      from staging.stg_inserjeunes__regionales`,
    );
    expect(links.lignes).toBeGreaterThan(29_000);
    expect(links.sans_certification).toBe(0);
    const [regional] = await rows(
      db,
      `select count(*)::integer as n from matched.stats_regionales where code_certification_type is null`,
    );
    expect(regional.n).toBe(0);

    const results = await checkModels(db, await models(), { rowDriftThreshold: 0.5 });
    const errors = results.filter((r) => !r.passed && r.severity === 'error');
    expect(errors.map((r) => r.message)).toEqual([]);

    const published = Object.fromEntries(
      Object.entries(stats)
        .filter(([id]) => id.startsWith('published.'))
        .map(([id, s]) => [id, s.rows]),
    );
    const missing = [...new Set(Object.values(stats).flatMap((s) => s.missingRaw))].sort();
    const slowest = Object.entries(stats)
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 8)
      .map(([id, s]) => `${id} ${s.ms} ms`);
    console.log(
      JSON.stringify(
        {
          raw,
          buildMs: ms,
          slowest,
          published,
          missingRaw: missing,
          warnings: results.filter((r) => !r.passed).map((r) => r.message),
        },
        null,
        2,
      ),
    );
    expect(published['published.stats_regionales']).toBeGreaterThan(29_000);

    // Coverage of the real ONISEP and apprenticeship catalogues (the sample has regional figures only): the cascade
    // reaches its ceiling, and no published table shows a figure under the threshold.
    console.log(JSON.stringify(await rows(db, COVERAGE_SUMMARY_SQL)));
    expect(await ceilingMismatches(db)).toEqual([]);
    expect(await secrecyLeaks(db)).toEqual([]);
    expect(missing).toContain('parcoursup__formations');
  });
});
