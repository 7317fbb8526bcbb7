import type { DatasetSpec, SourceConnector } from './connector.js';
import { ContractError, datasetSpec } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { landLookupBatches, lookupAnswer, lookupKeys, lookupReport } from './lookup-batches.js';

const SOURCE = 'certifinfo-api';
const cols = (s: string) => s.split(' ');
/** `request.scope` key → query parameter of `GET /certifications`. */
const PARAMS: Record<string, string> = {
  certifinfo: 'code_certifinfo',
  rncp: 'code_rncp',
  cfd: 'code_scolarite',
  sise: 'code_sise',
};

const DATASETS: Record<string, DatasetSpec> = {
  certifications: {
    description:
      'API Certif Info lookups for the codes in scope (rncp, cfd, sise, certifinfo): one row per certification returned, with its replacement links',
    period: 'fetch-date',
    requiredColumns: cols(
      'code_certifinfo code_rncp code_scolarite code_sise code_certifinfo_ancien code_certifinfo_nouveau lookup_key lookup_type',
    ),
    notNull: cols('code_certifinfo lookup_key lookup_type'),
    patterns: {
      code_certifinfo: '^[0-9]+$',
      code_rncp: '^RNCP[0-9]+$',
      code_scolarite: '^[0-9A-Z]{8}$',
      code_sise: '^[0-9A-Z]{7}$',
      code_certifinfo_ancien: '^[0-9]+$',
      code_certifinfo_nouveau: '^[0-9]+$',
      lookup_type: '^(certifinfo|rncp|cfd|sise)$',
    },
    knownColumns: cols(
      'code_certifinfo intitule type_diplome code_type_diplome niveau_europeen code_rncp code_rs code_scolarite code_sise code_ideo etat etat_libelle date_maj annee_premiere_session annee_derniere_session certificateur valideur code_nsf code_formacode codes_rome code_certifinfo_ancien intitule_ancien code_rncp_ancien code_scolarite_ancien etat_ancien_libelle code_certifinfo_nouveau codes_certifinfo_nouveaux lookup_key lookup_type',
    ),
  },
};

/**
 * API Certif Info (Réseau des Carif-Oref): looks up the codes of `request.scope` (`rncp`, `cfd`, `sise`,
 * `certifinfo`) with `DEVENIR_CERTIFINFO_API_TOKEN`, rate-limited, in checkpointed batches (`DEVENIR_CERTIFINFO_API_BATCH_SIZE`, 100).
 * A malformed code (400) is skipped and reported; a code without certification lands no row.
 */
export const certifinfoApiConnector: SourceConnector = {
  source: SOURCE,
  datasets: DATASETS,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec(SOURCE, DATASETS, request.dataset);
    const keys = lookupKeys(SOURCE, request, Object.keys(PARAMS));
    const before = ctx.http.requests;
    const token = credential(ctx, 'TOKEN', 'devenir-dev');
    const result = await landLookupBatches(ctx, request, {
      source: SOURCE,
      spec,
      keys,
      batchSize: Number(ctx.config.options.BATCH_SIZE ?? 100),
      async fetch(key) {
        return lookupAnswer(
          await ctx.http.request('certifications', {
            query: { [PARAMS[key.type]]: key.key },
            headers: { authorization: `Bearer ${token}` },
            expect: 'json',
            acceptStatus: [400, 404],
          }),
        );
      },
      records(answer) {
        const certifications = (answer.body as { certifications?: unknown }).certifications;
        if (!Array.isArray(certifications))
          throw new ContractError(
            `${SOURCE}: ${answer.url} has no "certifications" array`,
            SOURCE,
            request.dataset,
            answer.url,
          );
        return certifications as Record<string, unknown>[];
      },
    });
    return lookupReport(ctx, before, result, ctx.http.url('certifications'));
  },
};
