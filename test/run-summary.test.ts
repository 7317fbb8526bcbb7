import { describe, expect, it } from 'vitest';
import { formatEta } from '../infra/commands/follow.js';
import { summariseRun } from '../infra/commands/run-summary.js';

describe('the summary of refresh, backfill and build --wait', () => {
  it('a refresh-all: rows and requests per source, the snapshot, one closing line', () => {
    const s = summariseRun({
      snapshotId: 7,
      committed: true,
      tablesChanged: ['raw.bcn__n_mef', 'staging.stg_bcn__mef'],
      modelsRun: ['staging.stg_bcn__mef'],
      sources: [
        { source: 'bcn', rows: 12345, requests: 9, datasets: 6, unchanged: 5 },
        { source: 'acce', rows: 0, requests: 3, datasets: 3, unchanged: 3 },
      ],
    });
    expect(s.incomplete).toBe(false);
    expect(s.table).toMatch(/bcn\s*│\s*12,345\s*│\s*9\s*│\s*6 \(5 unchanged\)\s*│\s*landed/);
    expect(s.table).toMatch(/acce\s*│\s*0\s*│\s*3\s*│\s*3 \(3 unchanged\)\s*│\s*unchanged/);
    expect(s.sentence).toBe('Published snapshot 7: 2 tables changed, 1 models run.');
  });

  it('a build refused as stale and built again by the committer: the sentence says so, the run is complete', () => {
    const s = summariseRun({
      snapshotId: 7,
      committed: true,
      tablesChanged: ['published.t'],
      modelsRun: [],
      staleRefusals: 2,
    });
    expect(s.incomplete).toBe(false);
    expect(s.sentence).toBe(
      'Published snapshot 7: 1 tables changed, 0 models run, built again 2 times over what another committer published meanwhile.',
    );
  });

  it('held-back models: a table with reason and fix, and a sentence that names them and the fix (exit code 1)', () => {
    const s = summariseRun({
      source: 'parcoursup',
      snapshotId: 8,
      committed: true,
      tablesChanged: ['raw.parcoursup__formations'],
      landed: [{ dataset: 'formations', period: '2026-11-29', rows: 40, requests: 1 }],
      heldBack: [
        {
          model: 'staging.stg_parcoursup__formations',
          reason: 'raw.parcoursup__formations lacks column(s) lib_aff',
          fix: 'restore the columns in the export',
        },
        { model: 'published.certifications', reason: 'row_count_drift: 3 → 4026 rows' },
      ],
    });
    expect(s.incomplete).toBe(true);
    expect(s.table).toContain('staging.stg_parcoursup__formations');
    expect(s.table).toContain('restore the columns in the export');
    expect(s.sentence).toMatch(
      /^Published snapshot 8: 1 tables changed; held back staging\.stg_parcoursup__formations/,
    );
    expect(s.sentence).toContain('fix: restore the columns in the export');
    expect(s.sentence).toContain('DEVENIR_ROW_DRIFT_THRESHOLD');
    expect(s.sentence.split('\n')).toHaveLength(1);
  });

  it('a failing model and its readers: the sentence names the failure and counts the readers', () => {
    const s = summariseRun({
      snapshotId: 9,
      committed: true,
      tablesChanged: ['raw.inserjeunes__nationales'],
      heldBack: [
        { model: 'matched.stats_toutes_echelles', reason: 'checks failed: relationship(code_certification) 3 rows' },
        { model: 'matched.stats_sources', reason: 'it reads matched.stats_toutes_echelles, which is held back' },
        { model: 'published.stats_nationales', reason: 'it reads matched.stats_sources, which is held back' },
      ],
    });
    expect(s.sentence).toBe(
      'Published snapshot 9: 1 tables changed; held back matched.stats_toutes_echelles (checks failed: ' +
        'relationship(code_certification) 3 rows) and the 2 models that read it.',
    );
    expect(s.table).toContain('published.stats_nationales'); // the table still lists every model
  });

  it('nothing new: one line, no table', () => {
    expect(summariseRun({ unchanged: true, snapshotId: 3, committed: false, sources: [] })).toEqual({
      table: '',
      sentence: 'nothing new: snapshot 3 stays current',
      incomplete: false,
    });
  });

  it('nothing new with fresh datasets: which were not asked, when landed, the next publication, and --force', () => {
    const at = { fetchedAt: '2026-12-02T06:10:00.000Z', lastPublication: '2026-12-01T03:00:00.000Z' };
    const s = summariseRun({
      unchanged: true,
      snapshotId: 3,
      committed: false,
      sources: [],
      fresh: [
        {
          source: 'acce',
          dataset: 'etablissements',
          periods: ['2026-12-02'],
          ...at,
          nextPublication: '2026-12-08T03:00:00.000Z',
        },
        {
          source: 'acce',
          dataset: 'zones',
          periods: ['2026-12-02'],
          ...at,
          nextPublication: '2026-12-08T03:00:00.000Z',
        },
      ],
    });
    expect(s.table).toMatch(/acce\s*│\s*etablissements, zones\s*│\s*2026-12-02 06:10 UTC\s*│\s*2026-12-08 03:00 UTC/);
    expect(s.sentence).toBe(
      "nothing new: snapshot 3 stays current; 2 datasets not asked, landed since their publisher's last scheduled publication (--force asks them)",
    );
    expect(s.incomplete).toBe(false);
  });

  it('a backfill: one row per millésime, failures named', () => {
    const s = summariseRun({
      runs: [{ millesime: '2021_2022', rows: 500, requests: 20, snapshotId: 4, tablesChanged: 12 }],
      failed: [{ millesime: '2022_2023', error: 'HTTP 503' }],
    });
    expect(s.table).toMatch(/2021_2022\s*│\s*500\s*│\s*20\s*│\s*4\s*│\s*12 tables changed/);
    expect(s.incomplete).toBe(true);
    expect(s.sentence).toContain('failed 2022_2023 (HTTP 503)');
  });
});

describe('the progress bar ETA', () => {
  it('never shows garbage: an ellipsis until there is a rate, then minutes and seconds', () => {
    expect(formatEta(0, 10, 5_000)).toBe('…');
    expect(formatEta(0, 0, 0)).toBe('…');
    expect(formatEta(5, 10, 10_000)).toBe('10s');
    expect(formatEta(1, 10, 20_000)).toBe('3m00s');
    expect(formatEta(1, 1000, 60_000)).toBe('16h39m');
    expect(formatEta(10, 10, 1_000)).toBe('0s');
  });
});
