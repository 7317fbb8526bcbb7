import { createHash } from 'node:crypto';
import type { Lake } from './lake.js';
import type { TableManifest } from './manifest.js';
import { PreconditionFailed } from './object-store.js';
import { deltaType, needsTimestampNtz, type DeltaField } from './delta-types.js';

/** What devenir records in each Delta commit, to map Delta versions to lake and table snapshots. */
interface DevenirCommit {
  lakeSnapshot: number;
  tableSnapshot: number;
}

const version = (n: number) => String(n).padStart(20, '0');
const logKey = (layer: string, table: string, n: number) => `${layer}/${table}/_delta_log/${version(n)}.json`;
/** A data file's path relative to its table directory, URI-encoded as the Delta protocol wants. */
const relative = (layer: string, table: string, key: string) =>
  key.slice(`${layer}/${table}/`.length).split('/').map(encodeURIComponent).join('/');

/** A stable table id (a UUID shape derived from the table's name), so re-creating the log keeps it. */
function tableId(name: string): string {
  const h = createHash('sha256').update(`devenir:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The last Delta version of a table and what devenir recorded in it, or undefined when the table has no log yet. */
async function lastCommit(lake: Lake, layer: string, table: string) {
  const logs = (await lake.store.list(`${layer}/${table}/_delta_log/`))
    .map((o) => /\/(\d{20})\.json$/.exec(o.key))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  if (!logs.length) return undefined;
  const n = Math.max(...logs);
  const body = (await lake.store.get(logKey(layer, table, n)))!.body.toString('utf8');
  const info = body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { commitInfo?: { devenir?: DevenirCommit } })
    .find((a) => a.commitInfo)?.commitInfo?.devenir;
  return { version: n, devenir: info };
}

/** The actions of one Delta commit moving a table from `before`'s files to `after`'s. */
function commitActions(
  manifest: TableManifest,
  before: TableManifest | undefined,
  fields: DeltaField[],
  first: boolean,
  devenir: DevenirCommit,
): object[] {
  const { layer, table } = manifest;
  const now = Date.parse(manifest.created_at) || Date.now();
  const ntz = fields.some((f) => needsTimestampNtz(f.type));
  const actions: object[] = [
    {
      commitInfo: {
        timestamp: now,
        operation: manifest.operation === 'rollback' ? 'RESTORE' : 'WRITE',
        operationParameters: { mode: 'Overwrite' },
        engineInfo: 'devenir',
        devenir,
      },
    },
  ];
  if (first || ntz)
    actions.push({
      protocol: ntz
        ? {
            minReaderVersion: 3,
            minWriterVersion: 7,
            readerFeatures: ['timestampNtz'],
            writerFeatures: ['timestampNtz'],
          }
        : { minReaderVersion: 1, minWriterVersion: 2 },
    });
  actions.push({
    metaData: {
      id: tableId(`${layer}.${table}`),
      name: table,
      format: { provider: 'parquet', options: {} },
      schemaString: JSON.stringify({ type: 'struct', fields }),
      partitionColumns: [],
      configuration: {},
      createdTime: now,
    },
  });
  const kept = new Set(manifest.files.map((f) => f.path));
  for (const f of before?.files ?? [])
    if (!kept.has(f.path))
      actions.push({ remove: { path: relative(layer, table, f.path), deletionTimestamp: now, dataChange: true } });
  const had = new Set((before?.files ?? []).map((f) => f.path));
  for (const f of manifest.files)
    if (!had.has(f.path))
      actions.push({
        add: {
          path: relative(layer, table, f.path),
          partitionValues: {},
          size: f.file_size_bytes,
          modificationTime: now,
          dataChange: true,
          stats: JSON.stringify({ numRecords: f.record_count }),
        },
      });
  return actions;
}

/**
 * Brings the Delta Lake log (`<layer>/<table>/_delta_log/`) of every table of `layers` in a lake snapshot up to date:
 * one new Delta version per table whose table snapshot changed, adding and removing the same Parquet files the
 * manifests name (relative paths: the lake can be copied or moved). Each version is written create-only, so a retry
 * or a second writer never forks the log. Returns the tables that got a new version.
 */
export async function syncDeltaLogs(
  lake: Lake,
  lakeSnapshotId: number,
  layers: readonly string[] = ['published'],
): Promise<Array<{ table: string; version: number }>> {
  const out: Array<{ table: string; version: number }> = [];
  const tables = await lake.tables({ snapshot: lakeSnapshotId });
  for (const [name, manifest] of tables) {
    const { layer, table } = manifest;
    if (!layers.includes(layer)) continue;
    const fields = manifest.schema.map((c) => ({
      name: c.name,
      type: deltaType(c.type),
      nullable: true,
      metadata: {},
    }));
    if (fields.some((f) => f.type === undefined)) continue; // a type Delta cannot express: no Delta table for it
    const last = await lastCommit(lake, layer, table);
    if (last?.devenir?.tableSnapshot === manifest.snapshot_id) continue;
    const before = last?.devenir ? await lake.tableLog(name).read(last.devenir.tableSnapshot) : undefined;
    const next = last ? last.version + 1 : 0;
    const actions = commitActions(manifest, before, fields as DeltaField[], next === 0, {
      lakeSnapshot: lakeSnapshotId,
      tableSnapshot: manifest.snapshot_id,
    });
    try {
      await lake.store.putIfAbsent(logKey(layer, table, next), `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`);
      out.push({ table: name, version: next });
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error; // another writer committed this version first
    }
  }
  return out;
}
