import { randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  DuckDBInstance,
  quotedIdentifier,
  quotedString,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';

import { duckdbSettings } from './duckdb-settings.js';

let instance: Promise<DuckDBInstance> | undefined;

/** The process's one DuckDB instance (in memory; spills to `tempDirectory`). */
export function duckdb(tempDirectory = os.tmpdir()): Promise<DuckDBInstance> {
  const s = duckdbSettings();
  instance ??= DuckDBInstance.create(':memory:', {
    threads: String(s.threads ?? Math.max(1, os.availableParallelism())),
    temp_directory: tempDirectory,
    memory_limit: s.memory,
  });
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
