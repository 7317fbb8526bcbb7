/**
 * The scale bench's synthetic data: k copies of every landed statistics table (raw tables partitioned by millésime),
 * copy c on millésimes shifted 3·c years back (so the three bundled millésimes become 3·k) and, in every UAI column,
 * on generated UAIs (same département prefix, other serial number, valid check letter). Referentials stay as landed.
 */
import path from 'node:path';
import type { ActivityDeps } from '../activities/deps.js';
import { sql, Workspace } from '../lake/duckdb-session.js';
import type { StagedTable } from '../lake/lake.js';
import { registerTables } from '../lake/lake-views.js';
import { overlayTables } from '../lake/overlay.js';
import { loadStaged, saveStaged, stageTable } from '../lake/staged.js';

/** A period with every four-digit year moved `years` back: 2021_2022 → 2018_2019, 2024_S2 → 2021_S2. */
export const shiftPeriod = (period: string, years: number): string =>
  period.replace(/\d{4}/g, (y) => String(Number(y) - years));

// The UAI's check letter is the 7-digit number modulo 23 in this alphabet (no I, O, Q).
const MACROS = `
create or replace temp macro scale_digits(u, c) as
  substr(u, 1, 3) || lpad(((cast(substr(u, 4, 4) as integer) + 1000 * c) % 10000)::varchar, 4, '0');
create or replace temp macro scale_uai(u, c) as
  case when c = 0 or not regexp_full_match(coalesce(u, ''), '[0-9]{7}[A-Z]') then u
  else scale_digits(u, c) || substr('ABCDEFGHJKLMNPRSTUVWXYZ', (cast(scale_digits(u, c) as bigint) % 23)::integer + 1, 1)
  end;`;

/** Stages the k× data set from the 1× staged sets; returns its one staged key, raw rows and the tables scaled. */
export async function scaleStaged(
  deps: ActivityDeps,
  stagedKeys: string[],
  k: number,
): Promise<{ key: string; rawRows: number; scaled: string[] }> {
  const staged = (await Promise.all(stagedKeys.map((key) => loadStaged(deps.store, key)))).flat();
  const partitionOf = new Map(staged.map((t) => [t.name, t.partitionColumn]));
  const tables = overlayTables(new Map(), staged);
  const out: StagedTable[] = [];
  const scaled: string[] = [];
  let rawRows = 0;
  await Workspace.with(async (ws) => {
    await ws.run(MACROS);
    for (const t of tables) {
      const partitionColumn = partitionOf.get(t.name) ?? null;
      const columns = t.schema.map((c) => c.name);
      const rows = t.files.reduce((n, f) => n + f.record_count, 0);
      if (partitionColumn !== 'millesime' || t.name.endsWith('__quarantine') || k === 1 || !t.files.length) {
        out.push({ name: t.name, partitionColumn, replace: 'all', files: t.files, schema: t.schema });
        if (!t.name.endsWith('__quarantine')) rawRows += rows;
        continue;
      }
      await registerTables(ws, deps.store, [t], path.join(deps.config.workDir, 'cache'));
      const periods = [...new Set(t.files.map((f) => f.partition).filter((p): p is string => p !== null))];
      const mapping = periods.flatMap((p) =>
        Array.from({ length: k }, (_, c) => `(${c}, ${sql.str(p)}, ${sql.str(shiftPeriod(p, 3 * c))})`),
      );
      const replaced = columns.map((c) => {
        const id = sql.id(c);
        if (c === 'millesime') return `m.to_period as ${id}`;
        if (c === '_raw_key')
          return `case when m.copy = 0 then src.${id} else src.${id} || '#scale' || m.copy end as ${id}`;
        if (/uai/i.test(c)) return `scale_uai(src.${id}, m.copy) as ${id}`;
        return `src.${id}`;
      });
      await ws.run(`drop table if exists scaled; drop table if exists scale_map;
        create temp table scale_map (copy integer, from_period varchar, to_period varchar);
        insert into scale_map values ${mapping.join(', ')};
        create temp table scaled as select ${replaced.join(', ')} from ${sql.table(t.name)} src join scale_map m on m.from_period = src.millesime`);
      const table = await stageTable(ws, deps.store, 'scaled', {
        name: t.name,
        partitionColumn,
        replace: 'all',
        orderBy: columns.includes('_raw_row') ? ['_raw_key', '_raw_row'] : undefined,
        localDir: path.join(deps.config.workDir, 'scale'),
      });
      out.push(table);
      rawRows += table.files.reduce((n, f) => n + f.record_count, 0);
      scaled.push(t.name);
    }
  });
  return { key: await saveStaged(deps.store, out), rawRows, scaled };
}
