import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import type { LandingReport } from '../../activities/land/connector.js';
import { HttpClient } from '../../activities/land/http.js';
import { parcoursupConnector } from '../../activities/land/parcoursup.js';
import { parcoursupSimulator } from '../../infra/simulators/parcoursup.js';
import { readSample } from '../../infra/simulators/sample-data.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

type Row = Record<string, string>;
let sims: RunningSimulators;
let baseUrl: string;
const today = '2026-11-29';

beforeAll(async () => {
  sims = await startSimulatorServer([parcoursupSimulator]);
  baseUrl = sims.baseUrls.parcoursup!;
});
afterAll(() => sims.close());
afterEach(() => {
  sims.faults.clear();
  sims.requests.delete('parcoursup');
});

const csvRows = (report: LandingReport): Row[] =>
  parse(readFileSync(report.files[0].path, 'utf8'), { columns: true, delimiter: ';' }) as Row[];
const jsonRows = (report: LandingReport): Row[] =>
  readFileSync(report.files[0].path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => landedRecord<Row>(l, i));
const land = (dataset: string) => {
  const { ctx, root } = testLandContext('parcoursup', baseUrl);
  return parcoursupConnector.land(ctx, { dataset, period: today }).then((report) => Object.assign(report, { root }));
};
const sampleCsv = (file: string, delimiter = ';') =>
  parse(readSample(file).toString('utf8'), {
    columns: true,
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
  }) as Row[];
const cartographie = () =>
  (
    JSON.parse(
      readSample('parcoursup/fr-esr-cartographie_formations_parcoursup_2021_179.json').toString('utf8'),
    ) as Array<{ fields: Record<string, unknown> }>
  ).map((r) => r.fields);

