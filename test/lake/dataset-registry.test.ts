import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASETS_DIR, loadRegistry } from '../../lake/dataset-registry.js';

describe('the parsed registry kept between processes', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'devenir-registry-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('gives what a parse gives, and a changed declaration is parsed again', () => {
    const cache = path.join(tmp, 'cache');
    const parsed = loadRegistry(DATASETS_DIR, cache);
    expect(readdirSync(cache)).toHaveLength(1);
    expect(loadRegistry(DATASETS_DIR, cache)).toEqual(parsed);
    expect(parsed.inserjeunes.datasets.nationales.period).toBe('millesime');

    const dir = path.join(tmp, 'datasets');
    cpSync(DATASETS_DIR, dir, { recursive: true });
    const file = path.join(dir, 'bcn.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}cron: .*$/m, '  cron: 0 5 * * 1'));
    const changed = loadRegistry(dir, cache);
    expect(changed.bcn.schedule.cron).toBe('0 5 * * 1');
    expect(changed.acce).toEqual(parsed.acce);
    expect(readdirSync(cache)).toHaveLength(2);
  });
});
