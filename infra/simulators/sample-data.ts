import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Root of the bundled real extracts (gzip-compressed byte for byte). */
export const SAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/sample');

const cache = new Map<string, Buffer>();

/** The original bytes of a bundled file, e.g. `bcn/N_MEF.csv` (reads `bcn/N_MEF.csv.gz`). */
export function readSample(relativePath: string): Buffer {
  let bytes = cache.get(relativePath);
  if (!bytes) {
    bytes = gunzipSync(readFileSync(path.join(SAMPLE_DIR, `${relativePath}.gz`)));
    cache.set(relativePath, bytes);
  }
  return bytes;
}

/** The millésimes the bundled InserJeunes extract holds (what the default run replays), read from the file itself. */
export function sampleMillesimes(): string[] {
  const lines = readSample('inserjeunes_api/ij_region_data.csv')
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const column = lines[0].split(';').indexOf('millesime');
  return [
    ...new Set(
      lines
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(';')[column]),
    ),
  ].sort();
}
