import type { Lake } from '../../lake/lake.js';

/**
 * The command an analyst runs to read `table` of the lake: attach the views-only catalog of a folder lake; on an S3
 * lake (whose catalog would need httpfs and credentials) export the table to a local Parquet file and read that.
 */
export function analystsHint(lake: Lake, table = 'published.couverture'): string {
  const catalog = lake.store.localPath('_meta/catalog/devenir.duckdb');
  if (catalog) return `duckdb -c "attach '${catalog}' as devenir (read_only); select * from devenir.${table}"`;
  const file = `${table.split('.').at(-1)}.parquet`;
  return `npx devenir export ${table} --format parquet --out ${file} && duckdb -c "select * from '${file}'"`;
}
