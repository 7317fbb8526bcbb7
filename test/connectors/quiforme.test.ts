import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import type { DatasetSpec, LandingReport, LandRequest } from '../../activities/land/connector.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { quiformeConnector } from '../../activities/land/quiforme.js';
import { quiformeSimulator } from '../../infra/simulators/quiforme.js';
import { readSampleCsv } from '../../infra/simulators/sample-csv.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

let sims: RunningSimulators;
let baseUrl: string;
const source = 'quiforme';
const period = '2026-11-29';
const annuaire = readSampleCsv('acce_annuaire/annuaire/fr-en-annuaire-education_ille-et-vilaine_subset.csv', {
  delimiter: ';',
  encoding: 'utf-8',
})
  .rows.filter((r) => /^\d{14}$/.test(r.SIREN_SIRET))
  .slice(0, 6);
/** Catalogue UAIs, annuaire UAIs with a SIRET, a DEPP-only CFA with no SIRET anywhere (404) and a malformed UAI (400). */
const scope = {
  uai: [
    '0331707B',
    '0470015L',
    '0251893X',
    ...annuaire.map((r) => r.Identifiant_de_l_etablissement),
    '0010826T',
    '12345',
  ],
  siret: ['49917930700024', '13002792300171'],
};
const found = scope.uai.length - 2 + scope.siret.length;

beforeAll(async () => {
  sims = await startSimulatorServer([quiformeSimulator]);
  baseUrl = sims.baseUrls[source]!;
});
afterAll(() => sims.close());
afterEach(() => sims.faults.clear());

const rows = (report: LandingReport) =>
  report.files.flatMap((f) =>
    readFileSync(f.path, 'utf8')
      .trim()
      .split('\n')
      .map((l, i) => landedRecord<Record<string, string>>(l, i)),
  );
const request: LandRequest = { dataset: 'organismes', period, scope };
const context = (opts: { env?: NodeJS.ProcessEnv; checkpoint?: unknown } = {}) =>
  testLandContext(source, baseUrl, {
    env: { DEVENIR_QUIFORME_BATCH_SIZE: '4', ...opts.env },
    checkpoint: opts.checkpoint,
  });

/** Runs the raw layer's landing step (DuckDB) on a report: rows kept, rows quarantined with reasons, columns. */
async function stage(report: LandingReport, spec: DatasetSpec) {
  return Workspace.with(async (ws) => {
    const t = await stageLanding(ws, report.files, spec, period, 'test');
    const columns = (await ws.rows<{ column_name: string }>('describe landed')).map((c) => c.column_name);
    return { rows: t.rows, quarantined: t.quarantined, reasons: t.sampleReasons, columns };
  });
}

