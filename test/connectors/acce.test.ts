import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acceConnector } from '../../activities/land/acce.js';
import type { DatasetSpec, LandingReport } from '../../activities/land/connector.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { acceSimulator } from '../../infra/simulators/acce.js';
import { readReferenceCsv } from '../../infra/simulators/acce-inputs.js';
import { readSample } from '../../infra/simulators/sample-data.js';
import { readSampleCsv } from '../../infra/simulators/sample-csv.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

let sims: RunningSimulators;
let baseUrl: string;
const period = '2026-11-29';

beforeAll(async () => {
  sims = await startSimulatorServer([acceSimulator]);
  baseUrl = sims.baseUrls.acce!;
});
afterAll(() => sims.close());
afterEach(() => sims.faults.clear());

const rows = (report: LandingReport) =>
  parse(readFileSync(report.files[0].path, 'utf8'), { delimiter: ';', columns: true }) as Record<string, string>[];
const land = (dataset: string) => acceConnector.land(testLandContext('acce', baseUrl).ctx, { dataset, period });
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim();
const cp1252 = { delimiter: ';', encoding: 'windows-1252', quoted: false } as const;

/** Runs the raw layer's landing step (DuckDB) on a report: rows kept, rows quarantined with reasons, columns. */
async function stage(report: LandingReport, spec: DatasetSpec) {
  return Workspace.with(async (ws) => {
    const t = await stageLanding(ws, report.files, spec, period, 'test');
    const columns = (await ws.rows<{ column_name: string }>('describe landed')).map((c) => c.column_name);
    return { rows: t.rows, quarantined: t.quarantined, reasons: t.sampleReasons, columns };
  });
}

