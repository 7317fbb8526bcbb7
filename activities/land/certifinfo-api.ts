import type { SourceConnector } from './connector.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import { ContractError, datasetSpec } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { landLookupBatches, lookupAnswer, lookupKeys, lookupReport } from './lookup-batches.js';

const SOURCE = 'certifinfo-api';
/** `request.scope` key → query parameter of `GET /certifications`. */
const PARAMS: Record<string, string> = {
  certifinfo: 'code_certifinfo',
  rncp: 'code_rncp',
  cfd: 'code_scolarite',
  sise: 'code_sise',
};

/** Declared in datasets/certifinfo-api.yml. */
const DATASETS = sourceDatasets('certifinfo-api');

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
