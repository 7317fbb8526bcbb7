import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import { bcnConnector } from '../../activities/land/bcn.js';
import type { DatasetSpec, LandingReport } from '../../activities/land/connector.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { bcnSimulator } from '../../infra/simulators/bcn.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

let sims: RunningSimulators;
let baseUrl: string;
const period = '2026-11-29';

beforeAll(async () => {
  sims = await startSimulatorServer([bcnSimulator]);
  baseUrl = sims.baseUrls.bcn!;
});
afterAll(() => sims.close());
afterEach(() => sims.faults.clear());

function rows(report: LandingReport): Record<string, unknown>[] {
  const [file] = report.files;
  const text = readFileSync(file.path, 'utf8');
  if (file.format.kind === 'ndjson')
    return text
      .trim()
      .split('\n')
      .map((l, i) => landedRecord<Record<string, unknown>>(l, i));
  return parse(text, { delimiter: file.format.delimiter, columns: true }) as Record<string, unknown>[];
}

const land = (dataset: string, env: NodeJS.ProcessEnv = {}) =>
  bcnConnector.land(testLandContext('bcn', baseUrl, { env }).ctx, { dataset, period });

/** Runs the raw layer's landing step (DuckDB) on a report: rows kept, rows quarantined with reasons, columns. */
async function stage(report: LandingReport, spec: DatasetSpec) {
  return Workspace.with(async (ws) => {
    const t = await stageLanding(ws, report.files, spec, period, 'test');
    const columns = (await ws.rows<{ column_name: string }>('describe landed')).map((c) => c.column_name);
    return { rows: t.rows, quarantined: t.quarantined, reasons: t.sampleReasons, columns };
  });
}

