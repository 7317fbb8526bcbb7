import type { ModelDef } from './transform-types.js';

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

/** Renders the published models' contracts (grain, key, column descriptions) as the Markdown data dictionary. */
export function renderDataDictionary(models: ModelDef[]): string {
  const published = models.filter((m) => m.layer === 'published').sort((a, b) => a.name.localeCompare(b.name));
  const lines = [
    '# Data dictionary (published layer)',
    '',
    '<!-- Generated from transforms/published/*.yml by `npm run dictionary`; do not edit by hand. -->',
    '',
    'One section per published table: its grain, its unique key, and the description of each column its contract',
    'gives. Read the tables with `npx devenir query "select * from published.<table>"`.',
  ];
  for (const model of published) {
    const { contract } = model;
    lines.push('', `## published.${model.name}`, '', cell(contract.description), '');
    lines.push(`Unique key: ${contract.uniqueKey.map((c) => `\`${c}\``).join(', ')}.`);
    const columns = Object.entries(contract.columns);
    if (columns.length === 0) {
      lines.push('', 'Its contract describes no column yet.');
      continue;
    }
    lines.push('', '| column | description |', '|---|---|');
    for (const [column, text] of columns) lines.push(`| \`${column}\` | ${cell(text)} |`);
  }
  return `${lines.join('\n')}\n`;
}
