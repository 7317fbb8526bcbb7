import { sourceDatasets } from '../../lake/dataset-registry.js';
import type { App } from '../app.js';
import { SOURCE_IDS } from '../config.js';

/** `devenir sources`: each source's datasets with the last landed period, rows and table snapshot. */
export async function listSources(app: App) {
  const lake = await app.lake();
  // Only the raw tables' manifests, read at once: the other layers' are not shown here.
  const raw = Object.entries((await lake.lakeSnapshot())?.tables ?? {}).filter(([n]) => n.startsWith('raw.'));
  const tables = new Map(await Promise.all(raw.map(async ([n, id]) => [n, await lake.tableLog(n).read(id)] as const)));
  const rows = [];
  for (const source of SOURCE_IDS) {
    for (const [dataset, spec] of Object.entries(sourceDatasets(source))) {
      const m = tables.get(`raw.${source.replace(/-/g, '_')}__${dataset}`);
      const periods = Object.keys(m?.summary.partitions ?? {}).sort();
      const last = periods.at(-1);
      rows.push({
        source,
        dataset,
        period_kind: spec.period,
        last_period: last ?? '',
        rows: last ? m!.summary.partitions[last] : 0,
        periods: periods.length,
        snapshot: m?.snapshot_id ?? '',
        url: app.config.sources[source].url ?? '(simulator)',
      });
    }
  }
  return rows;
}
