import { describe, expect, it } from 'vitest';
import { registry } from '../../lake/dataset-registry.js';

describe('the dataset registry', () => {
  it('describes every declared column of every dataset', () => {
    const undescribed = Object.values(registry()).flatMap((source) =>
      Object.values(source.datasets).flatMap((d) =>
        d.columns.filter((c) => !d.descriptions[c]?.trim()).map((c) => `${d.table}.${c}`),
      ),
    );
    expect(undescribed).toEqual([]);
  });
});
