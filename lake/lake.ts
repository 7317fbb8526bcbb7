import {
  LakeSnapshot,
  TableManifest,
  paths,
  parseTableName,
  type CheckResult,
  type Column,
  type DataFile,
  type HeldBackModel,
  type Producer,
} from './manifest.js';
import { StaleBuild } from '../activities/errors.js';
import { failpoint } from './failpoints.js';
import type { ObjectStore } from './object-store.js';
import { IDEMPOTENCY_DEPTH, SnapshotLog } from './snapshot-log.js';

/** A table's new files, written and checked but not yet visible: what a build or a landing hands to publish. */
export interface StagedTable {
  /** `layer.table`. */
  name: string;
  partitionColumn: string | null;
  /** Partitions these files replace; `all` replaces the whole table. */
  replace: string[] | 'all';
  files: DataFile[];
  schema: Array<Omit<Column, 'id'>>;
  inputs?: Array<{ table: string; snapshot_id: number }>;
  checks?: CheckResult[];
  source?: Record<string, unknown>;
  /** The fingerprint of the model that built it (models only). */
  fingerprint?: string;
  /** A built model's build time (milliseconds of its SQL). */
  build_ms?: number;
}

export interface PublishResult {
  snapshot: LakeSnapshot | undefined;
  /** False when nothing changed (or this idempotency key was already committed). */
  committed: boolean;
  tables: Array<{ name: string; snapshot_id: number; committed: boolean; rows: number }>;
}

/** Selects a lake snapshot: the current one, a snapshot id, or a tag. */
export type SnapshotSelector = { snapshot?: number; tag?: string };

/** The versioned lake: table snapshots, lake snapshots (one per publish), tags, time travel, rollback. */
export class Lake {
  readonly lakeLog: SnapshotLog<LakeSnapshot>;

  constructor(readonly store: ObjectStore) {
    this.lakeLog = new SnapshotLog(store, LakeSnapshot, paths.lakeSnapshot, paths.lakeCurrent());
  }

  tableLog(name: string): SnapshotLog<TableManifest> {
    const { layer, table } = parseTableName(name);
    return new SnapshotLog(
      this.store,
      TableManifest,
      (id) => paths.tableSnapshot(layer, table, id),
      paths.tableCurrent(layer, table),
    );
  }

  /** Commits each staged table, then one lake snapshot naming them all. Idempotent per key. */
  async publish(
    staged: StagedTable[],
    opts: { message: string; idempotencyKey: string; producer?: Producer; heldBack?: HeldBackModel[] },
  ): Promise<PublishResult> {
    // Checked before the table commits too, so that a stale build leaves no table snapshot behind in most cases.
    const stale = staleInputs(staged, await this.lakeLog.head());
    const retried = async () =>
      (await this.lakeLog.history(IDEMPOTENCY_DEPTH)).some((s) => s.idempotency_key === opts.idempotencyKey);
    if (stale.length && !(await retried())) throw staleBuild(stale);
    return this.commitAll(staged, opts, 'merge', (head) => {
      const now = staleInputs(staged, head);
      if (now.length) throw staleBuild(now);
    });
  }

  /**
   * The two steps of every publish: a table snapshot per staged table, then one lake snapshot. `merge` keeps the
   * other tables of the head; `replace` makes the lake exactly these tables (a rollback).
   */
  private async commitAll(
    staged: StagedTable[],
    opts: {
      message: string;
      idempotencyKey: string;
      producer?: Producer;
      operation?: TableManifest['operation'];
      heldBack?: HeldBackModel[];
    },
    lakeTables: 'merge' | 'replace',
    /** Throws to refuse the commit on this head (called on every attempt, after the idempotency lookup). */
    guard?: (head: LakeSnapshot | undefined) => void,
  ): Promise<PublishResult> {
    const tables: PublishResult['tables'] = [];
    for (const t of [...staged].sort((a, b) => a.name.localeCompare(b.name))) {
      const { snapshot, committed } = await this.commitTable(
        t,
        `${opts.idempotencyKey}/${t.name}`,
        opts.producer,
        opts.operation,
      );
      if (snapshot)
        tables.push({ name: t.name, snapshot_id: snapshot.snapshot_id, committed, rows: snapshot.summary.rows });
    }
    failpoint('lake.tables-committed');
    const changes = Object.fromEntries(tables.map((t) => [t.name, t.snapshot_id]));
    const { snapshot, committed } = await this.lakeLog.commit(opts.idempotencyKey, (head) => {
      guard?.(head);
      const next = lakeTables === 'replace' ? changes : { ...(head?.tables ?? {}) };
      if (lakeTables === 'merge')
        for (const [name, id] of Object.entries(changes)) next[name] = Math.max(id, next[name] ?? 0);
      if (head && sameMap(head.tables, next)) return 'unchanged';
      return {
        format_version: 1,
        created_at: new Date().toISOString(),
        message: opts.message,
        idempotency_key: opts.idempotencyKey,
        producer: opts.producer ?? {},
        tables: sortKeys(next),
        held_back: opts.heldBack ?? [],
      };
    });
    if (committed) failpoint('lake.snapshot-committed');
    return { snapshot, committed, tables };
  }

