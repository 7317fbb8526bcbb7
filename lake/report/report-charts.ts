import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CoverageRow, ModelTime } from './report-data.js';

/** Renders a Vega-Lite spec to a standalone SVG string, in-process (vega's SVG renderer, no browser, no network). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Coverage status colours: figures at the finest level darkest; no published figures in warm tones. */
const STATUS = [
  ['etablissement', '#1b5e20'],
  ['region', '#43a047'],
  ['national', '#a5d6a7'],
  ['sous le seuil de 20', '#ffb74d'],
  ['non couvert', '#e57373'],
] as const;

const FONT = { font: 'system-ui, sans-serif', labelFontSize: 12, titleFontSize: 12 };

/** One stacked bar per voie of a catalogue: the share of its formations per level of figures (or why none). */
export function coverageChart(catalogue: string, rows: CoverageRow[]): Promise<string> {
  const values = rows
    .filter((r) => r.catalogue === catalogue)
    .map((r) => {
      const status = r.coverage === 'couvert' ? r.level : r.coverage;
      return { voie: r.voie, status, order: STATUS.findIndex(([s]) => s === status), formations: r.formations };
    });
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: catalogue, anchor: 'start', fontSize: 14 },
    width: 760,
    height: { step: 28 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'voie', type: 'nominal', title: 'voie' },
      x: {
        aggregate: 'sum',
        field: 'formations',
        type: 'quantitative',
        stack: 'normalize',
        title: 'share of the formations of the catalogue',
        axis: { format: '.0%' },
      },
      color: {
        field: 'status',
        type: 'nominal',
        title: 'figures at',
        scale: { domain: STATUS.map(([s]) => s), range: STATUS.map(([, c]) => c) },
      },
      order: { field: 'order', type: 'ordinal' },
    },
    config: { axis: FONT, legend: { ...FONT, orient: 'bottom', columns: 5, labelLimit: 240 } },
  });
}

/** Build time per model, longest first. */
export function buildTimeChart(models: ModelTime[]): Promise<string> {
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: { step: 16 },
    data: { values: models.map((m) => ({ model: m.model, seconds: m.ms / 1000 })) },
    mark: { type: 'bar', color: '#3949ab' },
    encoding: {
      // Model names are long (`matched.appariement_catalogue_apprentissage`): show them whole.
      y: { field: 'model', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 480 } },
      x: { field: 'seconds', type: 'quantitative', title: 'seconds (model SQL)' },
    },
    config: { axis: FONT },
  });
}