describe('parcoursup connector against the Parcoursup simulator', () => {
  it('lands the Windows-1252 formations export as UTF-8 CSV, one row per real cartographie formation', async () => {
    const report = await land('formations');
    const raw = readFileSync(`${report.root}/${report.files[0].rawKey}`);
    expect(raw.includes(Buffer.from('ACAD\xC9MIE', 'latin1'))).toBe(true);
    expect(report.files[0].format).toEqual({ kind: 'csv', delimiter: ';', header: true });
    const landed = csvRows(report);
    expect(Object.keys(landed[0])).toEqual([
      'UAI_GES',
      'UAI_COMPOSANTE',
      'LIB_COMPOSANTE',
      'LIB_INS',
      'UAI_AFF',
      'LIB_AFF',
      'ACADÉMIE',
      'CODEFORMATION',
      'LIBFORMATION',
      'CODESPÉCIALITÉ',
      'LIBSPÉCIALITÉ',
      'CODESPÉFORMATIONINITIALE',
      'CODEMEF',
      'CODECFD',
      'CODEFORMATIONINSCRIPTION',
      'CODEFORMATIONACCUEIL',
      'CODESISE',
      'LISTE_IDEO',
      'ID_RCO',
      'FORMATION_PARAMÉTRÉE',
      'APPRENTISSAGEOUSCOLAIRE',
      'LISTE_RNCP',
      'CAPACITE',
      'NBDEDEMANDES',
    ]);
    const real = cartographie();
    expect(landed.map((r) => r.CODEFORMATIONACCUEIL).sort()).toEqual(real.map((f) => String(f.gta)).sort());
    expect(landed.find((r) => r.CODEFORMATIONACCUEIL === '14117')).toMatchObject({
      UAI_AFF: '0332813D',
      LIB_AFF: 'CFA Campus du Lac - Campus de Bordeaux. (33)',
      ACADÉMIE: 'Bordeaux',
      LIBFORMATION: 'BTS - Services',
      CODESPÉCIALITÉ: '11418',
      LIBSPÉCIALITÉ: 'Négociation et digitalisation de la Relation Client',
      APPRENTISSAGEOUSCOLAIRE: 'Apprentissage',
      CODEFORMATIONINSCRIPTION: '14117',
    });
    expect(landed.filter((r) => r.APPRENTISSAGEOUSCOLAIRE === 'Apprentissage')).toHaveLength(
      real.filter((f) => f.app).length,
    );
    expect(report).toMatchObject({ drift: { unknownColumns: [], unknownMeasures: [] } });
    expect(report.requests).toBeGreaterThanOrEqual(1); // more only when one was retried
    expect(report.validators.lastModified).toBe('Mon, 13 Dec 2021 05:03:12 GMT');
  });

  it('fills the candidate codes so that every step of the matching cascade has cases', async () => {
    const landed = csvRows(await land('formations'));
    const mefs = new Set(sampleCsv('bcn/N_MEF.csv').map((r) => r.MEF));
    const cfds = new Set(sampleCsv('bcn/V_FORMATION_DIPLOME.csv').map((r) => r.FORMATION_DIPLOME));
    const rncp = new Set(sampleCsv('certifinfo/kit_apprentissage_CodeDiplome_RNCP.csv').map((r) => r.Code_RNCP));
    const sise = new Set(
      (
        JSON.parse(readSample('insersup/insersup_old_schema_results_2.json').toString('utf8')) as { results: Row[] }
      ).results.map((r) => r.diplome),
    );
    const only = (r: Row, ...filled: string[]) =>
      ['CODEMEF', 'CODECFD', 'LISTE_RNCP', 'LISTE_IDEO'].every((c) => (r[c] !== '') === filled.includes(c));
    const ndrc = landed.find((r) => r.CODEFORMATIONACCUEIL === '4283')!;
    expect(
      mefs.has(ndrc.CODEMEF) ||
        cfds.has(ndrc.CODECFD) ||
        ndrc.LISTE_RNCP.includes('RNCP38368') ||
        ndrc.LISTE_IDEO === 'FOR.2316' ||
        only(ndrc),
    ).toBe(true);
    expect(landed.filter((r) => only(r, 'CODEMEF') && mefs.has(r.CODEMEF)).length).toBeGreaterThan(0);
    expect(landed.filter((r) => only(r, 'CODECFD') && cfds.has(r.CODECFD)).length).toBeGreaterThan(0);
    expect(
      landed.filter((r) => only(r, 'LISTE_RNCP') && r.LISTE_RNCP.split(';').some((c) => rncp.has(c))).length,
    ).toBeGreaterThan(0);
    expect(
      landed.filter((r) => only(r, 'LISTE_IDEO') && /^FOR\.\d+$/.test(r.LISTE_IDEO.split(';')[0])).length,
    ).toBeGreaterThan(0);
    expect(
      landed.filter((r) => r.CODEMEF && !mefs.has(r.CODEMEF)).length +
        landed.filter((r) => r.CODECFD && !cfds.has(r.CODECFD)).length,
    ).toBeGreaterThan(0);
    expect(
      landed.filter((r) => r.APPRENTISSAGEOUSCOLAIRE === 'Apprentissage' && only(r, 'CODEMEF')).length,
    ).toBeGreaterThan(0);
    expect(landed.filter((r) => r.LISTE_RNCP.includes(';')).length).toBeGreaterThan(0);
    expect(landed.filter((r) => r.CODEFORMATION.startsWith('2') && only(r)).length).toBeGreaterThan(0);
    const superieur = landed.filter((r) => ['89000', '89100', '89200', '3001'].includes(r.CODEFORMATION));
    expect(superieur.filter((r) => sise.has(r.CODESISE)).length).toBeGreaterThan(0);
    expect(
      superieur.filter((r) => r.CODESISE && !sise.has(r.CODESISE)).length + superieur.filter((r) => !r.CODESISE).length,
    ).toBeGreaterThan(0);
    expect(new Set(landed.map((r) => r.FORMATION_PARAMÉTRÉE))).toEqual(new Set(['Paramétrée', 'Non Paramétrée']));
  });

  it('serves the same bytes on every run', async () => {
    const [a, b] = [await land('formations'), await land('formations')];
    expect(a.validators.etag).toBe(b.validators.etag);
    expect(a.files[0].rawKey).toBe(b.files[0].rawKey);
  });

  it('lands the real cartographie records from the open-data export, values as text', async () => {
    const report = await land('cartographie');
    const landed = jsonRows(report);
    expect(landed).toHaveLength(179);
    const real = cartographie().find((f) => f.gta === 14117)!;
    expect(landed.find((r) => r.gta === '14117')).toMatchObject({
      etab_uai: '0332813D',
      nm: real.nm,
      tc: 'Etablissements Privés',
      app: 'Formations en apprentissage',
      gti: '14117',
      etab_gps: '{"lon":-0.57437,"lat":44.8763}',
      annee: '2021',
    });
    expect(report.files[0].rawKey).toMatch(/^raw\/parcoursup\/cartographie\/2026-11-29\/[0-9a-f]{64}\.json$/);
    expect(report.drift.unknownColumns).toEqual([]);
  });

  it('retries a 429 with Retry-After, a burst of 503, a truncated body and an HTML page on both channels', async () => {
    const clean = csvRows(await land('formations'));
    sims.faults.add({ source: 'parcoursup', kind: 'status', status: 429, retryAfter: 1, match: '/exports/', times: 1 });
    const started = Date.now();
    expect(csvRows(await land('formations'))).toEqual(clean);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    for (const fault of [
      { kind: 'status' as const, status: 503, times: 2 },
      { kind: 'truncate' as const, times: 1 },
      { kind: 'html' as const, times: 1 },
    ]) {
      sims.faults.add({ source: 'parcoursup', match: '/exports/', ...fault });
      const report = await land('formations');
      expect(csvRows(report)).toEqual(clean);
      expect(report.requests).toBeGreaterThanOrEqual(1 + fault.times); // more only when one was retried
      sims.faults.add({ source: 'parcoursup', match: 'cartographie', ...fault });
      expect(jsonRows(await land('cartographie'))).toHaveLength(179);
    }
    sims.faults.add({ source: 'parcoursup', kind: 'html', match: '/exports/' });
    await expect(land('formations')).rejects.toMatchObject({
      name: 'HttpError',
      retryable: true,
      message: expect.stringContaining('HTML page'),
    });
    sims.faults.clear();
    sims.faults.add({ source: 'parcoursup', kind: 'truncate', match: '/exports/', times: 1 });
    const { ctx } = testLandContext('parcoursup', baseUrl);
    ctx.http = new HttpClient({ source: 'parcoursup', baseUrl, ratePerSecond: 200, retries: 0 });
    await expect(parcoursupConnector.land(ctx, { dataset: 'formations', period: today })).rejects.toMatchObject({
      name: 'HttpError',
      retryable: true,
    });
  });

  it('stops on a missing code column and reports a new column as drift', async () => {
    sims.faults.add({
      source: 'parcoursup',
      kind: 'rename-column',
      column: 'CODEMEF',
      to: 'CODE_MEF',
      match: '/exports/',
    });
    await expect(land('formations')).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringContaining('"codemef"'),
    });
    sims.faults.clear();
    sims.faults.add({
      source: 'parcoursup',
      kind: 'extra-column',
      column: 'NbDemandeEnPlus',
      to: '3',
      match: '/exports/',
    });
    sims.faults.add({
      source: 'parcoursup',
      kind: 'extra-column',
      column: 'Voie d’accès',
      to: 'Lycée',
      match: '/exports/',
    });
    const report = await land('formations');
    expect(report.drift.unknownColumns).toEqual(['voie_d_acces']);
    expect(csvRows(report)[0]['Voie d’accès']).toBe('Lycée');
  });
});
