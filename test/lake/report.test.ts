import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type HTMLElement } from 'node-html-parser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishStaged } from '../../activities/publish/publish-staged.js';
import { loadConfig } from '../../infra/config.js';
import { Workspace } from '../../lake/duckdb-session.js';
import type { StagedTable } from '../../lake/lake.js';
import { openLake } from '../../lake/open-lake.js';
import type { Lake } from '../../lake/lake.js';
import { saveStaged, stageTable } from '../../lake/staged.js';
import { runCli } from '../support/cli-run.js';
import { COUVERTURE_FIXTURE } from '../transforms/couverture-fixture.js';
import { given } from '../transforms/fixtures.js';
import { build } from '../transforms/support.js';

type Rows = Array<Record<string, unknown>>;
const MODELS = ['published.couverture', 'published.appariement_parcoursup', 'matched.appariements'];
/** What a build that failed one model passes to the publish (the model stays at its published version). */
const HELD = {
  model: 'published.stats_regionales',
  reason: 'check not_null failed: 3 rows with a null taux_emploi_6_mois',
  fix: 'fix transforms/published/stats_regionales.sql, then devenir build',
};

/**
 * A small real lake: the coverage fixture built by the real models, a raw table with its landing facts and
 * quarantine, published twice through the publish activity (which writes the report). The report's figures are
 * then read back from its HTML and compared with what `devenir query` says about the same lake.
 */