describe('bcn connector against the BCN simulator', () => {
  it('lands N_FORMATION_DIPLOME (Windows-1252 at the source) with its accents and every row', async () => {
    const report = await land('n_formation_diplome');
    const landed = rows(report);
    expect(landed).toHaveLength(4023);
    expect(
      landed.find((r) => r.libelle_long_200 === 'Attestation scolaire de sécurité routière de second niveau'),
    ).toBeDefined();
    expect(report.drift.unknownColumns).toEqual([]);
    expect(report.requests).toBeGreaterThanOrEqual(2); // more only when one was retried
    expect(report.files[0].rawKey).toMatch(/^raw\/bcn\/n_formation_diplome\/2026-11-29\/[0-9a-f]{64}\.json$/);
  });

  it('lands real API JSON tables and UTF-8 CSV tables with their real row counts', async () => {
    const counts: Record<string, number> = {
      n_mef: 10067,
      v_formation_diplome: 11261,
      n_niveau_formation_diplome: 215,
      n_type_diplome_sise: 235,
      n_groupe_formation: 29,
      n_lien_formation_groupe: 148,
      n_diplome_sise: 1,
      n_formation_diplome_enquete_51: 6954,
      n_lien_mef_famille_metier: 275,
      n_famille_metier_spec_pro: 20,
    };
    for (const [dataset, count] of Object.entries(counts))
      expect(rows(await land(dataset)), dataset).toHaveLength(count);
    const mef = rows(await land('n_mef')).find((r) => r.mef === '2543340421');
    expect(mef).toMatchObject({
      mef_stat_11: '25110033404',
      formation_diplome: '45033404',
      date_ouverture: '1995-09-01 00:00:00',
    });
  });

  it('lands the same rows and columns from the legacy pipe-delimited ISO-8859-1 export (DEVENIR_BCN_MODE=csv)', async () => {
    for (const dataset of ['n_formation_diplome', 'n_niveau_formation_diplome']) {
      const api = rows(await land(dataset));
      const csvReport = await land(dataset, { DEVENIR_BCN_MODE: 'csv', DEVENIR_BCN_CSV_URL: baseUrl });
      const csv = rows(csvReport);
      expect(csvReport.files[0].format).toEqual({ kind: 'csv', delimiter: '|', header: true });
      expect(Object.keys(csv[0]).sort()).toEqual(Object.keys(api[0]).sort());
      const key = dataset === 'n_formation_diplome' ? 'formation_diplome' : 'niveau_formation_diplome';
      expect(csv.map((r) => r[key]).sort()).toEqual(api.map((r) => r[key]).sort());
    }
    const csv = rows(await land('n_formation_diplome', { DEVENIR_BCN_MODE: 'csv' }));
    expect(
      csv.find((r) => r.libelle_long_200 === 'Attestation scolaire de sécurité routière de second niveau'),
    ).toBeDefined();
    expect(csv.find((r) => r.formation_diplome === '46321218')).toMatchObject({
      libelle_long_200: 'APICULTURE (CSA)',
      date_ouverture: '01/09/2017',
    });
    expect(csv.some((r) => Object.values(r).some((v) => String(v).includes('"CPES"')))).toBe(true);
  });

  it('fails for good on bad credentials, and names the variable when a real service has none', async () => {
    await expect(land('n_mef', { DEVENIR_BCN_PASSWORD: 'wrong' })).rejects.toMatchObject({
      name: 'HttpError',
      status: 401,
      retryable: false,
    });
    const { ctx } = testLandContext('bcn', 'https://omogen-api-pr.phm.education.gouv.fr/bcnAPI');
    await expect(bcnConnector.land(ctx, { dataset: 'n_mef', period })).rejects.toThrow(/DEVENIR_BCN_API_KEY/);
  });

  it('logs in again once when the token expires', async () => {
    sims.faults.add({ source: 'bcn', kind: 'expire-token', match: '/nomenclature/N_GROUPE_FORMATION', times: 1 });
    const report = await land('n_groupe_formation');
    expect(rows(report)).toHaveLength(29);
    expect(report.requests).toBeGreaterThanOrEqual(4); // more only when one was retried
    expect(
      sims.requests.get('bcn')!.filter((r) => r.startsWith('POST /auth/login-extraction')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('retries a 429 with Retry-After, a burst of 503, a truncated body and an HTML page', async () => {
    sims.faults.add({ source: 'bcn', kind: 'status', status: 429, retryAfter: 1, match: '/nomenclature/', times: 1 });
    const started = Date.now();
    expect(rows(await land('n_groupe_formation'))).toHaveLength(29);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    sims.faults.add({ source: 'bcn', kind: 'status', status: 503, match: '/nomenclature/', times: 2 });
    expect(rows(await land('n_groupe_formation'))).toHaveLength(29);
    sims.faults.add({ source: 'bcn', kind: 'truncate', match: '/nomenclature/', times: 1 });
    expect(rows(await land('n_lien_formation_groupe'))).toHaveLength(148);
    sims.faults.add({ source: 'bcn', kind: 'html', match: '/nomenclature/', times: 1 });
    expect(rows(await land('n_lien_formation_groupe'))).toHaveLength(148);
    sims.faults.add({ source: 'bcn', kind: 'html', match: '/export/CSV', times: 1 });
    sims.faults.add({ source: 'bcn', kind: 'truncate', match: '/export/CSV', times: 1 });
    expect(rows(await land('n_lien_formation_groupe', { DEVENIR_BCN_MODE: 'csv' }))).toHaveLength(148);
  });

  it('stops with a ContractError on a missing required column and reports an extra one as drift', async () => {
    sims.faults.add({
      source: 'bcn',
      kind: 'rename-column',
      column: 'formation_diplome',
      to: 'code_formation',
      match: 'N_MEF',
    });
    await expect(land('n_mef')).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(/bcn: dataset n_mef: required column "formation_diplome" missing/),
    });
    sims.faults.add({
      source: 'bcn',
      kind: 'rename-column',
      column: 'formation_diplome',
      to: 'code_formation',
      match: '/export/CSV',
    });
    await expect(land('n_mef', { DEVENIR_BCN_MODE: 'csv' })).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringContaining('"formation_diplome"'),
    });
    sims.faults.clear();
    sims.faults.add({
      source: 'bcn',
      kind: 'extra-column',
      column: 'code_nsf_2026',
      to: '331',
      match: 'N_GROUPE_FORMATION',
    });
    const report = await land('n_groupe_formation');
    expect(report.drift.unknownColumns).toEqual(['code_nsf_2026']);
    expect(rows(report)[0].code_nsf_2026).toBe('331');
  });

  it('stages every real row of every table through the raw-layer landing step, none quarantined, in both modes', async () => {
    for (const [dataset, spec] of Object.entries(bcnConnector.datasets)) {
      const staged = await stage(await land(dataset), spec);
      expect(staged.quarantined, `${dataset}: ${staged.reasons.join(' | ')}`).toBe(0);
    }
    const api = await stage(await land('n_formation_diplome'), bcnConnector.datasets.n_formation_diplome);
    const csv = await stage(
      await land('n_formation_diplome', { DEVENIR_BCN_MODE: 'csv' }),
      bcnConnector.datasets.n_formation_diplome,
    );
    expect(csv).toEqual({ ...api, reasons: [] });
    expect(api.rows).toBe(4023);
  });
});
