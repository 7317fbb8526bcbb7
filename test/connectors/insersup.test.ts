import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import type { LandingReport } from '../../activities/land/connector.js';
import { HttpClient } from '../../activities/land/http.js';
import { insersupConnector } from '../../activities/land/insersup.js';
import { createInsersupSimulator, insersupSimulator } from '../../infra/simulators/insersup.js';
import { readSample } from '../../infra/simulators/sample-data.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

type Row = Record<string, string | null>;
let sims: RunningSimulators;
let baseUrl: string;
const today = '2026-11-29';

beforeAll(async () => {
  sims = await startSimulatorServer([insersupSimulator]);
  baseUrl = sims.baseUrls.insersup!;
});
afterAll(() => sims.close());
afterEach(() => {
  sims.faults.clear();
  sims.requests.delete('insersup');
});

const rows = (report: LandingReport): Row[] =>
  readFileSync(report.files[0].path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => landedRecord<Row>(l, i));
const land = (dataset: string, period: string, scope?: Record<string, string[]>, url = baseUrl) =>
  insersupConnector.land(testLandContext('insersup', url).ctx, { dataset, period, scope });
const sample = (file: string) =>
  JSON.parse(readSample(`insersup/${file}`).toString('utf8')) as Array<Record<string, unknown>>;

