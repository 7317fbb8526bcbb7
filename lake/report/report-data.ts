import path from 'node:path';
import { Workspace } from '../duckdb-session.js';
import type { Lake } from '../lake.js';
import { fromManifest, registerTables } from '../lake-views.js';
import type { HeldBackModel, LakeSnapshot, TableManifest } from '../manifest.js';
import { diffSnapshots, type TableDiff } from '../snapshot-diff.js';

export interface CoverageRow {
  catalogue: string;
  level: string;
  voie: string;
  coverage: string;
  formations: number;
}

export interface SourceRow {
  table: string;
  source: string;
  dataset: string;
  lastLanding: string;
  lastPeriod: string;
  rows: number;
  quarantined: number;
  drift: string[];
}

export interface ModelTime {
  model: string;
  ms: number;
  builtAt: string;
  rows: number;
}

export interface ReportData {
  snapshot: LakeSnapshot;
  lake: string;
  coverage: CoverageRow[];
  sources: SourceRow[];
  changes: TableDiff[];
  heldBack: HeldBackModel[];
  models: ModelTime[];
}

const COVERAGE_SQL = `
with source as (select * from "published"."couverture"),
final as (
    select catalogue, niveau_donnee as level, filiere as voie, couverture as coverage,
        sum(nb_formations)::integer as formations
    from source
    group by all
)
select * from final order by all`;

/** Coverage of the catalogues per catalogue, level, voie and coverage, summed over methods and reasons. */
async function coverage(lake: Lake, m: TableManifest | undefined, workDir: string): Promise<CoverageRow[]> {
  if (!m) return [];
  return Workspace.with(async (ws) => {
    await registerTables(ws, lake.store, [fromManifest('published.couverture', m)], path.join(workDir, 'cache'));
    return ws.rows<CoverageRow>(COVERAGE_SQL);
  });
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Each raw table: its last landing (source facts of its manifest), rows, quarantined rows and drift. */
function sources(tables: Map<string, TableManifest>): SourceRow[] {
  const out: SourceRow[] = [];
  for (const [name, m] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith('raw.') || name.endsWith('__quarantine')) continue;
    const [source, ...dataset] = name.slice(4).split('__');
    const facts = m.source ?? {};
    const drift = (facts.drift ?? {}) as Record<string, unknown>;
    out.push({
      table: name,
      source: source.replace(/_/g, '-'),
      dataset: dataset.join('__'),
      lastLanding: typeof facts.fetched_at === 'string' ? facts.fetched_at : m.created_at,
      lastPeriod: Object.keys(m.summary.partitions).sort().at(-1) ?? '',
      rows: m.summary.rows,
      quarantined: tables.get(`${name}__quarantine`)?.summary.rows ?? 0,
      drift: [
        ...list(drift.unknownColumns).map((c) => `column ${c}`),
        ...list(drift.unknownMeasures).map((c) => `measure ${c}`),
      ],
    });
  }
  return out;
}

/** Build time of every model, as recorded in the table snapshot its last build wrote. */
function models(tables: Map<string, TableManifest>): ModelTime[] {
  return [...tables]
    .filter(([name, m]) => !name.startsWith('raw.') && m.build_ms !== undefined)
    .map(([model, m]) => ({ model, ms: m.build_ms!, builtAt: m.created_at, rows: m.summary.rows }))
    .sort((a, b) => b.ms - a.ms || a.model.localeCompare(b.model));
}

/** Everything the report shows about one lake snapshot, read from its manifests and published tables. */
export async function reportData(
  lake: Lake,
  snapshotId: number,
  workDir: string,
  uniqueKeys: Record<string, string[]> = {},
): Promise<ReportData> {
  const snapshot = await lake.lakeSnapshot({ snapshot: snapshotId });
  if (!snapshot) throw new Error(`lake snapshot ${snapshotId} does not exist in ${lake.store.root}`);
  const tables = await lake.tables({ snapshot: snapshotId });
  const parent = snapshot.parent_snapshot_id;
  const changes = parent ? await diffSnapshots(lake, parent, snapshotId, workDir, uniqueKeys) : [];
  return {
    snapshot,
    lake: lake.store.root,
    coverage: await coverage(lake, tables.get('published.couverture'), workDir),
    sources: sources(tables),
    changes,
    heldBack: snapshot.held_back,
    models: models(tables),
  };
}
