import { describe, expect, it } from 'vitest';
import { WORKER_ROLES } from '../../infra/worker-roles.js';
import { configureDuckdb, defaultThreads, duckdbSettings, DUCKDB_DEFAULTS } from '../../lake/duckdb-settings.js';

describe("DuckDB's memory limit", () => {
  it('takes the configured limit first, the default when the configuration leaves it unset', () => {
    configureDuckdb({ memory: '2GB', threads: 1 });
    expect(duckdbSettings()).toEqual({ memory: '2GB', threads: 1 });
    configureDuckdb({});
    expect(duckdbSettings().memory).toBe(DUCKDB_DEFAULTS.memory);
    expect(DUCKDB_DEFAULTS.memory).toBe('1.2GB');
  });

  it('runs one thread on a worker that lands and does not build, the cores available elsewhere', () => {
    expect(defaultThreads(['landing'])).toBe(1);
    expect(defaultThreads(['workflows', 'landing'])).toBe(1);
    expect(defaultThreads(['building'])).toBeUndefined();
    expect(defaultThreads([...WORKER_ROLES])).toBeUndefined();
  });
});
