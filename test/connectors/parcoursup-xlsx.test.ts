import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LandingReport } from '../../activities/land/connector.js';
import { parcoursupConnector } from '../../activities/land/parcoursup.js';
import { normaliseColumnName } from '../../lake/column-names.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { parcoursupCatalogue } from '../../infra/simulators/parcoursup-data.js';
import { parcoursupSimulator, toParcoursupXlsx } from '../../infra/simulators/parcoursup.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

const today = '2026-11-29';
const spec = sourceDatasets('parcoursup').formations;
let sims: RunningSimulators;
let custom: Server;
let customBody: Buffer = Buffer.alloc(0);

beforeAll(async () => {
  sims = await startSimulatorServer([parcoursupSimulator]);
  custom = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(customBody),
  );
  await new Promise<void>((resolve) => custom.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await sims.close();
  await new Promise((resolve) => custom.close(resolve));
});

/** Lands the formations export from `url` (given as DEVENIR_PARCOURSUP_CSV_URL) and stages it with the declaration. */
async function landFrom(url?: string) {
  const env = url ? { DEVENIR_PARCOURSUP_CSV_URL: url } : {};
  const report: LandingReport = await parcoursupConnector.land(
    testLandContext('parcoursup', sims.baseUrls.parcoursup!, { env }).ctx,
    { dataset: 'formations', period: today },
  );
  return Workspace.with(async (ws) => {
    const staged = await stageLanding(ws, report.files, spec, today, 'parcoursup/formations');
    const rows = await ws.rows<Record<string, string | null>>(
      'select * exclude (_raw_key, _raw_row, millesime) from landed order by codeformationaccueil',
    );
    return { report, staged, rows };
  });
}

describe('parcoursup formations export, as Parcoursup sends it', () => {
  it('reads the .xlsx workbook (told by its content type or by its signature) to the same rows as the CSV', async () => {
    const csv = await landFrom();
    expect(csv.report.files[0].format.kind).toBe('csv');
    const xlsx = await landFrom(`${sims.baseUrls.parcoursup}/exports/listeFormationsInserJeunes.xlsx`);
    const signature = await landFrom(
      `${sims.baseUrls.parcoursup}/exports/listeFormationsInserJeunes.xlsx?type=application/octet-stream`,
    );
    expect(xlsx.report.files[0].format.kind).toBe('ndjson');
    expect(xlsx.rows.length).toBe(parcoursupCatalogue().rows.length);
    expect(xlsx.rows).toEqual(csv.rows);
    expect(signature.rows).toEqual(csv.rows);
    expect(xlsx.staged.quarantined).toBe(0);
  });

  it('matches columns by name whatever their case, accents and order; descriptive columns may be absent', async () => {
    const descriptive = spec.columns.filter((c) => !spec.requiredColumns.includes(c));
    // Names in another case (`Codecfd`), one with an accent (`Liste_Idéo`), in reverse order, no descriptive column.
    const rename = (k: string) => (k === 'LISTE_IDEO' ? 'Liste_Idéo' : k[0] + k.slice(1).toLowerCase());
    const rows = parcoursupCatalogue().rows.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => !descriptive.includes(normaliseColumnName(k)))
          .reverse()
          .map(([k, v]) => [rename(k), v]),
      ),
    );
    customBody = await toParcoursupXlsx(rows);
    const { port } = custom.address() as AddressInfo;
    const landed = await landFrom(`http://127.0.0.1:${port}/anything`);
    const full = await landFrom();
    expect(landed.rows).toHaveLength(full.rows.length);
    expect(landed.rows.map((r) => [r.codeformationaccueil, r.codecfd, r.uai_aff])).toEqual(
      full.rows.map((r) => [r.codeformationaccueil, r.codecfd, r.uai_aff]),
    );
    // Every declared column is there; the descriptive ones are null.
    expect(Object.keys(landed.rows[0])).toEqual(expect.arrayContaining(spec.columns));
    expect(landed.rows.every((r) => descriptive.every((c) => r[c] === null))).toBe(true);
  });

  it('fails at landing, naming the file and the column, when a code column is missing', async () => {
    customBody = await toParcoursupXlsx(parcoursupCatalogue().rows.map(({ CODECFD: _d, ...r }) => r));
    const { port } = custom.address() as AddressInfo;
    await expect(landFrom(`http://127.0.0.1:${port}/export.xlsx`)).rejects.toThrow(
      /required column "codecfd" missing from http/,
    );
  });
});
