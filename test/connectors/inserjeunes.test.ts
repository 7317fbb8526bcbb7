import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { landedRecord } from '../support/landed-record.js';
import type { LandingReport } from '../../activities/land/connector.js';
import { HttpClient } from '../../activities/land/http.js';
import { inserjeunesConnector } from '../../activities/land/inserjeunes.js';
import { createInserjeunesSimulator, inserjeunesSimulator } from '../../infra/simulators/inserjeunes.js';
import { parcoursupCatalogue } from '../../infra/simulators/parcoursup-data.js';
import { readSample } from '../../infra/simulators/sample-data.js';
import { startSimulatorServer, type RunningSimulators } from '../../infra/simulators/server.js';
import { testLandContext } from '../support/land-context.js';

type Row = Record<string, string | null>;
let sims: RunningSimulators;
let baseUrl: string;

beforeAll(async () => {
  sims = await startSimulatorServer([inserjeunesSimulator]);
  baseUrl = sims.baseUrls.inserjeunes!;
});
afterAll(() => sims.close());
afterEach(() => {
  sims.faults.clear();
  sims.requests.delete('inserjeunes');
});

const rows = (report: LandingReport): Row[] =>
  report.files.flatMap((f) =>
    readFileSync(f.path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l, i) => landedRecord<Row>(l, i)),
  );
const key = (r: Row) => `${r.scope_code}|${r.filiere}|${r.code}|${r.id_mesure}|${r.valeur_mesure}`;
const context = (opts: Parameters<typeof testLandContext>[2] = {}, url = baseUrl) =>
  testLandContext('inserjeunes', url, opts);
const land = (
  dataset: string,
  period: string,
  scope?: Record<string, string[]>,
  opts: Parameters<typeof testLandContext>[2] = {},
) => inserjeunesConnector.land(context(opts).ctx, { dataset, period, scope });
const regionCsv = () =>
  parse(readSample('inserjeunes_api/ij_region_data.csv').toString('utf8'), {
    columns: true,
    delimiter: ';',
    bom: true,
  }) as Record<string, string>[];
const deppUais = (file: string) => [
  ...new Set(
    (
      parse(readSample(`inserjeunes_open_data/depp_valeur_ajoutee_etablissements/${file}`).toString('utf8'), {
        delimiter: ';',
        from_line: 2,
        relax_column_count: true,
      }) as string[][]
    ).map((r) => r[0]),
  ),
];
const requestsTo = (fragment: string) => (sims.requests.get('inserjeunes') ?? []).filter((r) => r.includes(fragment));

