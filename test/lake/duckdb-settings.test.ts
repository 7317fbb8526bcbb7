import { describe, expect, it } from 'vitest';
import { WORKER_ROLES } from '../../infra/worker-roles.js';
import { configureDuckdb, defaultMemory, duckdbSettings, DUCKDB_DEFAULTS } from '../../lake/duckdb-settings.js';

describe("DuckDB's memory limit", () => {
  it('is the building default on a worker that builds and does not land, the general one elsewhere', () => {
    expect(DUCKDB_DEFAULTS.building).not.toBe(DUCKDB_DEFAULTS.memory);
    expect(defaultMemory(['building'])).toBe(DUCKDB_DEFAULTS.building);
    expect(defaultMemory(['workflows', 'building'])).toBe(DUCKDB_DEFAULTS.building);
    expect(defaultMemory(['landing', 'building'])).toBe(DUCKDB_DEFAULTS.memory);
    expect(defaultMemory([...WORKER_ROLES])).toBe(DUCKDB_DEFAULTS.memory);
  });

  it('takes the configured limit first, the general default when the configuration leaves it unset', () => {
    configureDuckdb({ memory: '2GB', threads: 1 });
    expect(duckdbSettings()).toEqual({ memory: '2GB', threads: 1 });
    configureDuckdb({});
    expect(duckdbSettings().memory).toBe(DUCKDB_DEFAULTS.memory);
  });
});
