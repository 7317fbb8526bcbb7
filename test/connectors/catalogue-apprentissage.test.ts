import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import { catalogueApprentissageConnector } from '../../activities/land/catalogue-apprentissage.js';
import type { DatasetSpec, LandingReport } from '../../activities/land/connector.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { catalogueApprentissageSimulator } from '../../infra/simulators/catalogue-apprentissage.js';
import { readSample } from '../../infra/simulators/sample-data.js';
import { readSampleCsv } from '../../infra/simulators/sample-csv.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

let sims: RunningSimulators;
let baseUrl: string;
const period = '2026-11-29';
const source = 'catalogue-apprentissage';
const rco = JSON.parse(
  readSample('catalogue_apprentissage/rco_catalogue-formations-apprentissage_231.json').toString('utf8'),
) as Record<string, string | null>[];
const realSirets = new Set(['49917930700024', '30677271600024']);
const rcoSirets = new Set(
  rco
    .flatMap((r) => [r.etablissement_gestionnaire_siret, r.etablissement_formateur_siret])
    .filter((s): s is string => !!s),
);

beforeAll(async () => {
  sims = await startSimulatorServer([catalogueApprentissageSimulator]);
  baseUrl = sims.baseUrls[source]!;
});
afterAll(() => sims.close());
afterEach(() => sims.faults.clear());

const rows = (report: LandingReport) =>
  readFileSync(report.files[0].path, 'utf8')
    .trim()
    .split('\n')
    .map((l, i) => landedRecord<Record<string, unknown>>(l, i));
const land = (dataset: string, env: NodeJS.ProcessEnv = {}) =>
  catalogueApprentissageConnector.land(testLandContext(source, baseUrl, { env }).ctx, { dataset, period });
/** Pages in the order they were asked for, a retried page (the same request again at once) counted once. */
const pagesRequested = () =>
  (sims.requests.get(source) ?? [])
    .filter((r) => r.startsWith('GET /entity/formations'))
    .map((r) => new URL(r.slice(4), 'http://x').searchParams)
    .map((p) => `${p.get('page')}/${p.get('limit')}`)
    .filter((page, i, all) => page !== all[i - 1]);

/** Runs the raw layer's landing step (DuckDB) on a report: rows kept, rows quarantined with reasons, columns. */
async function stage(report: LandingReport, spec: DatasetSpec) {
  return Workspace.with(async (ws) => {
    const t = await stageLanding(ws, report.files, spec, period, 'test');
    const columns = (await ws.rows<{ column_name: string }>('describe landed')).map((c) => c.column_name);
    return { rows: t.rows, quarantined: t.quarantined, reasons: t.sampleReasons, columns };
  });
}

