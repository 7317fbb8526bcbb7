// Rebuilds the layers from the raw tables of a lake's current snapshot with the SQL models of a transforms folder
// (this checkout's by default, or another's, e.g. main's, to compare) and prints what `npm start` prints about
// coverage, plus the établissement-level coverage alone (as the anchor measures it) when the models give it.
// Usage: DEVENIR_LAKE=<lake> npx tsx scripts/measure-coverage.ts [<transforms dir>]
import path from 'node:path';
import { TRANSFORMS_DIR } from '../activities/build/build-layers.js';
import { COVERAGE_SUMMARY_SQL } from '../infra/commands/coverage-summary.js';
import { openApp } from '../infra/app.js';
import { Workspace } from '../lake/duckdb-session.js';
import { fromManifest, registerTables } from '../lake/lake-views.js';
import { loadModels, runModels } from '../lake/transform-runner.js';

const dir = path.resolve(process.argv[2] ?? TRANSFORMS_DIR);
const app = await openApp();
const lake = await app.lake();
const raw = [...(await lake.tables())]
  .filter(([name]) => name.startsWith('raw.') && !name.endsWith('__quarantine'))
  .map(([name, manifest]) => fromManifest(name, manifest));
const models = await loadModels(dir);
await Workspace.with(async (ws) => {
  await registerTables(ws, lake.store, raw, path.join(app.config.workDir, 'cache'));
  await runModels(ws.connection, models, { params: { secrecy_threshold: 20 } });
  const columns = (
    await ws.rows<{ column_name: string }>(
      `select column_name from information_schema.columns where table_schema = 'published' and table_name = 'couverture'`,
    )
  ).map((c) => c.column_name);
  const sql = columns.includes('niveau_donnee')
    ? COVERAGE_SUMMARY_SQL
    : `with c as (select catalogue, couverture, sum(nb_formations) as n from published.couverture group by all)
      select catalogue, couverture as coverage, n::integer as formations,
        round_even(100 * n / sum(n) over (partition by catalogue), 1) as pct_catalogue
      from c order by all`;
  console.log(`Transforms: ${dir}`);
  console.table(await ws.rows(sql));
  if (columns.includes('niveau_donnee')) {
    console.log('Établissement level alone (couverture_etablissement):');
    console.table(
      await ws.rows(`with c as (
          select catalogue, couverture_etablissement, count(*) as n, count(*) filter (where est_dans_perimetre) as p
          from matched.appariements group by all
        )
        select catalogue, couverture_etablissement as coverage, n::integer as formations,
          round_even(100 * n / sum(n) over (partition by catalogue), 1) as pct_catalogue,
          round_even(100 * p / nullif(sum(p) over (partition by catalogue), 0), 1) as pct_in_scope
        from c order by all`),
    );
  }
});
