import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNdjson } from '../../activities/land/landing-writers.js';
import { Workspace } from '../../lake/duckdb-session.js';
import { stageLanding } from '../../lake/landing.js';
import { writeParquet } from '../../lake/parquet-writer.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'devenir-landing-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const rules = { requiredColumns: ['uai'], notNull: ['code'], patterns: { uai: '^[0-9]{7}[A-Z]$' } };

describe('stageLanding', () => {
  it('lands rows in (_raw_key, _raw_row) order with the lineage columns, quarantines with reasons, no sort needed', async () => {
    // Given out of key order: b (NDJSON, numbered by the writer), a (CSV with a record DuckDB rejects), c (NDJSON).
    const b = await writeNdjson(work, 'b', [
      { uai: '0000001B', code: 'x' },
      { uai: 'bad', code: 'y' },
      { uai: '0000003B', code: '' },
      { uai: '0000004B', code: 'z', extra: { n: 1 } },
    ]);
    const a = path.join(work, 'a.csv');
    writeFileSync(a, 'uai;code\n0000001A;p\n0000002A;q;too many\n0000003A;r\n');
    const c = await writeNdjson(work, 'c', [{ uai: '0000001C', code: 'k' }]);
    await Workspace.with(async (ws) => {
      const staged = await stageLanding(
        ws,
        [
          { ...b, rawKey: 'raw/b' },
          { path: a, format: { kind: 'csv', delimiter: ';', header: true }, rawKey: 'raw/a' },
          { ...c, rawKey: 'raw/c' },
        ],
        rules,
        '2024',
        'test',
      );
      expect(staged.ordered).toBe(true);
      const landed = await ws.rows(
        `select _raw_key, _raw_row::int as _raw_row, uai, code, extra, millesime from ${staged.landed}`,
      );
      expect(landed).toEqual([
        { _raw_key: 'raw/a', _raw_row: 1, uai: '0000001A', code: 'p', extra: null, millesime: '2024' },
        { _raw_key: 'raw/a', _raw_row: 3, uai: '0000003A', code: 'r', extra: null, millesime: '2024' },
        { _raw_key: 'raw/b', _raw_row: 1, uai: '0000001B', code: 'x', extra: null, millesime: '2024' },
        { _raw_key: 'raw/b', _raw_row: 4, uai: '0000004B', code: 'z', extra: '{"n":1}', millesime: '2024' },
        { _raw_key: 'raw/c', _raw_row: 1, uai: '0000001C', code: 'k', extra: null, millesime: '2024' },
      ]);
      const quarantined = await ws.rows<{ _raw_key: string; _raw_row: number; _reason: string }>(
        `select _raw_key, _raw_row::int as _raw_row, _reason from ${staged.quarantine}`,
      );
      expect(quarantined.map((q) => [q._raw_key, q._raw_row])).toEqual([
        ['raw/a', 2],
        ['raw/b', 2],
        ['raw/b', 3],
      ]);
      expect(quarantined[1]._reason).toBe('uai bad does not match ^[0-9]{7}[A-Z]$');
      expect(quarantined[2]._reason).toBe('code is empty');
      // Written as they come, the rows give the same bytes as sorted by (_raw_key, _raw_row).
      const write = (dir: string, presorted: boolean) =>
        writeParquet(ws, staged.landed, path.join(work, dir), {
          partitionColumn: 'millesime',
          orderBy: ['_raw_key', '_raw_row'],
          presorted,
        });
      const [asTheyCome, sorted] = [await write('p1', true), await write('p2', false)];
      expect(asTheyCome.files.map((f) => f.sha256)).toEqual(sorted.files.map((f) => f.sha256));
      // The landed file itself, written in the same pass that read the payload, is that sorted file.
      expect(staged.landedFiles.files.map((f) => [f.partition, f.record_count, f.sha256])).toEqual(
        sorted.files.map((f) => ['2024', 5, f.sha256]),
      );
    });
  });

  it("a pattern picked by another column's value: a MEFSTAT11 of 8 characters is quarantined, a CFD of 8 lands", async () => {
    const byDimension = {
      requiredColumns: ['dimension', 'code'],
      patterns: { code: '^[0-9A-Z]{8}([0-9A-Z]{3})?$' },
      patternsBy: {
        code: {
          column: 'dimension',
          patterns: { id_formation_apprentissage: '^[0-9A-Z]{8}$', id_mefstat11: '^[0-9A-Z]{11}$' },
        },
      },
    };
    const input = await writeNdjson(work, 'ij', [
      { dimension: 'id_formation_apprentissage', code: '40025214' },
      { dimension: 'id_mefstat11', code: '40025214' },
      { dimension: 'ID_MEFSTAT11', code: '24025214110' },
      { dimension: 'id_formation_apprentissage', code: '24025214110' },
    ]);
    await Workspace.with(async (ws) => {
      const staged = await stageLanding(ws, [{ ...input, rawKey: 'raw/ij' }], byDimension, '2024', 'test');
      expect(await ws.rows(`select _raw_row::int as r, code from ${staged.landed}`)).toEqual([
        { r: 1, code: '40025214' },
        { r: 3, code: '24025214110' },
      ]);
      expect(await ws.rows(`select _raw_row::int as r, _reason from ${staged.quarantine}`)).toEqual([
        { r: 2, _reason: 'code 40025214 does not match ^[0-9A-Z]{11}$ (dimension id_mefstat11)' },
        { r: 4, _reason: 'code 24025214110 does not match ^[0-9A-Z]{8}$ (dimension id_formation_apprentissage)' },
      ]);
    });
  });
});
