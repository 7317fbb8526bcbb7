import type { Lake } from '../lake.js';
import { renderReport } from './report-html.js';
import { reportData } from './report-data.js';

/** Where the report of the current lake snapshot lives in the lake. */
export const REPORT_KEY = '_meta/report/index.html';

/**
 * Writes `_meta/report/index.html` for a lake snapshot: coverage charts, sources, changes since the previous
 * snapshot, held-back models and build times, in one offline HTML file. Returns its location.
 */
export async function writeReport(
  lake: Lake,
  snapshotId: number,
  workDir: string,
  uniqueKeys: Record<string, string[]> = {},
): Promise<string> {
  const html = await renderReport(await reportData(lake, snapshotId, workDir, uniqueKeys));
  await lake.store.put(REPORT_KEY, html);
  return lake.store.localPath(REPORT_KEY) ?? `${lake.store.root}/${REPORT_KEY}`;
}
