import { writeReport } from '../../lake/report/write-report.js';
import { loadModels } from '../../lake/transform-runner.js';
import type { Lake } from '../../lake/lake.js';
import { TRANSFORMS_DIR } from '../build/build-layers.js';
import type { ActivityDeps } from '../deps.js';

/** Each model's unique key (`layer.table` → columns), for diffs that count a changed row once. */
export async function modelUniqueKeys(): Promise<Record<string, string[]>> {
  return Object.fromEntries((await loadModels(TRANSFORMS_DIR)).map((m) => [m.id, m.contract.uniqueKey]));
}

/** Writes the HTML report of a lake snapshot (`_meta/report/index.html`); returns its location. */
export async function lakeReport(lake: Lake, snapshotId: number, workDir: string): Promise<string> {
  return writeReport(lake, snapshotId, workDir, await modelUniqueKeys());
}

/**
 * Writes the report after a publish. The snapshot is committed by then: a report that cannot be written is
 * logged, not a failed publish (`devenir catalog` writes it again).
 */
export async function writeLakeReport(deps: ActivityDeps, snapshotId: number): Promise<string | undefined> {
  try {
    return await lakeReport(deps.lake, snapshotId, deps.config.workDir);
  } catch (error) {
    deps.log.warn(
      { snapshotId, err: error },
      'the HTML report could not be written; `devenir catalog` writes it again',
    );
    return undefined;
  }
}
