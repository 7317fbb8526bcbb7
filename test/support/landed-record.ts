import { ROW_NUMBER_KEY } from '../../activities/land/landing-writers.js';

/** One line of a connector's NDJSON landing file as the connector saw it: checks the writer's record number, drops it. */
export function landedRecord<T = Record<string, unknown>>(line: string, index: number): T {
  const { [ROW_NUMBER_KEY]: number, ...record } = JSON.parse(line) as Record<string, unknown>;
  if (number !== index + 1) throw new Error(`record ${index + 1} is numbered ${String(number)}`);
  return record as T;
}
