import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import type { DatasetSpec, LandingReport } from '../../activities/land/connector.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { onisepConnector } from '../../activities/land/onisep.js';
import { onisepSimulator } from '../../infra/simulators/onisep.js';
import { readSampleCsv } from '../../infra/simulators/sample-csv.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

let sims: RunningSimulators;
let baseUrl: string;
const period = '2026-11-29';
const API = { DEVENIR_ONISEP_MODE: 'api' };

beforeAll(async () => {
  sims = await startSimulatorServer([onisepSimulator]);
  baseUrl = sims.baseUrls.onisep!;
});
afterAll(() => sims.close());
afterEach(() => sims.faults.clear());

const rows = (report: LandingReport) =>
  readFileSync(report.files[0].path, 'utf8')
    .trim()
    .split('\n')
    .map((l, i) => landedRecord<Record<string, string>>(l, i));
const land = (dataset: string, env: NodeJS.ProcessEnv = {}) =>
  onisepConnector.land(testLandContext('onisep', baseUrl, { env }).ctx, { dataset, period });

/** The table de passage rows the generator must derive from the real Certif Info extract. */
function expectedPassage() {
  return readSampleCsv('certifinfo/certif_info.csv', { delimiter: ';', encoding: 'utf-8', quoted: false }).rows.filter(
    (r) => r.codeIdeo2.startsWith('FOR.') && r.Etat === '0' && (r.Code_RNCP !== '' || r['Code_Scolarité'] !== ''),
  );
}

/** Runs the raw layer's landing step (DuckDB) on a report: rows kept, rows quarantined with reasons, columns. */
async function stage(report: LandingReport, spec: DatasetSpec) {
  return Workspace.with(async (ws) => {
    const t = await stageLanding(ws, report.files, spec, period, 'test');
    const columns = (await ws.rows<{ column_name: string }>('describe landed')).map((c) => c.column_name);
    return { rows: t.rows, quarantined: t.quarantined, reasons: t.sampleReasons, columns };
  });
}

describe('onisep connector against the ONISEP simulator', () => {
  it('lands Idéo-Formations initiales from the JSON download, every real formation, accents intact', async () => {
    const report = await land('formations_initiales');
    const landed = rows(report);
    expect(landed).toHaveLength(6086);
    expect(landed[0]).toMatchObject({
      'libellé formation principal': "Chargé d'accompagnement social et professionnel",
      'code RNCP': '7426',
      'lien site onisep.fr': 'http://www.onisep.fr/http/redirection/formation/slug/FOR.6913',
      'domaine/sous-domaine': 'santé - social - sport/travail social',
    });
    expect(report.drift.unknownColumns).toEqual([]);
    expect(report.requests).toBeGreaterThanOrEqual(1); // more only when one was retried
  });

  it('lands the generated table de passage, one row per published Certif Info record linked to Idéo', async () => {
    const expected = expectedPassage();
    const landed = rows(await land('table_de_passage'));
    expect(landed).toHaveLength(expected.length);
    const first = expected[0];
    expect(landed[0]).toMatchObject({
      certif_info_ci_identifiant: first.Code_Diplome,
      ideo_identifiant_formation: first.codeIdeo2,
      ci_code_rncp: first.Code_RNCP,
      ci_code_scolarite: first['Code_Scolarité'],
    });
    expect(landed.every((r) => /^FOR\.\d+$/.test(r.ideo_identifiant_formation))).toBe(true);
  });

  it('lands the same records through the ONISEP API: login, a size-1 call for total, then pages of 1000', async () => {
    const download = rows(await land('formations_initiales'));
    const report = await land('formations_initiales', API);
    expect(rows(report)).toEqual(download);
    expect(report.requests).toBeGreaterThanOrEqual(1 + 1 + 7); // more only when one was retried
    const searches = sims.requests.get('onisep')!.filter((r) => r.includes('/search?'));
    expect(searches.slice(-8).map((r) => new URL(r.split(' ')[1], 'http://x').searchParams.get('from'))).toEqual([
      '0',
      '0',
      '1000',
      '2000',
      '3000',
      '4000',
      '5000',
      '6000',
    ]);
  });

  it('fails for good on bad credentials and logs in again once when the token expires', async () => {
    await expect(land('table_de_passage', { ...API, DEVENIR_ONISEP_PASSWORD: 'wrong' })).rejects.toMatchObject({
      name: 'HttpError',
      status: 401,
      retryable: false,
    });
    const { ctx } = testLandContext('onisep', 'https://api.opendata.onisep.fr', { env: API });
    await expect(onisepConnector.land(ctx, { dataset: 'table_de_passage', period })).rejects.toThrow(
      /DEVENIR_ONISEP_APP_ID/,
    );
    sims.faults.add({ source: 'onisep', kind: 'expire-token', match: '/search', times: 1 });
    const report = await land('table_de_passage', API);
    expect(rows(report)).toHaveLength(expectedPassage().length);
    expect(report.requests).toBeGreaterThanOrEqual(2 + 1 + 1 + 4); // more only when one was retried
  });

  it('retries a 429 with Retry-After, 503 bursts, a truncated body and an HTML page', async () => {
    sims.faults.add({ source: 'onisep', kind: 'status', status: 429, retryAfter: 1, match: '/downloads/', times: 1 });
    sims.faults.add({ source: 'onisep', kind: 'truncate', match: '/downloads/', times: 1 });
    sims.faults.add({ source: 'onisep', kind: 'html', match: '/downloads/', times: 1 });
    expect(rows(await land('formations_initiales'))).toHaveLength(6086);
    sims.faults.add({ source: 'onisep', kind: 'status', status: 503, match: '/search', times: 2 });
    sims.faults.add({ source: 'onisep', kind: 'truncate', match: '/search', times: 1 });
    expect(rows(await land('formations_initiales', API))).toHaveLength(6086);
  });

  it('stops with a ContractError on a missing required column and reports an extra one as drift', async () => {
    sims.faults.add({ source: 'onisep', kind: 'drop-column', column: 'code RNCP', match: '/downloads/5fa591127f501' });
    await expect(land('formations_initiales')).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(/onisep: dataset formations_initiales: required column "code_rncp" missing/),
    });
    sims.faults.clear();
    sims.faults.add({
      source: 'onisep',
      kind: 'extra-column',
      column: 'ci_code_rs',
      to: 'RS5638',
      match: '6152ccdf850ef',
    });
    const report = await land('table_de_passage', API);
    expect(report.drift.unknownColumns).toEqual(['ci_code_rs']);
  });

  it('stages every record through the raw-layer landing step, none quarantined', async () => {
    const formations = await stage(await land('formations_initiales'), onisepConnector.datasets.formations_initiales);
    expect(formations).toMatchObject({ rows: 6086, quarantined: 0 });
    expect(formations.columns).toEqual(
      expect.arrayContaining([
        'lien_site_onisep_fr',
        'libelle_formation_principal',
        'libelle_type_formation',
        'code_rncp',
        'domaine_sous_domaine',
      ]),
    );
    const passage = await stage(await land('table_de_passage', API), onisepConnector.datasets.table_de_passage);
    expect(passage).toMatchObject({ rows: expectedPassage().length, quarantined: 0 });
  });
});
