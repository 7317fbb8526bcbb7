import type { DatasetSpec, SourceConnector } from './connector.js';
import { ContractError, datasetSpec } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { landLookupBatches, lookupAnswer, lookupKeys, lookupReport } from './lookup-batches.js';

const SOURCE = 'quiforme';
const cols = (s: string) => s.split(' ');

const DATASETS: Record<string, DatasetSpec> = {
  organismes: {
    description:
      'API QuiForme: one organisme de formation per UAI or SIRET in scope (INSEE identity, BAN address, DGEFP NDA, RNCP/RS habilitations)',
    period: 'fetch-date',
    requiredColumns: cols('siret siren uai raison_sociale adresse dgefp habilitations lookup_key lookup_type'),
    notNull: cols('siret lookup_key lookup_type'),
    patterns: { siret: '^[0-9]{14}$', siren: '^[0-9]{9}$', uai: '^[0-9]{7}[A-Z]$', lookup_type: '^(uai|siret)$' },
    knownColumns: cols(
      'siret siren uai raison_sociale enseigne etat_administratif insee adresse dgefp habilitations lookup_key lookup_type',
    ),
  },
};

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
