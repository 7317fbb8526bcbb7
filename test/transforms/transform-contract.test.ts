import { describe, expect, test } from 'vitest';
import { renderDataDictionary } from '../../lake/data-dictionary.js';
import { parseModelContract } from '../../lake/transform-contract.js';
import type { ModelDef } from '../../lake/transform-types.js';

const yml = (columns: string) => `description: One row per thing.\nunique_key: [id]\n${columns}`;

describe('column descriptions in a model contract', () => {
  test('are read in order and rendered in the data dictionary, pipes escaped', () => {
    const contract = parseModelContract(
      yml('columns:\n  id: the thing\n  part: a | b\n'),
      'published/things.yml',
      'published',
    );
    expect(contract.columns).toEqual({ id: 'the thing', part: 'a | b' });
    const model = { id: 'published.things', layer: 'published', name: 'things', contract } as ModelDef;
    expect(renderDataDictionary([model])).toContain('| `id` | the thing |\n| `part` | a \\| b |\n');
  });

  test('an empty description or a bad column name is an error naming the file', () => {
    expect(() => parseModelContract(yml('columns:\n  id: ""\n'), 'published/things.yml', 'published')).toThrow(
      'published/things.yml: columns.id must be a column name with its description',
    );
    expect(() => parseModelContract(yml('columns:\n  Bad-Name: x\n'), 'published/things.yml', 'published')).toThrow(
      'columns.Bad-Name',
    );
  });
});
