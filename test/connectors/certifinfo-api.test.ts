import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import { certifinfoApiConnector } from '../../activities/land/certifinfo-api.js';
import type { DatasetSpec, LandingReport, LandRequest } from '../../activities/land/connector.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { certifinfoApiSimulator } from '../../infra/simulators/certifinfo-api.js';
import { readSampleCsv } from '../../infra/simulators/sample-csv.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

let sims: RunningSimulators;
let baseUrl: string;
const source = 'certifinfo-api';
const period = '2026-11-29';
const real = readSampleCsv('certifinfo/certif_info.csv', { delimiter: ';', encoding: 'utf-8', quoted: false }).rows;
const sise = readSampleCsv('bcn/bcn_export_with_labels/N_FORMATION_DIPLOME_ENQUETE_51.csv', {
  delimiter: ';',
  encoding: 'utf-8',
  quoted: false,
}).rows.find((r) => r.DIPLOME_SISE && real.some((c) => c['Code_Scolarité'] === r.FORMATION_DIPLOME))!;
const predecessor = real.find((r) => real.some((x) => x.Code_Ancien_Diplome === r.Code_Diplome))!.Code_Diplome;
const scope = {
  rncp: ['RNCP4863', '36721', 'RNCP99999999', 'XYZ'],
  cfd: ['33633502'],
  sise: [sise.DIPLOME_SISE],
  certifinfo: ['1880', predecessor],
};
const expected = {
  'rncp:RNCP4863': real.filter((r) => r.Code_RNCP === '4863').length,
  'rncp:36721': real.filter((r) => r.Code_RNCP === '36721').length,
  'cfd:33633502': real.filter((r) => r['Code_Scolarité'] === '33633502').length,
  [`sise:${sise.DIPLOME_SISE}`]: real.filter((r) => r['Code_Scolarité'] === sise.FORMATION_DIPLOME).length,
  'certifinfo:1880': 1,
  [`certifinfo:${predecessor}`]: 1,
};

beforeAll(async () => {
  sims = await startSimulatorServer([certifinfoApiSimulator]);
  baseUrl = sims.baseUrls[source]!;
});
afterAll(() => sims.close());
afterEach(() => sims.faults.clear());

const rows = (report: LandingReport) =>
  report.files.flatMap((f) =>
    readFileSync(f.path, 'utf8')
      .trim()
      .split('\n')
      .map((l, i) => landedRecord<Record<string, unknown>>(l, i)),
  );
const request: LandRequest = { dataset: 'certifications', period, scope };
const context = (env: NodeJS.ProcessEnv = {}, checkpoint?: unknown) =>
  testLandContext(source, baseUrl, { env: { DEVENIR_CERTIFINFO_API_BATCH_SIZE: '3', ...env }, checkpoint });

/** Runs the raw layer's landing step (DuckDB) on a report: rows kept, rows quarantined with reasons, columns. */
async function stage(report: LandingReport, spec: DatasetSpec) {
  return Workspace.with(async (ws) => {
    const t = await stageLanding(ws, report.files, spec, period, 'test');
    const columns = (await ws.rows<{ column_name: string }>('describe landed')).map((c) => c.column_name);
    return { rows: t.rows, quarantined: t.quarantined, reasons: t.sampleReasons, columns };
  });
}

