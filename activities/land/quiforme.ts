import type { SourceConnector } from './connector.js';
import { sourceDatasets } from '../../lake/dataset-registry.js';
import { ContractError, datasetSpec } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { landLookupBatches, lookupAnswer, lookupKeys, lookupReport } from './lookup-batches.js';

const SOURCE = 'quiforme';

/** Declared in datasets/quiforme.yml. */
const DATASETS = sourceDatasets('quiforme');

/**
 * API QuiForme (Réseau des Carif-Oref), unitary: one request per UAI or SIRET of `request.scope`, with
 * `DEVENIR_QUIFORME_TOKEN`, in checkpointed batches (`DEVENIR_QUIFORME_BATCH_SIZE`, 50). Incremental: identifiers the
 * checkpoint says were landed in the same period are not requested again. Unknown organisme (404) → skipped.
 */
export const quiformeConnector: SourceConnector = {
  source: SOURCE,
  datasets: DATASETS,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec(SOURCE, DATASETS, request.dataset);
    const keys = lookupKeys(SOURCE, request, ['uai', 'siret']);
    const before = ctx.http.requests;
    const token = credential(ctx, 'TOKEN', 'devenir-dev');
    const result = await landLookupBatches(ctx, request, {
      source: SOURCE,
      spec,
      keys,
      batchSize: Number(ctx.config.options.BATCH_SIZE ?? 50),
      async fetch(key) {
        return lookupAnswer(
          await ctx.http.request('organismes', {
            query: { [key.type]: key.key },
            headers: { authorization: `Bearer ${token}` },
            expect: 'json',
            acceptStatus: [400, 404],
          }),
        );
      },
      records(answer) {
        const organisme = answer.body as Record<string, unknown> | null;
        if (!organisme || typeof organisme !== 'object' || Array.isArray(organisme))
          throw new ContractError(
            `${SOURCE}: ${answer.url} is not an organisme object`,
            SOURCE,
            request.dataset,
            answer.url,
          );
        return [organisme];
      },
    });
    ctx.log.info(
      { source: SOURCE, resumed: result.resumed, requested: keys.length - result.resumed },
      'quiforme lookups done',
    );
    return lookupReport(ctx, before, result, ctx.http.url('organismes'));
  },
};
