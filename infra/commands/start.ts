import { runQuery } from '../../activities/export/run-query.js';
import type { RefreshAllResult } from '../../workflows/refresh-all-workflow.js';
import type { App } from '../app.js';
import { runContext, workflowUrl } from '../temporal.js';
import { sampleMillesimes } from '../simulators/sample-data.js';
import { analystsHint } from './analysts-hint.js';
import { COVERAGE_SUMMARY_SQL } from './coverage-summary.js';
import { startEmbedded } from './embedded.js';
import { follow, startWorkflow } from './follow.js';
import { printRows } from './output.js';

/**
 * `npm start`: the whole job on the embedded default — services up, simulators serving the bundled real data,
 * a worker in this process, refresh-all to a published snapshot — then where to look.
 */
export async function start(app: App): Promise<void> {
  const lake = await app.lake();
  const before = (await lake.lakeSnapshot())?.snapshot_id;
  const objectsBefore = await countDataObjects(app);
  const embedded = await startEmbedded(app);
  const date = new Date().toISOString().slice(0, 10);
  let result: RefreshAllResult;
  try {
    const client = await app.client();
    // The simulators serve the millésimes of the bundled sample; a real service is asked for its defaults.
    const periods = embedded.simulators ? sampleMillesimes() : undefined;
    const handle = await startWorkflow(
      app,
      client,
      'refreshAllWorkflow',
      `refresh/all/${date}`,
      [{ ...runContext(app.config), date, periods }],
      { source: 'all', millesime: periods?.join(',') },
    );
    process.stderr.write(`refresh-all started: ${workflowUrl(app.config, handle.workflowId)}\n`);
    result = await follow<RefreshAllResult>(app, handle);
  } finally {
    await embedded.stop();
  }
  const newObjects = (await countDataObjects(app)) - objectsBefore;
  const out = process.stdout;
  out.write('\n');
  printRows(
    ['source', 'rows', 'requests'],
    result.sources.map((s) => ({ ...s })),
    'table',
  );
  if (result.committed) out.write(`\nPublished lake snapshot ${result.snapshotId} (${newObjects} new data files).\n`);
  else
    out.write(
      `\nNothing changed upstream: snapshot ${result.snapshotId ?? before} is still current, no new data files written.\n`,
    );
  const tables = await lake.tables();
  printRows(
    ['table', 'rows', 'millesimes'],
    [...tables]
      .filter(([n]) => n.startsWith('published.'))
      .map(([name, m]) => ({
        table: name,
        rows: m.summary.rows,
        millesimes: Object.keys(m.summary.partitions).filter(Boolean).join(' '),
      })),
    'table',
  );
  out.write('\nCoverage of the catalogues by InserJeunes / InserSup figures, per level (published.couverture):\n');
  const coverage = await runQuery(lake, COVERAGE_SUMMARY_SQL, {}, app.config.workDir);
  printRows(coverage.columns, coverage.rows, 'table');
  out.write(`
Lake:          ${lake.store.root}
Analysts:      ${analystsHint(lake)}
Report:        npx devenir report --open   (charts of coverage, sources, changes, build times)
Temporal UI:   ${app.config.temporal.uiUrl}
Try:           npx devenir query "select filiere, count(*) from published.stats_regionales group by all"
               npx devenir snapshots list
Stop services: npx devenir services down
`);
}

async function countDataObjects(app: App): Promise<number> {
  const lake = await app.lake();
  let n = 0;
  for (const layer of ['raw', 'staging', 'matched', 'published']) n += (await lake.store.list(`${layer}/`)).length;
  return n;
}