describe('inserjeunes connector against the InserJeunes simulator', () => {
  it('lands the real regional figures, one row per measure, with the contract columns', async () => {
    const report = await land('regionales', '2020_2021', { region: ['15'] });
    const landed = rows(report);
    const real = regionCsv().filter((r) => r.millesime === '2020_2021' && r.code_region_ij === '15');
    const measures = real.reduce(
      (n, r) => n + Object.entries(r).filter(([k, v]) => /^(nb|taux)_/.test(k) && v !== '').length,
      0,
    );
    expect(landed).toHaveLength(measures);
    expect(Object.keys(landed[0]).sort()).toEqual([
      'code',
      'dimension',
      'filiere',
      'id_mesure',
      'libelle_etab',
      'scope',
      'scope_code',
      'valeur_mesure',
    ]);
    expect(landed.find((r) => r.code === '32221031212' && r.id_mesure === 'nb_annee_term')).toEqual({
      scope: 'region',
      scope_code: '15',
      filiere: 'voie_pro_sco_educ_nat',
      id_mesure: 'nb_annee_term',
      valeur_mesure: '1168',
      dimension: 'id_mefstat11',
      code: '32221031212',
      libelle_etab: null,
    });
    expect(landed.find((r) => r.code === '32031212' && r.id_mesure === 'taux_emploi_6_mois')).toMatchObject({
      filiere: 'apprentissage',
      dimension: 'id_formation_apprentissage',
      valeur_mesure: '66',
    });
    expect(report).toMatchObject({ drift: { unknownColumns: [], unknownMeasures: [] }, skipped: {} });
    expect(report.requests).toBeGreaterThanOrEqual(2); // more only when one was retried
    expect(report.files[0].rawKey).toMatch(/^raw\/inserjeunes\/regionales\/2020_2021\/[0-9a-f]{64}\.ndjson$/);
  });

  it('parses the JSON-in-JSON national answer; national counts are the regional sums, rates recomputed', async () => {
    const { ctx, root } = context();
    const report = await inserjeunesConnector.land(ctx, {
      dataset: 'nationales',
      period: '2021',
      scope: { filiere: ['apprentissage'] },
    });
    const raw = JSON.parse(readFileSync(`${root}/${report.files[0].rawKey}`, 'utf8').split('\n')[0]) as {
      body: string;
    };
    expect(raw.body.startsWith('"{')).toBe(true);
    const real = regionCsv().filter((r) => r.millesime === '2020_2021' && r.cfd === '32031212');
    const sum = (m: string) => real.reduce((n, r) => n + (r[m] === '' ? 0 : Number(r[m])), 0);
    const landed = rows(report).filter((r) => r.code === '32031212');
    expect(landed.find((r) => r.id_mesure === 'nb_annee_term')).toMatchObject({
      scope: 'france',
      scope_code: 'apprentissage',
      filiere: 'apprentissage',
      valeur_mesure: String(sum('nb_annee_term')),
    });
    expect(landed.find((r) => r.id_mesure === 'taux_poursuite_etudes')?.valeur_mesure).toBe(
      String(Math.round((100 * sum('nb_poursuite_etudes')) / sum('nb_annee_term'))),
    );
  });

  it('lands établissements with their (accented) labels and skips unknown or agricultural UAIs', async () => {
    const report = await land('etablissements', '2021_2022', { uai: ['0330028B', '0332813D', '0062205P', 'T593500B'] });
    const landed = rows(report);
    expect(report.skipped).toEqual({
      '0062205P': '400 UAI incorrect ou agricole',
      T593500B: '400 UAI incorrect ou agricole',
    });
    expect(landed.find((r) => r.scope_code === '0330028B')?.libelle_etab).toBe('Lycée polyvalent Gustave Eiffel');
    expect(new Set(landed.filter((r) => r.scope_code === '0332813D').map((r) => r.dimension))).toContain(
      'id_formation_apprentissage',
    );
    expect(new Set(landed.map((r) => r.id_mesure))).toEqual(
      new Set([
        'nb_annee_term',
        'nb_sortant',
        'nb_poursuite_etudes',
        'nb_en_emploi_6_mois',
        'nb_en_emploi_12_mois',
        'nb_en_emploi_18_mois',
        'nb_en_emploi_24_mois',
        'DEVENIR_part_en_emploi_6_mois',
        'DEVENIR_part_poursuite_etudes',
        'DEVENIR_part_autre_situation_6_mois',
      ]),
    );
    expect(landed.every((r) => r.filiere === null && r.scope === 'uai')).toBe(true);
    await expect(land('etablissements', '2021_2022')).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('"uai"'),
    });
    await expect(land('regionales', '2021')).rejects.toMatchObject({ name: 'ConfigError' });
  });

  it('gives part of the generated Parcoursup catalogue (UAI × code) InserJeunes data', async () => {
    const { trueCodes } = parcoursupCatalogue();
    const landed = rows(await land('etablissements', '2020_2021', { uai: [...new Set(trueCodes.map((t) => t.uai))] }));
    const have = new Set(landed.map((r) => `${r.scope_code}|${r.code}`));
    const hits = trueCodes.filter((t) => have.has(`${t.uai}|${t.code}`)).length;
    expect(hits).toBeGreaterThan(10);
    expect(hits).toBeLessThan(trueCodes.length);
  });

  it('logs in again when the token expires, and fails for good on a second 401 or missing credentials', async () => {
    sims.faults.add({ source: 'inserjeunes', kind: 'expire-token', match: '/region/', times: 1 });
    expect(rows(await land('regionales', '2021_2022', { region: ['05'] })).length).toBeGreaterThan(100);
    expect(requestsTo('POST /login')).toHaveLength(2);
    sims.faults.add({ source: 'inserjeunes', kind: 'expire-token', match: '/region/', times: 2 });
    await expect(land('regionales', '2021_2022', { region: ['05'] })).rejects.toMatchObject({
      name: 'HttpError',
      status: 401,
      retryable: false,
    });
    const { ctx } = context({}, 'https://www.inserjeunes.education.gouv.fr/api/v1.0');
    await expect(inserjeunesConnector.land(ctx, { dataset: 'regionales', period: '2021_2022' })).rejects.toThrow(
      /DEVENIR_INSERJEUNES_USERNAME/,
    );
  });

  it('asks each UAI of the scope once, however often and in whatever case the scope lists it', async () => {
    const [a, b, c] = deppUais('depp-2022-etablissements-2021_2022-pro.csv');
    const once = rows(await land('etablissements', '2021_2022', { uai: [a!, b!, c!] }));
    const repeated = [a!, ` ${b!.toLowerCase()}`, a!, c!, b!, c!];
    const { ctx, heartbeats } = context();
    const landed = rows(
      await inserjeunesConnector.land(ctx, {
        dataset: 'etablissements',
        period: '2021_2022',
        scope: { uai: repeated },
      }),
    );
    // The loop's list (its heartbeat total) has three UAIs; a retried request under load may repeat one in the log.
    expect(heartbeats.at(-1)).toMatchObject({ done: 3, total: 3 });
    const asked = new Set(requestsTo('/millesime/').map((r) => /\/UAI\/([^/]+)\//.exec(r)?.[1]));
    expect([...asked].sort()).toEqual([a, b, c].sort());
    expect(landed.map(key).sort()).toEqual(once.map(key).sort());
  });

  it('logs in again when the service lets a token expire (1.5 s tokens at 5 requests/s) and lands the same rows', async () => {
    const shortLived = await startSimulatorServer([createInserjeunesSimulator({ tokenTtlMs: 1500 })]);
    try {
      const uai = deppUais('depp-2022-etablissements-2021_2022-pro.csv').slice(0, 12);
      const { ctx } = testLandContext('inserjeunes', shortLived.baseUrls.inserjeunes!, { ratePerSecond: 5 });
      const slow = rows(
        await inserjeunesConnector.land(ctx, { dataset: 'etablissements', period: '2021_2022', scope: { uai } }),
      );
      expect(
        shortLived.requests.get('inserjeunes')!.filter((r) => r.startsWith('POST /login')).length,
      ).toBeGreaterThanOrEqual(2);
      expect(slow.map(key).sort()).toEqual(
        rows(await land('etablissements', '2021_2022', { uai }))
          .map(key)
          .sort(),
      );
    } finally {
      await shortLived.close();
    }
  });

  it('retries a 429 with Retry-After, a burst of 503, a truncated body and an HTML page, landing the same rows', async () => {
    const clean = rows(await land('regionales', '2019_2020', { region: ['07'] }))
      .map(key)
      .sort();
    sims.faults.add({ source: 'inserjeunes', kind: 'status', status: 429, retryAfter: 1, match: '/region/', times: 1 });
    const started = Date.now();
    expect(
      rows(await land('regionales', '2019_2020', { region: ['07'] }))
        .map(key)
        .sort(),
    ).toEqual(clean);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    for (const fault of [
      { kind: 'status' as const, status: 503, times: 2 },
      { kind: 'truncate' as const, times: 1 },
      { kind: 'html' as const, times: 1 },
    ]) {
      sims.faults.add({ source: 'inserjeunes', match: '/region/', ...fault });
      const report = await land('regionales', '2019_2020', { region: ['07'] });
      expect(rows(report).map(key).sort()).toEqual(clean);
      expect(report.requests).toBeGreaterThanOrEqual(2 + fault.times); // more only when one was retried
    }
    for (const kind of ['truncate', 'html'] as const) {
      sims.faults.add({ source: 'inserjeunes', kind, match: '/region/', times: 1 });
      const { ctx } = context();
      ctx.http = new HttpClient({ source: 'inserjeunes', baseUrl, ratePerSecond: 200, retries: 0 });
      await expect(
        inserjeunesConnector.land(ctx, { dataset: 'regionales', period: '2019_2020', scope: { region: ['07'] } }),
      ).rejects.toMatchObject({ name: 'HttpError', retryable: true });
    }
  });

  it('lands an unknown measure and reports it, reports an unknown row field, and stops on a broken row', async () => {
    sims.faults.add({
      source: 'inserjeunes',
      kind: 'unknown-measure',
      column: 'taux_decrochage_6_mois',
      match: '/UAI/',
    });
    sims.faults.add({ source: 'inserjeunes', kind: 'extra-column', column: 'niveau', to: '3', match: '/UAI/' });
    const report = await land('etablissements', '2021_2022', { uai: ['0330028B'] });
    expect(report.drift).toEqual({ unknownColumns: ['niveau'], unknownMeasures: ['taux_decrochage_6_mois'] });
    expect(rows(report).filter((r) => r.id_mesure === 'taux_decrochage_6_mois').length).toBeGreaterThan(0);
    sims.faults.clear();
    sims.faults.add({ source: 'inserjeunes', kind: 'drop-column', column: 'id_mesure', match: '/region/' });
    await expect(land('regionales', '2021_2022', { region: ['05'] })).rejects.toMatchObject({
      name: 'ContractError',
      message: expect.stringMatching(/data\[0\] has no "id_mesure"/),
    });
  });

  it('resumes the per-UAI loop from its last heartbeat without fetching a finished batch again', async () => {
    const cfa = deppUais('depp-2022-etablissements-2021_2022-apprentissage.csv')
      .filter((u) => u > '1')
      .slice(0, 24);
    const uai = [...deppUais('depp-2022-etablissements-2021_2022-pro.csv').slice(0, 95), '0999001Z', ...cfa];
    expect(new Set(uai).size).toBe(120);
    const env = { DEVENIR_INSERJEUNES_BATCH_SIZE: '20' };
    const clean = rows(await land('etablissements', '2020_2021', { uai }, { env }))
      .map(key)
      .sort();
    sims.requests.delete('inserjeunes');

    const first = context({ env });
    const heartbeat = first.ctx.heartbeat;
    first.ctx.heartbeat = (progress) => {
      heartbeat(progress);
      if (first.heartbeats.length === 2)
        sims.faults.add({ source: 'inserjeunes', kind: 'status', status: 500, match: '/UAI/', times: 10_000 });
    };
    await expect(
      inserjeunesConnector.land(first.ctx, { dataset: 'etablissements', period: '2020_2021', scope: { uai } }),
    ).rejects.toMatchObject({ name: 'HttpError', status: 500, retryable: true });
    const checkpoint = first.heartbeats.at(-1)!.checkpoint as { next: number; rawKeys: string[] };
    expect(checkpoint).toMatchObject({ next: 40, rawKeys: [expect.any(String), expect.any(String)] });
    sims.faults.clear();
    const before = new Map(uai.map((u) => [u, requestsTo(`/UAI/${u}/`).length]));

    const second = context({ env, checkpoint });
    second.ctx.loadRaw = first.ctx.loadRaw;
    const report = await inserjeunesConnector.land(second.ctx, {
      dataset: 'etablissements',
      period: '2020_2021',
      scope: { uai },
    });
    expect(rows(report).map(key).sort()).toEqual(clean);
    expect(report.skipped).toEqual({ '0999001Z': '400 UAI incorrect ou agricole' });
    uai.forEach((u, i) => {
      const during = requestsTo(`/UAI/${u}/`).length - before.get(u)!;
      expect(during, u).toBe(i < 40 ? 0 : 1);
      if (i < 40) expect(before.get(u), u).toBe(1);
    });
    expect(second.heartbeats.at(-1)).toMatchObject({ done: 120, total: 120, checkpoint: { next: 120 } });
  });

  it('resumes after a cancelled attempt, and ignores a checkpoint made for another UAI list', async () => {
    const uai = deppUais('depp-2022-etablissements-2020_2021-apprentissage.csv').slice(0, 30);
    const env = { DEVENIR_INSERJEUNES_BATCH_SIZE: '10' };
    const first = context({ env });
    const heartbeat = first.ctx.heartbeat;
    first.ctx.heartbeat = (progress) => {
      heartbeat(progress);
      first.abort();
    };
    await expect(
      inserjeunesConnector.land(first.ctx, { dataset: 'etablissements', period: '2021_2022', scope: { uai } }),
    ).rejects.toThrow();
    const checkpoint = first.heartbeats.at(-1)!.checkpoint;
    const second = context({ env, checkpoint });
    second.ctx.loadRaw = first.ctx.loadRaw;
    await inserjeunesConnector.land(second.ctx, { dataset: 'etablissements', period: '2021_2022', scope: { uai } });
    expect(uai.map((u) => requestsTo(`/UAI/${u}/`).length)).toEqual(uai.map(() => 1));
    const other = context({ env, checkpoint });
    const report = await inserjeunesConnector.land(other.ctx, {
      dataset: 'etablissements',
      period: '2021_2022',
      scope: { uai: uai.slice(0, 5) },
    });
    expect(report.requests).toBeGreaterThanOrEqual(6); // more only when one was retried
  });
});