describe('the HTML report of a publish', () => {
  let dir: string;
  let lake: Lake;
  let doc: HTMLElement;
  let html: string;
  const env = () => ({ DEVENIR_LAKE: path.join(dir, 'lake'), DEVENIR_HOME: path.join(dir, 'home'), LOG_LEVEL: 'warn' });
  const cli = async (args: string[]) => {
    const r = await runCli(env(), args, { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };
  const query = async (sql: string) => JSON.parse(await cli(['query', sql, '--format', 'json'])) as Rows;

  /** Stages the models, the landed partition and the quarantine from the workspace, and publishes them. */
  async function publish(ws: Workspace, stats: Record<string, { ms: number }>, key: string, period: string) {
    const localDir = path.join(dir, 'work', key);
    const stage = (work: string, name: string, partitionColumn: string | null, replace: string[] | 'all') =>
      stageTable(ws, lake.store, work, { name, partitionColumn, replace, localDir });
    const staged: StagedTable[] = [];
    for (const model of MODELS) staged.push({ ...(await stage(model, model, null, 'all')), build_ms: stats[model].ms });
    // Only the landed period is staged, as a landing does; its facts are the latest landing's.
    await ws.run(`create or replace table landed as select * from raw.bcn__n_mef where millesime = '${period}'`);
    const raw = await stage('landed', 'raw.bcn__n_mef', 'millesime', [period]);
    raw.source = {
      fetched_at: `${period}T06:00:00.000Z`,
      drift: { unknownColumns: key === 'second' ? ['colonne_nouvelle'] : [], unknownMeasures: [] },
    };
    await ws.run(
      `create or replace table quarantine as select _raw_key, _raw_row, 'bad mef' as reason from landed limit 2`,
    );
    staged.push(raw, await stage('quarantine', 'raw.bcn__n_mef__quarantine', null, 'all'));
    const config = loadConfig(env());
    const deps = { config, store: lake.store, lake, log: pino({ level: 'warn' }), defaultSourceUrls: {} };
    const rt = { heartbeat() {}, checkpoint: undefined, signal: new AbortController().signal, attempt: 1 };
    const stagedKey = await saveStaged(lake.store, staged);
    return publishStaged(deps as never, rt as never, {
      stagedKeys: [stagedKey],
      message: key,
      idempotencyKey: key,
      heldBack: key === 'second' ? [HELD] : [],
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'devenir-report-'));
    lake = await openLake({ lake: path.join(dir, 'lake') });
    const second = await Workspace.with(async (ws) => {
      await given(ws.connection, COUVERTURE_FIXTURE);
      const stats = await build(ws.connection);
      await publish(ws, stats, 'first', '2025-01-01');
      // One coverage row changes its count (same unique key): one changed row; a new landing period adds rows.
      await ws.run(`update published.couverture set nb_formations = nb_formations + 5
        where (catalogue, niveau_donnee, filiere, methode, couverture) in (
          select catalogue, niveau_donnee, filiere, methode, couverture from published.couverture order by all limit 1)`);
      await ws.run(`insert into raw.bcn__n_mef select * replace ('2026-01-01' as millesime) from raw.bcn__n_mef`);
      return publish(ws, stats, 'second', '2026-01-01');
    });
    expect(second.report).toBe(path.join(dir, 'lake', '_meta', 'report', 'index.html'));
    // `devenir report` points to the file the publish wrote.
    const url = (await cli(['report'])).trim();
    expect(url).toMatch(/^file:\/\//);
    const file = fileURLToPath(url);
    expect(existsSync(file)).toBe(true);
    const { readFile } = await import('node:fs/promises');
    html = await readFile(file, 'utf8');
    doc = parse(html);
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const data = (selector: string) => doc.querySelectorAll(selector).map((e) => e.attributes);

  it('is one offline page: charts inline as SVG, nothing fetched', () => {
    expect(doc.querySelector('body')?.getAttribute('data-snapshot')).toBe('2');
    expect(doc.querySelectorAll('#coverage ~ figure svg, figure svg').length).toBeGreaterThanOrEqual(4);
    expect(doc.querySelectorAll('script, link, img, iframe, object')).toHaveLength(0);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
  });

  it('shows coverage per catalogue, level, voie and coverage as devenir query counts it', async () => {
    const expected = new Map<string, number>();
    for (const r of await query('select * from published.couverture')) {
      const k = [r.catalogue, r.niveau_donnee, r.filiere, r.couverture].join('|');
      expected.set(k, (expected.get(k) ?? 0) + Number(r.nb_formations));
    }
    const shown = new Map(
      data('tr[data-coverage]').map((a) => [
        [a['data-catalogue'], a['data-level'], a['data-voie'], a['data-couverture']].join('|'),
        Number(a['data-formations']),
      ]),
    );
    expect(shown.size).toBeGreaterThan(3);
    expect(shown).toEqual(expected);
    for (const c of new Set([...expected.keys()].map((k) => k.split('|')[0])))
      expect(doc.querySelectorAll('svg').some((s) => s.text.includes(c))).toBe(true);
  });

  it('shows each source table with its last landing, rows, quarantined rows and drift', async () => {
    const [counts] = await query(
      'select (select count(*) from raw.bcn__n_mef) as n, (select count(*) from raw.bcn__n_mef__quarantine) as q',
    );
    const [row] = doc.querySelectorAll('tr[data-source-table="raw.bcn__n_mef"]');
    expect(Number(row.getAttribute('data-rows'))).toBe(Number(counts.n));
    expect(Number(row.getAttribute('data-quarantined'))).toBe(Number(counts.q));
    expect(Number(counts.q)).toBe(2); // the second landing's quarantine replaced the first's
    expect(row.getAttribute('data-last-landing')).toBe('2026-01-01T06:00:00.000Z');
    expect(row.text).toContain('2026-01-01'); // last period
    expect(row.text).toContain('column colonne_nouvelle');
  });

  it('shows what changed since the previous snapshot, as devenir snapshots diff does', async () => {
    const diff = JSON.parse(await cli(['snapshots', 'diff', '1', '2', '--json'])) as Rows;
    const shown = data('tr[data-change-table]').map((a) => ({
      table: a['data-change-table'],
      millesime: a['data-millesime'],
      added: Number(a['data-added']),
      removed: Number(a['data-removed']),
    }));
    const fromCli = diff.map((d) => ({
      table: d.table,
      millesime: d.millesime,
      added: Number(d.added),
      removed: Number(d.removed),
    }));
    expect(shown).toEqual(fromCli);
    const couverture = data('tr[data-change-table="published.couverture"]');
    expect(couverture.map((a) => [a['data-added'], a['data-removed'], a['data-changed']])).toEqual([['0', '0', '1']]);
    const [landed] = await query(`select count(*) as n from raw.bcn__n_mef where millesime = '2026-01-01'`);
    expect(data('tr[data-change-table="raw.bcn__n_mef"]')).toEqual([
      expect.objectContaining({ 'data-millesime': '2026-01-01', 'data-added': String(landed.n) }),
    ]);
  });

  it('shows the build time of each model, as its table snapshot records it', async () => {
    const shown = new Map(data('tr[data-model]').map((a) => [a['data-model'], a]));
    expect([...shown.keys()].sort()).toEqual([...MODELS].sort());
    const [counts] = await query(`select ${MODELS.map((m, i) => `(select count(*) from ${m}) as n${i}`).join(', ')}`);
    const manifests = await lake.tables();
    for (const [i, model] of MODELS.entries()) {
      expect(Number(shown.get(model)!['data-ms'])).toBe(manifests.get(model)!.build_ms);
      expect(Number(shown.get(model)!['data-rows'])).toBe(Number(counts[`n${i}`]));
    }
  });

  it('lists the held-back models of the lake snapshot with their reason and fix', async () => {
    const snapshot = await lake.lakeSnapshot();
    expect(snapshot!.held_back.map((h) => h.model)).toEqual([HELD.model]);
    const items = doc.querySelectorAll('li[data-held-back]');
    expect(items.map((li) => li.getAttribute('data-held-back'))).toEqual([HELD.model]);
    expect(items[0].text).toContain(HELD.reason);
    expect(items[0].text).toContain(HELD.fix);
  });
});
