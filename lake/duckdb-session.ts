import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DuckDBInstance,
  quotedIdentifier,
  quotedString,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';

import { duckdbSettings } from './duckdb-settings.js';

let instance: Promise<DuckDBInstance> | undefined;

/** Threads, memory cap and spill directory, from the environment. */
function instanceOptions(tempDirectory: string): Record<string, string> {
  const s = duckdbSettings();
  return {
    threads: String(s.threads ?? Math.max(1, os.availableParallelism())),
    temp_directory: tempDirectory,
    memory_limit: s.memory,
  };
}

/** The process's one DuckDB instance (in memory; spills to `tempDirectory`). */
export function duckdb(tempDirectory = os.tmpdir()): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:', instanceOptions(tempDirectory));
  return instance;
}

/** Identifiers and literals, quoted by DuckDB's own helpers (never spliced by hand). */
export const sql = {
  id: quotedIdentifier,
  str: quotedString,
  /** `raw.bcn__n_mef` → `"raw"."bcn__n_mef"`. */
  table: (name: string) => name.split('.').map(quotedIdentifier).join('.'),
  list: (values: string[]) => `[${values.map(quotedString).join(', ')}]`,
};

/**
 * A private workspace: its own in-memory catalog on the shared instance, with the lake's layer schemas,
 * so concurrent builds and queries in one process never see each other's tables.
 */
export class Workspace {
  private constructor(
    readonly connection: DuckDBConnection,
    readonly catalog: string,
    private readonly owned?: { db: DuckDBInstance; spill: string },
    /** A second connection to another workspace's tables (fork): closing it leaves them. */
    private readonly forked = false,
  ) {}

  static async open(): Promise<Workspace> {
    const db = await duckdb();
    const connection = await db.connect();
    const catalog = `ws_${randomUUID().replace(/-/g, '')}`;
    await connection.run(`attach ':memory:' as ${quotedIdentifier(catalog)}; use ${quotedIdentifier(catalog)};`);
    for (const schema of ['raw', 'staging', 'matched', 'published'])
      await connection.run(`create schema if not exists ${quotedIdentifier(schema)}`);
    return new Workspace(connection, catalog);
  }

  /**
   * A workspace on a private instance for user SQL: no extension is installed or loaded, and once `setup` has
   * run, external access is off except `allowedPaths` and the configuration is locked (no `set`, no `attach` of a
   * file, no `copy` elsewhere). `setup` runs before the lock, e.g. to create the views over `allowedPaths`.
   * DuckDB may always use its spill directory, so it gets a private one (never the shared /tmp), removed on close.
   */
  static async locked(allowedPaths: string[], setup: (ws: Workspace) => Promise<void>): Promise<Workspace> {
    const spill = mkdtempSync(path.join(os.tmpdir(), 'devenir-query-'));
    const db = await DuckDBInstance.create(':memory:', {
      ...instanceOptions(spill),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const ws = new Workspace(await db.connect(), 'memory', { db, spill });
    try {
      for (const schema of ['raw', 'staging', 'matched', 'published']) await ws.run(`create schema ${sql.id(schema)}`);
      await ws.run(
        `set allowed_paths = ${sql.list(allowedPaths)}; set allowed_directories = []; set enable_external_access = false`,
      );
      await setup(ws);
      await ws.run('set lock_configuration = true');
      return ws;
    } catch (error) {
      await ws.close();
      throw error;
    }
  }

  /** Another connection to this workspace's tables, for statements run beside its own; closing it closes only that connection. */
  async fork(): Promise<Workspace> {
    const connection = await (this.owned?.db ?? (await duckdb())).connect();
    if (!this.owned) await connection.run(`use ${quotedIdentifier(this.catalog)}`);
    return new Workspace(connection, this.catalog, this.owned, true);
  }

  async run(statement: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    await this.connection.run(statement, params);
  }

  /** Rows as JSON-safe objects (BIGINT as string, dates as ISO text). */
  async rows<T = Record<string, unknown>>(
    statement: string,
    params?: DuckDBValue[] | Record<string, DuckDBValue>,
  ): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(statement, params);
    return reader.getRowObjectsJson() as T[];
  }

  async close(): Promise<void> {
    if (this.forked) {
      this.connection.closeSync();
      return;
    }
    if (this.owned) {
      this.connection.closeSync();
      this.owned.db.closeSync();
      rmSync(this.owned.spill, { recursive: true, force: true });
      return;
    }
    try {
      await this.connection.run(`use memory; detach ${quotedIdentifier(this.catalog)}`);
    } finally {
      this.connection.closeSync();
    }
  }

  /** Opens a workspace, runs `fn`, always closes it. */
  static async with<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
    const ws = await Workspace.open();
    try {
      return await fn(ws);
    } finally {
      await ws.close();
    }
  }
}
