import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { certifinfoConnector } from '../../activities/land/certifinfo.js';
import type { DatasetSpec, LandingReport } from '../../activities/land/connector.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { certifinfoSimulator } from '../../infra/simulators/certifinfo.js';
import { readSampleCsv } from '../../infra/simulators/sample-csv.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

let sims: RunningSimulators;
let baseUrl: string;
const period = '2026-11-29';

beforeAll(async () => {
  sims = await startSimulatorServer([certifinfoSimulator]);
  baseUrl = sims.baseUrls.certifinfo!;
});
afterAll(() => sims.close());
afterEach(() => sims.faults.clear());

const rows = (report: LandingReport) =>
  parse(readFileSync(report.files[0].path, 'utf8'), { delimiter: ';', columns: true }) as Record<string, string>[];
const land = (dataset: string) =>
  certifinfoConnector.land(testLandContext('certifinfo', baseUrl).ctx, { dataset, period });
const real = readSampleCsv('certifinfo/certif_info.csv', { delimiter: ';', encoding: 'utf-8', quoted: false }).rows;

/** Runs the raw layer's landing step (DuckDB) on a report: rows kept, rows quarantined with reasons, columns. */
async function stage(report: LandingReport, spec: DatasetSpec) {
  return Workspace.with(async (ws) => {
    const t = await stageLanding(ws, report.files, spec, period, 'test');
    const columns = (await ws.rows<{ column_name: string }>('describe landed')).map((c) => c.column_name);
    return { rows: t.rows, quarantined: t.quarantined, reasons: t.sampleReasons, columns };
  });
}

describe('certifinfo connector against the data.gouv tabular API simulator', () => {
  it('lands the Latin-1 référentiel as UTF-8, every certification, labels intact', async () => {
    const report = await land('certifications');
    const landed = rows(report);
    expect(landed).toHaveLength(10067);
    expect(landed.find((r) => r.code_diplome === '1880')).toMatchObject({
      libelle_diplome: 'Magistère aménagement et urbanisme',
      codeideo2: 'FOR.846',
      code_scolarite: '',
    });
    const curly = real.find((r) => r.Libelle_Diplome.includes('’'))!;
    expect(landed.find((r) => r.code_diplome === curly.Code_Diplome)!.libelle_diplome).toBe(curly.Libelle_Diplome);
    expect(landed.find((r) => r.code_diplome === '85199')!.libelle_diplome).toBe('Test Bright Anglais "level A"');
    expect(Object.keys(landed[0])).toContain('code_ancien_scolarite');
    expect(report.drift.unknownColumns).toEqual([]);
    // Windows-1252 holds every character of the real extract: the round trip through the publisher's encoding is exact.
    expect(landed.map((r) => Object.values(r))).toEqual(real.map((r) => Object.values(r)));
  });

  it('lands the kit apprentissage CFD ↔ RNCP table', async () => {
    const landed = rows(await land('kit_apprentissage'));
    expect(landed).toHaveLength(5707);
    expect(landed[0]).toMatchObject({
      code_diplome: '32031313',
      code_rncp: 'RNCP38381',
      fiche_active_inactive: 'ACTIVE',
    });
    expect(landed.find((r) => r.code_diplome === '45023201')!.intitule_diplome_depp).toBe(
      'TAILLEUR DE PIERRES "MONUMENTS HISTORIQUES" (BP DEPARTEMENTAL)',
    );
  });

  it('retries a 429 with Retry-After, a 503 burst, a truncated file and an HTML page', async () => {
    sims.faults.add({ source: 'certifinfo', kind: 'status', status: 429, retryAfter: 1, times: 1 });
    sims.faults.add({ source: 'certifinfo', kind: 'status', status: 503, times: 2 });
    expect(rows(await land('kit_apprentissage'))).toHaveLength(5707);
    sims.faults.add({ source: 'certifinfo', kind: 'truncate', times: 1 });
    sims.faults.add({ source: 'certifinfo', kind: 'html', times: 1 });
    expect(rows(await land('certifications'))).toHaveLength(10067);
  });

  it('stops with a ContractError on a missing required column and reports an extra one as drift', async () => {
    sims.faults.add({
      source: 'certifinfo',
      kind: 'rename-column',
      column: 'Code_Scolarité',
      to: 'Code_Scolarite_BCN',
      match: '/data/csv/',
    });
    await expect(land('certifications')).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(/certifinfo: dataset certifications: required column "code_scolarite" missing/),
    });
    sims.faults.clear();
    sims.faults.add({
      source: 'certifinfo',
      kind: 'extra-column',
      column: 'Code_Sise',
      to: '2500249',
      match: '/data/csv/',
    });
    const report = await land('certifications');
    expect(report.drift.unknownColumns).toEqual(['code_sise']);
    expect(rows(report)[0].code_sise).toBe('2500249');
  });

  it('stages every row through the raw-layer landing step, none quarantined', async () => {
    const certifications = await stage(await land('certifications'), certifinfoConnector.datasets.certifications);
    expect(certifications, certifications.reasons.join(' | ')).toMatchObject({ rows: 10067, quarantined: 0 });
    expect(certifications.columns).toContain('code_scolarite');
    const kit = await stage(await land('kit_apprentissage'), certifinfoConnector.datasets.kit_apprentissage);
    expect(kit, kit.reasons.join(' | ')).toMatchObject({ rows: 5707, quarantined: 0 });
  });
});
