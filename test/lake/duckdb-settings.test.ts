import { describe, expect, it } from 'vitest';
import { configureDuckdb, duckdbSettings, DUCKDB_DEFAULTS } from '../../lake/duckdb-settings.js';

describe("DuckDB's memory limit", () => {
  it('takes the configured limit first, the default when the configuration leaves it unset', () => {
    configureDuckdb({ memory: '2GB', threads: 1 });
    expect(duckdbSettings()).toEqual({ memory: '2GB', threads: 1 });
    configureDuckdb({});
    expect(duckdbSettings().memory).toBe(DUCKDB_DEFAULTS.memory);
    expect(DUCKDB_DEFAULTS.memory).toBe('1.2GB');
  });
});