describe('acce connector against the ACCE simulator', () => {
  it('lands the real ACCE rows byte for byte (Windows-1252 accents included)', async () => {
    const report = await land('etablissements');
    const landed = new Map(rows(report).map((r) => [r.numero_uai, r]));
    const real = readSampleCsv('acce_annuaire/acce/ACCE_UAI.csv', cp1252).rows;
    for (const r of real) expect(landed.get(r.numero_uai)).toEqual(r);
    expect(landed.get('0010001W')).toMatchObject({
      commune_libe: 'Ambérieu-en-Bugey',
      nature_uai_libe: 'Lycée professionnel',
      departement_insee_3: '001',
      academie: '10',
    });
    expect(report.files[0].format).toEqual({ kind: 'csv', delimiter: ';', header: true });
    expect(report.drift.unknownColumns).toEqual([]);
  });

  it('knows every UAI the other sources use, with département, académie and région consistent', async () => {
    const landed = rows(await land('etablissements'));
    const byUai = new Map(landed.map((r) => [r.numero_uai, r]));
    expect(byUai.size).toBe(landed.length);
    const regionOf = new Map(readReferenceCsv('acce_annuaire/academies.csv').map((a) => [a.academie, a.region_libe]));
    for (const voie of ['pro', 'apprentissage']) {
      const depp = readSampleCsv(
        `inserjeunes_open_data/depp_valeur_ajoutee_etablissements/depp-2022-etablissements-2021_2022-${voie}.csv`,
        { delimiter: ';', encoding: 'utf-8' },
      ).rows;
      for (const d of depp) {
        const etab = byUai.get(d["n°UAI de l'établissement"]);
        expect(etab, d["n°UAI de l'établissement"]).toBeDefined();
        expect(ascii(regionOf.get(etab!.academie) ?? '')).toBe(ascii(d['Région']));
        const prefix = d["n°UAI de l'établissement"].slice(0, 3);
        expect(etab!.departement_insee_3).toBe(
          ({ '620': '02A', '720': '02B' } as Record<string, string>)[prefix] ?? prefix,
        );
        expect(etab!.nature_uai).toMatch(/^\d{3}$/);
      }
    }
    const carto = JSON.parse(
      readSample('parcoursup/fr-esr-cartographie_formations_parcoursup_2021_179.json').toString('utf8'),
    ) as { fields: { etab_uai: string } }[];
    for (const c of carto.filter((x) => /^\d{7}[A-Z]$/.test(x.fields.etab_uai)))
      expect(byUai.get(c.fields.etab_uai)).toMatchObject({
        departement_insee_3: '033',
        academie: '04',
        academie_libe: 'Bordeaux',
      });
    const rco = JSON.parse(
      readSample('catalogue_apprentissage/rco_catalogue-formations-apprentissage_231.json').toString('utf8'),
    ) as Record<string, string | null>[];
    for (const uai of rco.map((r) => r.etablissement_formateur_uai).filter((u): u is string => !!u))
      expect(byUai.has(uai), uai).toBe(true);
    expect(byUai.get('0062205P')).toMatchObject({
      nature_uai: '523',
      academie_libe: 'Nice',
      departement_insee_3: '006',
    });
    const annuaire = readSampleCsv('acce_annuaire/annuaire/fr-en-annuaire-education_val-de-marne_subset.csv', {
      delimiter: ';',
      encoding: 'utf-8',
    }).rows[0];
    expect(byUai.get(annuaire.Identifiant_de_l_etablissement)).toMatchObject({
      commune: annuaire.Code_commune,
      commune_libe: annuaire.Nom_commune,
      nature_uai: annuaire.code_nature,
      academie: '24',
      academie_libe: 'Créteil',
    });
  });

  it('lands the mother and daughter link files, the real rows first', async () => {
    const meres = rows(await land('uai_mere'));
    const filles = rows(await land('uai_fille'));
    const realMeres = readSampleCsv('acce_annuaire/acce/ACCE_UAI_MERE.csv', cp1252).rows;
    expect(meres.slice(0, 5)).toEqual(realMeres);
    expect(meres[0]).toMatchObject({
      numero_uai_trouve: '0010017N',
      numero_uai_mere: '0010016M',
      appellation_officielle: 'Lycée polyvalent Joseph-Marie Carriat',
    });
    expect(filles.length).toBe(meres.length);
    expect(meres.length).toBeGreaterThan(5);
    for (const m of meres.slice(5))
      expect(
        filles.some((f) => f.numero_uai_trouve === m.numero_uai_mere && f.numero_uai_fille === m.numero_uai_trouve),
      ).toBe(true);
  });

  it('retries a 429 with Retry-After, a 503 burst, a truncated file and an HTML page', async () => {
    sims.faults.add({ source: 'acce', kind: 'status', status: 429, retryAfter: 1, times: 1 });
    sims.faults.add({ source: 'acce', kind: 'status', status: 503, times: 2 });
    expect(rows(await land('uai_fille')).length).toBeGreaterThan(5);
    sims.faults.add({ source: 'acce', kind: 'truncate', times: 1 });
    sims.faults.add({ source: 'acce', kind: 'html', times: 2 });
    expect(rows(await land('uai_mere')).length).toBeGreaterThan(5);
    expect(sims.requests.get('acce')!.slice(-4)).toEqual(Array(4).fill('GET /extract/ACCE_UAI_MERE.csv'));
  });

  it('stops with a ContractError on a missing required column and reports an extra one as drift', async () => {
    sims.faults.add({ source: 'acce', kind: 'drop-column', column: 'academie', match: 'ACCE_UAI.csv' });
    await expect(land('etablissements')).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(
        /acce: dataset etablissements: required column "academie" missing from http.*ACCE_UAI\.csv/,
      ),
    });
    sims.faults.clear();
    sims.faults.add({ source: 'acce', kind: 'extra-column', column: 'code_region', to: '84', match: 'ACCE_UAI_FILLE' });
    const report = await land('uai_fille');
    expect(report.drift.unknownColumns).toEqual(['code_region']);
  });

  it('stages every row of the three files through the raw-layer landing step, none quarantined', async () => {
    for (const dataset of ['etablissements', 'uai_mere', 'uai_fille']) {
      const report = await land(dataset);
      const staged = await stage(report, acceConnector.datasets[dataset]);
      expect(staged, staged.reasons.join(' | ')).toMatchObject({ rows: rows(report).length, quarantined: 0 });
    }
  });
});