describe('insersup connector against the InserSup simulator', () => {
  it('lands the whole per-établissement API answer, values as sent (nd, na, "130 *", French decimals)', async () => {
    const report = await land('etablissements', today);
    const landed = rows(report);
    expect(landed).toHaveLength(4);
    const real = (
      JSON.parse(readSample('insersup/insersup_old_schema_results_2.json').toString('utf8')) as { results: Row[] }
    ).results;
    expect(landed.slice(0, 2)).toEqual(real);
    expect(landed[1]).toMatchObject({
      diplome: '2400075',
      nb_sortants: '130 *',
      taux_poursuivant: '54,6',
      nb_in_dsn_30: 'na',
      salaire_q1_national_diplome_12: 'nd',
      discipline: 'Sciences économiques',
    });
    expect(
      landed
        .filter((r) => r.diplome === '2500249')
        .map((r) => [r.annee_universitaire, r.nb_sortants, r.nb_inscrits, r.nb_in_dsn_6]),
    ).toEqual([
      ['2019-2020', '130', '193', '110'],
      ['2020-2021', '130 *', '193', '110'],
    ]);
    expect(report).toMatchObject({ drift: { unknownColumns: [], unknownMeasures: [] } });
    expect(report.requests).toBeGreaterThanOrEqual(1); // more only when one was retried
    expect(report.files[0].rawKey).toMatch(/^raw\/insersup\/etablissements\/2026-11-29\/[0-9a-f]{64}\.json$/);
    expect(report.validators.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('needs the Omogen API key: the service refuses a call without it, a real URL without DEVENIR_INSERSUP_API_KEY is an error', async () => {
    expect((await fetch(`${baseUrl}/insersup/formations`)).status).toBe(401);
    expect(sims.requests.get('insersup')).toEqual(['GET /insersup/formations']);
    await expect(
      land('etablissements', today, undefined, 'https://omogen-api-pr.phm.education.gouv.fr'),
    ).rejects.toThrow(/DEVENIR_INSERSUP_API_KEY/);
  });

  it('accepts diplome_consol for diplome, reports an extra field, and stops when no diploma code is left', async () => {
    sims.faults.add({
      source: 'insersup',
      kind: 'rename-column',
      column: 'diplome',
      to: 'diplome_consol',
      match: '/insersup/',
    });
    sims.faults.add({
      source: 'insersup',
      kind: 'extra-column',
      column: 'Code Paysage',
      to: 's3t8T',
      match: '/insersup/',
    });
    const report = await land('etablissements', today);
    expect(rows(report).map((r) => r.diplome_consol)).toEqual(['2400074', '2400075', '2500249', '2500249']);
    expect(report.drift.unknownColumns).toEqual(['code_paysage']);
    sims.faults.clear();
    sims.faults.add({ source: 'insersup', kind: 'drop-column', column: 'diplome', match: '/insersup/' });
    await expect(land('etablissements', today)).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringContaining('"diplome_consol"'),
    });
    sims.faults.clear();
    sims.faults.add({ source: 'insersup', kind: 'drop-column', column: 'annee_universitaire', match: '/insersup/' });
    await expect(land('etablissements', today)).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringContaining('"annee_universitaire"'),
    });
  });

  it('lands the national open data of one promo (long shape), arrays as JSON text, filtered on the portal', async () => {
    const real = sample('fr-esr-insersup_0062205P_2024S2_120.json');
    const report = await land('nationales', '2020');
    const landed = rows(report);
    expect(landed).toHaveLength(real.length);
    expect(landed[0]).toMatchObject({
      promo: '["2020"]',
      date_inser: '12',
      nb_sortants: '75',
      tx_sortants_en_emploi_sal_fr: '86.67',
      flag: null,
      reg_nom: "Provence-Alpes-Côte d'Azur",
      obtention_diplome: 'diplômé',
    });
    expect(rows(await land('nationales', '2021'))).toHaveLength(
      real.filter((r) => (r.promo as string[]).includes('2021')).length,
    );
    expect(decodeURIComponent(report.sourceUrl)).toContain('where=promo="2020"&refine=source:"insersup"');
    expect(rows(await land('nationales', '2020', { uo_lib: ['National'] }))).toEqual([]);
    expect(decodeURIComponent(sims.requests.get('insersup')!.at(-1)!.replace(/\+/g, ' '))).toContain(
      'promo="2020" AND (uo_lib="National")',
    );
    await expect(land('nationales', '2020_2021')).rejects.toMatchObject({ name: 'ConfigError' });
  });

  it('lands the wide Dec 2025 shape (_6/_12/_18/_24) with the same figures', async () => {
    const wide = await startSimulatorServer([createInsersupSimulator({ nationalShape: 'wide' })]);
    try {
      const report = await land('nationales', '2020', undefined, wide.baseUrls.insersup);
      const landed = rows(report);
      expect(landed).toHaveLength(24);
      const whole = landed.find(
        (r) =>
          r.promo === '["2020"]' &&
          r.genre === 'ensemble' &&
          r.nationalite === 'ensemble' &&
          r.obtention_diplome === 'ensemble',
      );
      expect(whole).toMatchObject({
        nb_sortants: '130',
        nb_sortants_en_emploi_sal_fr_6: '110',
        nb_sortants_en_emploi_sal_fr_12: '112',
        nb_sortants_en_emploi_sal_fr_24: '115',
        tx_sortants_en_emploi_sal_fr_6: '84.62',
      });
      expect(whole).not.toHaveProperty('date_inser_long');
      expect(report.drift.unknownColumns).toEqual([]);
    } finally {
      await wide.close();
    }
    sims.faults.add({
      source: 'insersup',
      kind: 'rename-column',
      column: 'date_inser_long',
      to: 'wide',
      match: 'fr-esr-insersup',
    });
    expect(rows(await land('nationales', '2020'))).toHaveLength(24);
  });

  it('retries a 429 with Retry-After, a burst of 503, a truncated body and an HTML page, landing the same rows', async () => {
    const clean = rows(await land('nationales', '2020'));
    sims.faults.add({
      source: 'insersup',
      kind: 'status',
      status: 429,
      retryAfter: 1,
      match: 'fr-esr-insersup',
      times: 1,
    });
    const started = Date.now();
    expect(rows(await land('nationales', '2020'))).toEqual(clean);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    for (const fault of [
      { kind: 'status' as const, status: 503, times: 2 },
      { kind: 'truncate' as const, times: 1 },
      { kind: 'html' as const, times: 1 },
    ]) {
      sims.faults.add({ source: 'insersup', match: '/insersup/', ...fault });
      const report = await land('etablissements', today);
      expect(rows(report)).toHaveLength(4);
      expect(report.requests).toBeGreaterThanOrEqual(1 + fault.times); // more only when one was retried
    }
    for (const kind of ['truncate', 'html'] as const) {
      sims.faults.add({ source: 'insersup', kind, match: 'fr-esr-insersup', times: 1 });
      const { ctx } = testLandContext('insersup', baseUrl);
      ctx.http = new HttpClient({ source: 'insersup', baseUrl, ratePerSecond: 200, retries: 0 });
      await expect(insersupConnector.land(ctx, { dataset: 'nationales', period: '2020' })).rejects.toMatchObject({
        name: 'HttpError',
        retryable: true,
      });
    }
  });

  it('stops on a missing required national field and reports a new one as drift', async () => {
    sims.faults.add({ source: 'insersup', kind: 'drop-column', column: 'nb_sortants', match: 'fr-esr-insersup' });
    await expect(land('nationales', '2020')).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringContaining('"nb_sortants"'),
    });
    sims.faults.clear();
    sims.faults.add({
      source: 'insersup',
      kind: 'extra-column',
      column: 'nb_sortants_en_emploi_sal_fr_36',
      to: '118',
      match: 'fr-esr-insersup',
    });
    const report = await land('nationales', '2021');
    expect(report.drift.unknownColumns).toEqual(['nb_sortants_en_emploi_sal_fr_36']);
    expect(rows(report)[0].nb_sortants_en_emploi_sal_fr_36).toBe('118');
  });
});
