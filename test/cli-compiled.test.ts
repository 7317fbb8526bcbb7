import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { plainRuntime } from '../activities/deps.js';
import { publishStaged } from '../activities/publish/publish-staged.js';
import { COMPILED_DIR, compile, compiledModule } from '../bin/compile.js';
import { openApp } from '../infra/app.js';
import { FsObjectStore } from '../lake/fs-store.js';
import { printRows } from '../infra/commands/output.js';
import { listSources } from '../infra/commands/sources.js';
import { lakeDeps, stageRaw } from './support/lake-refresh.js';
import { acce } from './transforms/fixtures.js';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'devenir-compiled-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bin/compile.js: the TypeScript compiled once, again file by file when a source changes', () => {
  const root = path.join(tmp, 'project');
  const out = path.join(tmp, 'out');
  const src = (name: string) => path.join(root, 'src', name);
  /** Writes a source with an mtime `age` seconds in the past (so a rewrite within the same second differs). */
  const put = (name: string, text: string, age = 0) => {
    writeFileSync(src(name), text);
    const when = new Date(Date.now() - age * 1000);
    utimesSync(src(name), when, when);
  };
  let version = 0;
  /** The compiled module, imported afresh (a new query string each time). */
  const load = async (name: string) =>
    (await import(/* @vite-ignore */ `${pathToFileURL(path.join(out, 'src', name))}?v=${++version}`)) as Record<
      string,
      unknown
    >;
  const build = () => compile({ root, out, dirs: ['src'] });

  it('keeps import.meta.url, drops type-only imports, and recompiles only what changed', async () => {
    mkdirSync(path.join(root, 'src', 'sub'), { recursive: true });
    cpSync('tsconfig.json', path.join(root, 'tsconfig.json'));
    put('b.ts', 'export const b: number = 1;\nexport interface Shape { x: number }\n', 60);
    put(
      'a.ts',
      [
        "import { b, type Shape } from './b.js';",
        "import type { Missing } from './nowhere.js';",
        'export const shape: Shape = { x: b };',
        'export const here: string = import.meta.url;',
        'export const dir: string = import.meta.dirname;',
        'export function boom(m?: Missing): never {',
        "  throw new Error('boom' + String(m));",
        '}',
        '',
      ].join('\n'),
      60,
    );
    put('sub/c.ts', "export { b as c } from '../b.js';\n", 60);

    expect((await build()).compiled.sort()).toEqual(['src/a.ts', 'src/b.ts', path.join('src', 'sub', 'c.ts')]);
    const a = await load('a.js');
    expect(a.shape).toEqual({ x: 1 });
    expect(a.here).toBe(pathToFileURL(src('a.ts')).href);
    expect(a.dir).toBe(path.dirname(src('a.ts')));
    expect(await build()).toEqual({ compiled: [], removed: [] });

    put('b.ts', 'export const b: number = 2;\nexport interface Shape { x: number }\n');
    expect(await build()).toEqual({ compiled: ['src/b.ts'], removed: [] });
    expect((await load('b.js')).b).toBe(2);
  });

  it('maps stack traces to the TypeScript lines', async () => {
    const script = `process.setSourceMapsEnabled(true); import(${JSON.stringify(pathToFileURL(path.join(out, 'src/a.js')).href)}).then((m) => m.boom()).catch((e) => console.log(e.stack));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(stdout).toContain(`${src('a.ts')}:7:`);
  });

  it('a file that does not compile fails when imported, the others still load, and it is retried', async () => {
    put('d.ts', 'export const d = ;\n');
    expect((await build()).compiled).toEqual(['src/d.ts']);
    await expect(load('d.js')).rejects.toThrow('src/d.ts:1:17: Unexpected ";"');
    expect((await load('b.js')).b).toBe(2);
    expect((await build()).compiled).toEqual(['src/d.ts']);
    put('d.ts', 'export const d = 4;\n');
    expect((await build()).compiled).toEqual(['src/d.ts']);
    expect((await load('d.js')).d).toBe(4);
  });

  it('removes the output of a deleted source', async () => {
    rmSync(src('d.ts'));
    expect(await build()).toEqual({ compiled: [], removed: ['src/d.ts'] });
    expect(existsSync(path.join(out, 'src', 'd.js'))).toBe(false);
  });

  it('a cache that cannot be written leaves the caller to tsx', async () => {
    const file = path.join(tmp, 'not-a-folder');
    writeFileSync(file, '');
    expect(await compiledModule('infra/cli.ts', path.join(file, 'js'))).toBeUndefined();
    expect(await compiledModule('infra/cli.ts')).toBe(pathToFileURL(path.join(COMPILED_DIR, 'infra/cli.js')).href);
  });

  it('compiles everything again when the TypeScript options change', async () => {
    const tsconfig = path.join(root, 'tsconfig.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"strict": true', '"strict": true '));
    expect((await build()).compiled).toHaveLength(3);
  });
});

describe('devenir sources, run compiled by bin/devenir.js, prints what the command prints under tsx', () => {
  it('--json and the table, on a lake with a landed raw table', async () => {
    const lake = path.join(tmp, 'lake');
    const deps = lakeDeps(new FsObjectStore(lake));
    const staged = await stageRaw(deps, { acce__etablissements: ['0690001A', '0690002B'].map((u) => acce(u)) });
    await publishStaged(deps, plainRuntime(), { stagedKeys: [staged], message: 'test', idempotencyKey: 'compiled' });
    const env = { ...process.env, DEVENIR_LAKE: lake, DEVENIR_HOME: path.join(tmp, 'home') };

    const app = await openApp({ env });
    const rows = await listSources(app);
    expect(rows.find((r) => r.source === 'acce' && r.dataset === 'etablissements')).toMatchObject({ rows: 2 });
    let table = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((table += String(s)), true));
    try {
      printRows(Object.keys(rows[0]), rows, 'table');
    } finally {
      write.mockRestore();
    }

    const bin = path.resolve('bin/devenir.js');
    const json = await run(process.execPath, [bin, 'sources', '--json'], { env });
    expect(json.stdout).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    expect((await run(process.execPath, [bin, 'sources'], { env })).stdout).toBe(table);
  }, 30_000);
});
