import { modelFingerprints, withDescendants } from './fingerprint.js';
import type { StagedTable } from './lake.js';
import type { TableFiles } from './lake-views.js';
import { readsHeldBack, type HeldBackModel, type TableManifest } from './manifest.js';
import { overlayTables } from './overlay.js';
import { droppedColumns, REMOVAL_FIX, shrunkPartitions } from './raw-guard.js';
import type { ModelDef, ParamValue } from './transform-types.js';

/** What a selective build does: which models to run, which to read from the lake, which to hold back. */
export interface BuildPlan {
  fingerprints: Map<string, string>;
  /** Models to run, in build order: fingerprint changed (or `full`), and their descendants. */
  run: ModelDef[];
  /** Raw tables the models to run read (committed with staged sets laid over, less any shrunk one). */
  raw: TableFiles[];
  /** Models (and relationship targets) not run that the models to run read: registered from the lake. */
  external: TableFiles[];
  /** Raw tables and models held back before any run: a shrunk partition and everything reading it. */
  heldBack: HeldBackModel[];
}

/** Plans a build: fingerprints every model over the inputs a publish would leave, and picks what changed. */
export function planBuild(
  models: readonly ModelDef[],
  committed: ReadonlyMap<string, TableManifest>,
  staged: StagedTable[],
  opts: {
    params: Record<string, ParamValue>;
    full?: boolean;
    acceptRemoval?: boolean;
    rowDriftThreshold: number;
    /** Required columns of each raw table (the dataset registry, activities/land/datasets). */
    declared: Record<string, string[]>;
  },
): BuildPlan {
  const shrunk = [
    ...droppedColumns(committed, staged, opts.declared),
    ...(opts.acceptRemoval ? [] : shrunkPartitions(committed, staged, opts.rowDriftThreshold)),
  ];
  const blocked = new Map(shrunk.map((h) => [h.model, h]));
  const fixFor = (raw: HeldBackModel | undefined) => raw?.fix ?? REMOVAL_FIX;
  const tables = new Map(
    overlayTables(
      new Map(committed),
      staged.filter((t) => !blocked.has(t.name)),
    ).map((t) => [t.name, t]),
  );
  const fingerprints = modelFingerprints(models, tables, opts.params);
  const heldBack: HeldBackModel[] = [...shrunk];
  const held = new Set<string>();
  const fixes = new Map<string, string>();
  for (const m of models) {
    const raw = m.sources.map((s) => blocked.get(`raw.${s.table}`)).find(Boolean);
    const upstream = m.dependsOn.find((d) => held.has(d));
    if (upstream) fixes.set(m.id, fixes.get(upstream)!);
    if (raw) fixes.set(m.id, fixFor(raw));
    if (!raw && !upstream) continue;
    held.add(m.id);
    heldBack.push({
      model: m.id,
      reason: raw ? `it reads ${raw.model}, not published: ${raw.reason}` : readsHeldBack(upstream!),
      fix: fixes.get(m.id),
    });
  }
  const changed = models.filter(
    (m) => !held.has(m.id) && (opts.full || committed.get(m.id)?.fingerprint !== fingerprints.get(m.id)),
  );
  const runIds = withDescendants(
    models,
    changed.map((m) => m.id),
  );
  const run = models.filter((m) => runIds.has(m.id) && !held.has(m.id));
  const running = new Set(run.map((m) => m.id));
  const read = new Set(
    run.flatMap((m) => [
      ...m.dependsOn,
      ...m.contract.relationships.map((r) => `${r.to.layer}.${r.to.table}`),
      ...m.sources.map((s) => `raw.${s.table}`),
    ]),
  );
  const pick = (name: string) => tables.get(name);
  return {
    fingerprints,
    run,
    raw: [...read].filter((n) => n.startsWith('raw.')).flatMap((n) => pick(n) ?? []),
    // What is read but not run (unchanged, or held back above) is read at its published version.
    external: [...read].filter((n) => !n.startsWith('raw.') && !running.has(n)).flatMap((n) => pick(n) ?? []),
    heldBack,
  };
}