describe('catalogue-apprentissage connector against the catalogue simulator', () => {
  it('lands every formation (2 real + one per real RCO action), reading the pages in order, each once but for retries', async () => {
    sims.requests.clear();
    const report = await land('formations');
    const landed = rows(report);
    expect(landed).toHaveLength(2 + rco.length);
    expect(pagesRequested()).toEqual(['1/1', '1/100', '2/100', '3/100']);
    expect(report.requests).toBeGreaterThanOrEqual(5); // more only when one was retried
    expect(landed[0]).toMatchObject({
      id: '5fc616c5712d48a988133fa7',
      cfd: '46X25201',
      rncp_code: 'RNCP36721',
      uai_formation: '0331707B',
      bcn_mefs_10: '[]',
      periode: '["2021-09-01T00:00:00.000Z"]',
    });
    expect(landed[0]).not.toHaveProperty('_id');
    expect(JSON.parse(landed[1].bcn_mefs_10 as string)).toEqual([
      { mef10: '3112310721', modalite: { duree: '2', annee: '1' } },
      { mef10: '3112310722', modalite: { duree: '2', annee: '2' } },
    ]);
    expect(report.drift.unknownColumns).toEqual([]);
  });

  it('generates formations from the real RCO actions and BCN labels', async () => {
    const landed = rows(await land('formations'));
    const bcn = new Map(
      readSampleCsv('bcn/N_FORMATION_DIPLOME.csv', {
        delimiter: ';',
        encoding: 'windows-1252',
        quoted: false,
      }).rows.map((r) => [r.FORMATION_DIPLOME, r]),
    );
    for (const r of rco) {
      const f = landed.find((x) => x.id_action === r.id_action && x.id_formation === r.id_formation);
      expect(f, String(r.id_action)).toMatchObject({
        cfd: r.cfd,
        rncp_code: r.rncp_code,
        id_certifinfo: r.id_certifinfo,
        etablissement_gestionnaire_siret: r.etablissement_gestionnaire_siret,
        etablissement_formateur_uai: r.etablissement_formateur_uai,
      });
      if (r.cfd && bcn.has(r.cfd)) expect(f!.intitule_long).toBe(bcn.get(r.cfd)!.LIBELLE_LONG_200);
    }
    // bcn_mefs_10: the open MEF of the formation's CFD in the real N_MEF.
    const mefs = readSampleCsv('bcn/N_MEF.csv', { delimiter: ';', encoding: 'utf-8', quoted: false }).rows.filter(
      (m) => !m.DATE_FERMETURE,
    );
    const cfd = rco.find((r) => r.cfd && mefs.some((m) => m.FORMATION_DIPLOME === r.cfd))!.cfd;
    const generated = landed.find((f) => f.cfd === cfd && f.id_action)!;
    expect(JSON.parse(generated.bcn_mefs_10 as string).map((m: { mef10: string }) => m.mef10)).toEqual(
      mefs.filter((m) => m.FORMATION_DIPLOME === cfd).map((m) => m.MEF),
    );
  });

  it('lands établissements: the 2 real ones and one per SIRET of the RCO feed', async () => {
    const landed = rows(await land('etablissements'));
    expect(landed).toHaveLength(new Set([...realSirets, ...rcoSirets]).size);
    expect(landed.find((e) => e.siret === '30677271600024')).toMatchObject({
      uai: '0251893X',
      nom_academie: 'Besançon',
      entreprise_raison_sociale: 'CENTRE FORMATION BOURGOGNE FRANCHE COMTE',
    });
  });

  it('fails for good on bad credentials and logs in again once when the session expires', async () => {
    await expect(land('etablissements', { DEVENIR_CATALOGUE_APPRENTISSAGE_PASSWORD: 'wrong' })).rejects.toMatchObject({
      name: 'HttpError',
      status: 401,
      retryable: false,
    });
    const { ctx } = testLandContext(source, 'https://catalogue.apprentissage.education.gouv.fr/api/v1');
    await expect(catalogueApprentissageConnector.land(ctx, { dataset: 'formations', period })).rejects.toThrow(
      /DEVENIR_CATALOGUE_APPRENTISSAGE_USERNAME/,
    );
    sims.faults.add({ source, kind: 'expire-token', match: '/entity/formations', times: 1 });
    const report = await land('formations');
    expect(rows(report)).toHaveLength(2 + rco.length);
    expect(report.requests).toBeGreaterThanOrEqual(7); // more only when one was retried
  });

  it('retries a 429 with Retry-After, 503 bursts, a truncated page and an HTML page without reading a page twice into the result', async () => {
    sims.faults.add({ source, kind: 'status', status: 429, retryAfter: 1, match: '/entity/', times: 1 });
    sims.faults.add({ source, kind: 'status', status: 503, match: 'page=2&limit=100', times: 2 });
    sims.faults.add({ source, kind: 'truncate', match: 'page=3&limit=100', times: 1 });
    const landed = rows(await land('formations'));
    expect(new Set(landed.map((f) => f.id)).size).toBe(2 + rco.length);
    sims.faults.add({ source, kind: 'html', match: '/entity/', times: 2 });
    expect(rows(await land('etablissements')).length).toBeGreaterThan(2);
  });

  it('stops with a ContractError on a missing required column and reports an extra one as drift', async () => {
    sims.faults.add({ source, kind: 'drop-column', column: 'cle_ministere_educatif', match: '/entity/formations' });
    await expect(land('formations')).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(
        /catalogue-apprentissage: dataset formations: required column "cle_ministere_educatif" missing/,
      ),
    });
    sims.faults.clear();
    sims.faults.add({
      source,
      kind: 'extra-column',
      column: 'qualiopi_2026',
      to: 'true',
      match: '/entity/etablissements',
    });
    expect((await land('etablissements')).drift.unknownColumns).toEqual(['qualiopi_2026']);
  });

  it('stages every record through the raw-layer landing step, none quarantined, `_id` not doubled', async () => {
    const formations = await stage(await land('formations'), catalogueApprentissageConnector.datasets.formations);
    expect(formations, formations.reasons.join(' | ')).toMatchObject({ rows: 2 + rco.length, quarantined: 0 });
    expect(formations.columns).not.toContain('id_2');
    const etablissements = await stage(
      await land('etablissements'),
      catalogueApprentissageConnector.datasets.etablissements,
    );
    expect(etablissements, etablissements.reasons.join(' | ')).toMatchObject({ quarantined: 0 });
  });
});
