// devenir's TypeScript compiled once into plain JavaScript under node_modules/.cache/devenir/js, and again, file by
// file, when a source changes (its mtime or size): a command then starts without tsx's loader, whose hooks alone took
// longer than the 0.5 s a command may take. Each file is transpiled on its own by esbuild, with the options tsx uses,
// and with `import.meta.url` (and `dirname`, `filename`) set to its source's, so paths resolved from it (transforms/,
// the dataset declarations, schedules.yml, the workflows Temporal bundles) stay where they were.
// Plain JavaScript: it runs before any TypeScript loader. `node bin/compile.js` compiles ahead (the Docker image).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The folders of the code commands run (tests, benches and scripts run under tsx). */
export const SOURCE_DIRS = ['activities', 'infra', 'lake', 'workflows'];
export const COMPILED_DIR = path.join(ROOT, 'node_modules', '.cache', 'devenir', 'js');

const MANIFEST = 'manifest.json';

/**
 * Brings `out` up to date with the `.ts` files of `dirs` under `root` (compiling only the changed ones, removing the
 * outputs of deleted ones) and returns the relative paths it compiled and removed. Throws when `out` is not writable.
 * @param {{ root?: string, out?: string, dirs?: string[] }} [opts]
 */
export async function compile({ root = ROOT, out = COMPILED_DIR, dirs = SOURCE_DIRS } = {}) {
  const tsconfig = readFileSync(path.join(root, 'tsconfig.json'), 'utf8');
  const esbuildVersion = readFileSync(new URL('../package.json', import.meta.resolve('esbuild')), 'utf8');
  // Anything that changes every output: this file (the options below), the TypeScript options, esbuild's version.
  const key = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(tsconfig)
    .update(esbuildVersion)
    .digest('hex');
  /** @type {{ key?: string, files?: Record<string, string> }} */
  let manifest = {};
  try {
    manifest = JSON.parse(readFileSync(path.join(out, MANIFEST), 'utf8'));
  } catch {
    // never compiled
  }
  const before = (manifest.key === key && manifest.files) || {};
  /** @type {Record<string, string>} */
  const files = {};
  // A walk of our own: readdirSync's `recursive` took 15–40 ms here against 1 ms.
  const walk = (/** @type {string} */ rel) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const s = statSync(path.join(root, child));
        files[child] = `${s.mtimeMs}:${s.size}`;
      }
    }
  };
  dirs.forEach(walk);
  const stale = Object.keys(files).filter((rel) => before[rel] !== files[rel]);
  const removed = Object.keys(manifest.files ?? {}).filter((rel) => !(rel in files));
  if (!stale.length && !removed.length) return { compiled: [], removed: [] };

  // Written over, never emptied first: a command started earlier may still import from it.
  mkdirSync(out, { recursive: true });
  const target = (rel) => path.join(out, rel.replace(/\.ts$/, '.js'));
  const write = (file, text) => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file); // whole files only, for a command starting meanwhile
  };
  // The folder is outside the project's package scope (a node_modules boundary): its .js files are ES modules.
  write(path.join(out, 'package.json'), '{ "type": "module" }\n');
  const { transform } = await import('esbuild');
  await Promise.all(
    stale.map(async (rel) => {
      const source = path.join(root, rel);
      const text = readFileSync(source, 'utf8');
      const dest = target(rel);
      const url = pathToFileURL(source).href;
      let code;
      try {
        ({ code } = await transform(text, {
          loader: 'ts',
          format: 'esm',
          target: 'node20',
          tsconfigRaw: tsconfig,
          // As tsx: names kept, whitespace dropped, a source map without the sources' text (they are beside it).
          keepNames: true,
          minifyWhitespace: true,
          sourcemap: 'inline',
          sourcesContent: false,
          sourcefile: path.relative(path.dirname(dest), source),
          define: {
            'import.meta.url': JSON.stringify(url),
            'import.meta.filename': JSON.stringify(source),
            'import.meta.dirname': JSON.stringify(path.dirname(source)),
          },
        }));
      } catch (error) {
        // As under tsx, a file that does not compile fails the commands that import it, not the others; it is
        // compiled again on the next start.
        const first = error.errors?.[0];
        const where = first?.location ? `${rel}:${first.location.line}:${first.location.column}` : rel;
        code = `throw new SyntaxError(${JSON.stringify(`${where}: ${first?.text ?? error.message}`)});\n`;
        delete files[rel];
      }
      mkdirSync(path.dirname(dest), { recursive: true });
      write(dest, code);
    }),
  );
  for (const rel of removed) rmSync(target(rel), { force: true });
  write(path.join(out, MANIFEST), `${JSON.stringify({ key, files })}\n`);
  return { compiled: stale, removed };
}

/**
 * The URL of the compiled `rel` (`infra/cli.ts`), compiled first when stale; undefined when the cache cannot be
 * written (a read-only install not compiled ahead), for the caller to load the TypeScript through tsx instead.
 * @param {string} rel
 * @param {string} [out]
 */
export async function compiledModule(rel, out = COMPILED_DIR) {
  try {
    await compile({ out });
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).syscall) return; // the file system refused (EACCES, EROFS…)
    throw error;
  }
  return pathToFileURL(path.join(out, rel.replace(/\.ts$/, '.js'))).href;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { compiled, removed } = await compile();
  process.stdout.write(`compiled ${compiled.length} files, removed ${removed.length} into ${COMPILED_DIR}\n`);
}