describe('certifinfo-api connector against the Certif Info API simulator', () => {
  it('lands one row per certification returned for every code in scope, with lookup key and type', async () => {
    const { ctx, heartbeats } = context();
    const report = await certifinfoApiConnector.land(ctx, request);
    const landed = rows(report);
    const counts: Record<string, number> = {};
    for (const r of landed)
      counts[`${r.lookup_type}:${r.lookup_key}`] = (counts[`${r.lookup_type}:${r.lookup_key}`] ?? 0) + 1;
    expect(counts).toEqual(expected);
    expect(report.skipped).toEqual({ 'rncp:XYZ': 'HTTP 400: code_rncp invalide: XYZ' });
    expect(report.requests).toBeGreaterThanOrEqual(8); // more only when one was retried
    expect(report.files).toHaveLength(3);
    expect(heartbeats.at(-1)).toMatchObject({ done: 8, total: 8 });
    expect(landed.find((r) => r.lookup_key === '1880')).toMatchObject({
      code_certifinfo: '1880',
      intitule: 'Magistère aménagement et urbanisme',
      code_ideo: 'FOR.846',
      code_rncp: null,
    });
  });

  it('carries the real replacement links of the référentiel (ancien / nouveau code Certif Info)', async () => {
    const landed = rows(await certifinfoApiConnector.land(context().ctx, request));
    const successors = real.filter((r) => r.Code_Ancien_Diplome === predecessor).map((r) => r.Code_Diplome);
    expect(successors.length).toBeGreaterThan(0);
    const row = landed.find((r) => r.lookup_key === predecessor)!;
    expect(JSON.parse(row.codes_certifinfo_nouveaux as string)).toEqual(successors);
    expect(row.code_certifinfo_nouveau).toBe(successors.reduce((a, b) => (Number(b) > Number(a) ? b : a)));
    const withOld = real.find((r) => r.Code_RNCP === '4863' && r.Code_Ancien_Diplome)!;
    expect(landed.find((r) => r.code_certifinfo === withOld.Code_Diplome)).toMatchObject({
      code_certifinfo_ancien: withOld.Code_Ancien_Diplome,
      code_scolarite: withOld['Code_Scolarité'] || null,
    });
    expect(landed.filter((r) => r.lookup_type === 'sise').every((r) => r.code_sise === sise.DIPLOME_SISE)).toBe(true);
  });

  it('resumes from its heartbeat checkpoint without asking again for codes already landed', async () => {
    const first = context();
    sims.faults.add({ source, kind: 'status', status: 403, match: 'code_certifinfo=1880' });
    await expect(certifinfoApiConnector.land(first.ctx, request)).rejects.toMatchObject({
      status: 403,
      retryable: false,
    });
    const checkpoint = first.heartbeats.filter((h) => h.checkpoint).at(-1)!.checkpoint as { batches: unknown[] };
    expect(checkpoint.batches).toHaveLength(2);
    sims.faults.clear();
    const second = context({}, checkpoint);
    const report = await certifinfoApiConnector.land(
      { ...second.ctx, saveRaw: first.ctx.saveRaw, loadRaw: first.ctx.loadRaw },
      request,
    );
    expect(report.requests).toBeGreaterThanOrEqual(2); // more only when one was retried
    expect(rows(report)).toHaveLength(Object.values(expected).reduce((a, b) => a + b, 0));
  });

  it('fails for good on a bad token and names the variable when a real service has none', async () => {
    await expect(
      certifinfoApiConnector.land(context({ DEVENIR_CERTIFINFO_API_TOKEN: 'wrong' }).ctx, request),
    ).rejects.toMatchObject({ name: 'HttpError', status: 401, retryable: false });
    const { ctx } = testLandContext(source, 'https://api-certifinfo.intercariforef.org');
    await expect(certifinfoApiConnector.land(ctx, request)).rejects.toThrow(/DEVENIR_CERTIFINFO_API_TOKEN/);
  });

  it('retries a 429 with Retry-After, 503 bursts, a truncated body and an HTML page', async () => {
    sims.faults.add({ source, kind: 'status', status: 429, retryAfter: 1, match: 'code_rncp=RNCP4863', times: 1 });
    sims.faults.add({ source, kind: 'status', status: 503, match: 'code_scolarite', times: 2 });
    sims.faults.add({ source, kind: 'truncate', match: 'code_sise', times: 1 });
    sims.faults.add({ source, kind: 'html', match: 'code_certifinfo', times: 2 });
    const report = await certifinfoApiConnector.land(context().ctx, request);
    expect(rows(report)).toHaveLength(Object.values(expected).reduce((a, b) => a + b, 0));
    expect(report.requests).toBeGreaterThanOrEqual(8 + 6); // more only when one was retried
  });

  it('stops with a ContractError on a missing required column and reports an extra one as drift', async () => {
    sims.faults.add({ source, kind: 'drop-column', column: 'code_sise' });
    await expect(certifinfoApiConnector.land(context().ctx, request)).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(/certifinfo-api: dataset certifications: required column "code_sise" missing/),
    });
    sims.faults.clear();
    sims.faults.add({ source, kind: 'extra-column', column: 'blocs_competences', to: '[]' });
    expect((await certifinfoApiConnector.land(context().ctx, request)).drift.unknownColumns).toEqual([
      'blocs_competences',
    ]);
  });

  it('stages every landed row through the raw-layer landing step, none quarantined', async () => {
    const staged = await stage(
      await certifinfoApiConnector.land(context().ctx, request),
      certifinfoApiConnector.datasets.certifications,
    );
    expect(staged, staged.reasons.join(' | ')).toMatchObject({
      rows: Object.values(expected).reduce((a, b) => a + b, 0),
      quarantined: 0,
    });
  });
});