  /** Commits one table snapshot: the head's files minus the replaced partitions, plus the new files. */
  async commitTable(
    staged: StagedTable,
    idempotencyKey: string,
    producer: Producer = {},
    operation: TableManifest['operation'] = staged.replace === 'all' ? 'overwrite' : 'replace_partitions',
  ) {
    const { layer, table } = parseTableName(staged.name);
    return this.tableLog(staged.name).commit(idempotencyKey, (head) => {
      const replaced = new Set(staged.replace === 'all' ? (head?.files ?? []).map((f) => f.partition) : staged.replace);
      const kept = (head?.files ?? []).filter((f) => !replaced.has(f.partition));
      const files = [...kept, ...staged.files].sort(
        (a, b) => a.partition.localeCompare(b.partition) || a.path.localeCompare(b.path),
      );
      const schema = assignColumnIds(head?.schema ?? [], staged.schema);
      // A model rebuilt to the same bytes from new inputs still records its new fingerprint (no new data file).
      if (
        head &&
        sameFiles(head.files, files) &&
        JSON.stringify(head.schema) === JSON.stringify(schema) &&
        head.fingerprint === staged.fingerprint
      )
        return 'unchanged';
      const partitions: Record<string, number> = {};
      for (const f of files) partitions[f.partition] = (partitions[f.partition] ?? 0) + f.record_count;
      return {
        format_version: 1 as const,
        layer,
        table,
        created_at: new Date().toISOString(),
        operation,
        idempotency_key: idempotencyKey,
        producer,
        inputs: staged.inputs ?? [],
        schema,
        partition_column: staged.partitionColumn,
        files,
        checks: staged.checks ?? [],
        fingerprint: staged.fingerprint,
        ...(staged.build_ms === undefined ? {} : { build_ms: staged.build_ms }),
        // Source facts are kept per partition: a partition replaced here brings its own.
        source: staged.replace === 'all' ? staged.source : { ...(head?.source ?? {}), ...(staged.source ?? {}) },
        summary: { rows: files.reduce((n, f) => n + f.record_count, 0), files: files.length, partitions },
      };
    });
  }

  /** The lake snapshot a selector names (current by default). */
  async lakeSnapshot(selector: SnapshotSelector = {}): Promise<LakeSnapshot | undefined> {
    if (selector.tag) {
      const ref = await this.store.get(paths.tag(selector.tag));
      if (!ref)
        throw new Error(
          `no tag "${selector.tag}"; existing tags: ${(await this.tags()).map((t) => t.name).join(', ') || 'none'}`,
        );
      return this.lakeLog.read(JSON.parse(ref.body.toString('utf8')).snapshot_id);
    }
    if (selector.snapshot !== undefined) {
      const found = await this.lakeLog.read(selector.snapshot);
      if (!found)
        throw new Error(
          `no lake snapshot ${selector.snapshot}; the latest is ${(await this.lakeLog.head())?.snapshot_id ?? 'none'}`,
        );
      return found;
    }
    return this.lakeLog.head();
  }

  /** Every table manifest of a lake snapshot, by `layer.table`. */
  async tables(selector: SnapshotSelector = {}): Promise<Map<string, TableManifest>> {
    const snapshot = await this.lakeSnapshot(selector);
    const out = new Map<string, TableManifest>();
    for (const [name, id] of Object.entries(snapshot?.tables ?? {})) {
      const manifest = await this.tableLog(name).read(id);
      if (!manifest) throw new Error(`lake snapshot ${snapshot!.snapshot_id} names ${name}@${id}, which is missing`);
      out.set(name, manifest);
    }
    return out;
  }

