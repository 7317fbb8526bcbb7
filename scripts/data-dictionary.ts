// Writes docs/data-dictionary.md from the published models' contracts (`npm run dictionary`).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderDataDictionary } from '../lake/data-dictionary.js';
import { loadModels } from '../lake/transform-load.js';

const root = new URL('../', import.meta.url);
const models = await loadModels(fileURLToPath(new URL('transforms', root)));
const target = fileURLToPath(new URL('docs/data-dictionary.md', root));
await writeFile(target, renderDataDictionary(models));
process.stdout.write(`Wrote ${target}\n`);