describe('quiforme connector against the QuiForme simulator', () => {
  it('lands one organisme per known UAI or SIRET and skips unknown and malformed ones', async () => {
    const report = await quiformeConnector.land(context().ctx, request);
    const landed = rows(report);
    expect(landed).toHaveLength(found);
    expect(report.skipped).toEqual({
      'uai:0010826T': 'HTTP 404: Organisme inconnu',
      'uai:12345': 'HTTP 400: UAI invalide: 12345',
    });
    const midisup = landed.find((r) => r.lookup_key === '49917930700024')!;
    expect(midisup).toMatchObject({ siret: '49917930700024', uai: '0312755B', raison_sociale: 'MIDISUP' });
    expect(JSON.parse(midisup.dgefp)).toEqual({
      numero_declaration_activite: '76310960131',
      certifie_qualiopi: expect.any(Boolean),
    });
    expect(JSON.parse(landed.find((r) => r.lookup_key === '13002792300171')!.habilitations)).toContainEqual({
      type: 'RNCP',
      code: 'RNCP36721',
      role: 'formateur',
    });
    const school = annuaire[0];
    const row = landed.find((r) => r.lookup_key === school.Identifiant_de_l_etablissement)!;
    expect(row).toMatchObject({
      siret: school.SIREN_SIRET,
      uai: school.Identifiant_de_l_etablissement,
      raison_sociale: school.Nom_etablissement,
    });
    expect(JSON.parse(row.adresse)).toMatchObject({ code_commune: school.Code_commune, commune: school.Nom_commune });
    expect(report.drift.unknownColumns).toEqual([]);
  });

  it('resumes incrementally: identifiers landed in the same period are not requested again', async () => {
    const first = context();
    sims.faults.add({ source, kind: 'status', status: 403, match: `uai=${scope.uai[8]}` });
    await expect(quiformeConnector.land(first.ctx, request)).rejects.toMatchObject({ status: 403, retryable: false });
    const checkpoint = first.heartbeats.filter((h) => h.checkpoint).at(-1)!.checkpoint as { batches: string[] };
    expect(checkpoint).toMatchObject({
      dataset: 'organismes',
      period,
      batches: [expect.stringMatching(/^raw\/quiforme\/organismes\/2026-11-29\//), expect.any(String)],
    });
    sims.faults.clear();
    sims.requests.clear();
    const second = context({ checkpoint });
    const report = await quiformeConnector.land(
      { ...second.ctx, saveRaw: first.ctx.saveRaw, loadRaw: first.ctx.loadRaw },
      request,
    );
    const total = scope.uai.length + scope.siret.length;
    expect(report.requests).toBeGreaterThanOrEqual(total - 8); // more only when one was retried
    expect(sims.requests.get(source)!.some((r) => r.includes(scope.uai[0]))).toBe(false);
    const landed = rows(report);
    expect(landed).toHaveLength(found);
    expect(new Set(landed.map((r) => `${r.lookup_type}:${r.lookup_key}`)).size).toBe(found);
    // A checkpoint from another period says nothing about this one: everything is asked again.
    const other = context({ checkpoint: { ...checkpoint, period: '2026-11-28' } });
    expect(
      (await quiformeConnector.land({ ...other.ctx, loadRaw: first.ctx.loadRaw }, request)).requests,
    ).toBeGreaterThanOrEqual(total); // more only when one was retried
  });

  it('fails for good on a bad token and names the variable when a real service has none', async () => {
    await expect(
      quiformeConnector.land(context({ env: { DEVENIR_QUIFORME_TOKEN: 'wrong' } }).ctx, request),
    ).rejects.toMatchObject({ name: 'HttpError', status: 401, retryable: false });
    const { ctx } = testLandContext(source, 'https://api-quiforme-v2.intercariforef.org');
    await expect(quiformeConnector.land(ctx, request)).rejects.toThrow(/DEVENIR_QUIFORME_TOKEN/);
  });

  it('retries a 429 with Retry-After, 503 bursts, a truncated body and an HTML page', async () => {
    sims.faults.add({ source, kind: 'status', status: 429, retryAfter: 1, match: 'uai=0331707B', times: 1 });
    sims.faults.add({ source, kind: 'status', status: 503, match: 'uai=0470015L', times: 3 });
    sims.faults.add({ source, kind: 'truncate', match: 'siret=', times: 1 });
    sims.faults.add({ source, kind: 'html', match: 'siret=', times: 1 });
    const report = await quiformeConnector.land(context().ctx, request);
    expect(rows(report)).toHaveLength(found);
    expect(report.requests).toBeGreaterThanOrEqual(scope.uai.length + scope.siret.length + 6); // more only when one was retried
  });

  it('stops with a ContractError on a missing required column and reports an extra one as drift', async () => {
    sims.faults.add({ source, kind: 'rename-column', column: 'siret', to: 'numero_siret' });
    await expect(quiformeConnector.land(context().ctx, request)).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(/quiforme: dataset organismes: required column "siret" missing from http/),
    });
    sims.faults.clear();
    sims.faults.add({ source, kind: 'extra-column', column: 'qualiopi', to: '{"actions_formation":true}' });
    expect((await quiformeConnector.land(context().ctx, request)).drift.unknownColumns).toEqual(['qualiopi']);
  });

  it('stages every landed organisme through the raw-layer landing step, none quarantined', async () => {
    const staged = await stage(
      await quiformeConnector.land(context().ctx, request),
      quiformeConnector.datasets.organismes,
    );
    expect(staged, staged.reasons.join(' | ')).toMatchObject({ rows: found, quarantined: 0 });
  });
});
