import { ApplicationFailure } from '@temporalio/common';
import type { Lake } from '../../lake/lake.js';
import type { DatasetDeclaration } from '../../lake/dataset-registry.js';

/** Attempts an empty answer gets (the publisher may be mid-update) before its dataset fails. */
export const EMPTY_ANSWER_ATTEMPTS = 3;
export const EMPTY_ANSWER = 'SuspiciousEmptyAnswer';

/**
 * Rows the lake holds for what this answer replaces: the same millésime, or for a dataset dated by fetch the
 * latest fetch before this one.
 */
async function rowsBefore(lake: Lake, table: string, spec: DatasetDeclaration, period: string): Promise<number> {
  const committed = (await lake.tables()).get(table);
  if (!committed) return 0;
  const partitions = committed.summary.partitions;
  if (spec.period === 'millesime') return partitions[period] ?? 0;
  const earlier = Object.keys(partitions)
    .filter((p) => p < period)
    .sort();
  return earlier.length ? partitions[earlier[earlier.length - 1]] : (partitions[period] ?? 0);
}

/**
 * An empty answer where the lake had rows is suspicious: retried (retryable failure) up to EMPTY_ANSWER_ATTEMPTS,
 * then a permanent failure of this dataset alone, in one sentence. Nothing is thrown when the declaration says
 * empty is legitimate, or when the run accepts removals (`acceptRemoval`).
 */
export async function checkEmptyAnswer(
  lake: Lake,
  where: { label: string; table: string; spec: DatasetDeclaration; period: string; attempt: number },
  answered: number,
  acceptRemoval: boolean | undefined,
): Promise<void> {
  if (answered > 0 || where.spec.emptyIsLegitimate || acceptRemoval) return;
  const before = await rowsBefore(lake, where.table, where.spec, where.period);
  if (before === 0) return;
  const last = where.attempt >= EMPTY_ANSWER_ATTEMPTS;
  throw ApplicationFailure.create({
    message: `${where.label}: the source answered no rows where the lake holds ${before} (attempt ${where.attempt} of ${EMPTY_ANSWER_ATTEMPTS}); nothing landed${last ? '; if the removal is real, refresh again with --accept-removal' : ', retrying'}`,
    type: EMPTY_ANSWER,
    nonRetryable: last,
  });
}