  /** Freezes a lake snapshot under a name (create-only: a tag never moves). */
  async tag(name: string, snapshotId: number): Promise<void> {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`tag "${name}": use letters, digits, '.', '_' or '-'`);
    if (!(await this.lakeLog.read(snapshotId))) throw new Error(`no lake snapshot ${snapshotId}`);
    await this.store.putIfAbsent(
      paths.tag(name),
      JSON.stringify({ snapshot_id: snapshotId, created_at: new Date().toISOString() }),
    );
  }

  async tags(): Promise<Array<{ name: string; snapshot_id: number }>> {
    const refs = await this.store.list('_meta/lake/refs/');
    return Promise.all(
      refs.map(async (r) => ({
        name: r.key.slice('_meta/lake/refs/'.length, -'.json'.length),
        snapshot_id: JSON.parse((await this.store.get(r.key))!.body.toString('utf8')).snapshot_id as number,
      })),
    );
  }

  /** A new lake snapshot whose tables point back at the files of an older one. */
  async rollback(to: SnapshotSelector, idempotencyKey: string): Promise<PublishResult> {
    const target = await this.lakeSnapshot(to);
    if (!target) throw new Error('nothing to roll back to: the lake is empty');
    const staged: StagedTable[] = [...(await this.tables(to))].map(([name, m]) => ({
      name,
      partitionColumn: m.partition_column,
      replace: 'all',
      files: m.files,
      schema: m.schema,
      inputs: m.inputs,
      checks: m.checks,
      source: m.source,
      fingerprint: m.fingerprint,
    }));
    return this.commitAll(
      staged,
      { message: `rollback to snapshot ${target.snapshot_id}`, idempotencyKey, operation: 'rollback' },
      'replace',
    );
  }

  /** Deletes data files that no table snapshot references and that are older than the grace period. */
  async gc(opts: { graceMs: number; dryRun?: boolean; now?: Date }): Promise<{ deleted: string[]; kept: number }> {
    const referenced = new Set<string>();
    const manifests = (await this.store.list('_meta/')).filter(
      (o) => /\/snapshots\/\d+\.json$/.test(o.key) && !o.key.startsWith('_meta/lake/'),
    );
    for (const m of manifests) {
      const body = await this.store.get(m.key);
      for (const f of TableManifest.parse(JSON.parse(body!.body.toString('utf8'))).files) referenced.add(f.path);
    }
    const cutoff = (opts.now ?? new Date()).getTime() - opts.graceMs;
    const deleted: string[] = [];
    let kept = 0;
    for (const layer of ['raw', 'staging', 'matched', 'published']) {
      for (const o of await this.store.list(`${layer}/`)) {
        if (!/\/data\/.*\.parquet$/.test(o.key)) continue;
        if (referenced.has(o.key) || o.lastModified.getTime() > cutoff) kept += 1;
        else {
          if (!opts.dryRun) await this.store.delete(o.key);
          deleted.push(o.key);
        }
      }
    }
    return { deleted, kept };
  }
}

/**
 * Folds staged tables of the same name into one, in order: a later set replaces the partitions it names
 * (or the whole table when it replaces `all`); the partitions of earlier sets are kept.
 */
export function mergeStaged(staged: StagedTable[]): StagedTable[] {
  const byName = new Map<string, StagedTable>();
  for (const t of staged) {
    const prev = byName.get(t.name);
    if (!prev || t.replace === 'all') {
      byName.set(t.name, t);
      continue;
    }
    const replaced = new Set(t.replace);
    byName.set(t.name, {
      ...t,
      replace: prev.replace === 'all' ? 'all' : [...new Set([...prev.replace, ...t.replace])].sort(),
      files: [...prev.files.filter((f) => !replaced.has(f.partition)), ...t.files],
      inputs: [...(prev.inputs ?? []), ...(t.inputs ?? [])],
      checks: [...(prev.checks ?? []), ...(t.checks ?? [])],
      source: { ...(prev.source ?? {}), ...(t.source ?? {}) },
    });
  }
  return [...byName.values()];
}

/** Keeps each column's id across snapshots (by name); new columns get the next ids. */
export function assignColumnIds(previous: Column[], next: Array<Omit<Column, 'id'>>): Column[] {
  const byName = new Map(previous.map((c) => [c.name, c.id]));
  let nextId = previous.reduce((m, c) => Math.max(m, c.id), 0) + 1;
  return next.map((c) => ({ id: byName.get(c.name) ?? nextId++, name: c.name, type: c.type }));
}

function sameFiles(a: DataFile[], b: DataFile[]): boolean {
  return a.length === b.length && a.every((f, i) => f.path === b[i].path && f.partition === b[i].partition);
}

function sameMap(a: Record<string, number>, b: Record<string, number>): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
}

/**
 * The inputs of staged models that the head no longer holds at the version they were built over (another committer
 * on the same lake published them meanwhile), as `model read input@built, now @head`; tables of this publish aside.
 */
export function staleInputs(staged: StagedTable[], head: LakeSnapshot | undefined): string[] {
  const publishing = new Set(staged.map((t) => t.name));
  return staged.flatMap((t) =>
    (t.inputs ?? [])
      .filter((i) => !publishing.has(i.table) && (head?.tables[i.table] ?? 0) !== i.snapshot_id)
      .map((i) => `${t.name} was built over ${i.table}@${i.snapshot_id}, now @${head?.tables[i.table] ?? 0}`),
  );
}

/** The refusal of a publish whose models were built over inputs the head no longer holds (see {@link staleInputs}). */
export const staleBuild = (stale: string[]) =>
  new StaleBuild(
    `another committer published into this lake while this build ran (${stale.slice(0, 3).join('; ')}${stale.length > 3 ? `; ${stale.length - 3} more` : ''}); nothing of it was published: run it again to build over the new head`,
  );
