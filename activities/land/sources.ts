/** The sources devenir lands: their ids, the variables that configure them, and how a connector sees its configuration. */

/** Every source devenir lands, by its command-line id. */
export const SOURCE_IDS = [
  'inserjeunes',
  'insersup',
  'bcn',
  'onisep',
  'acce',
  'catalogue-apprentissage',
  'certifinfo',
  'certifinfo-api',
  'quiforme',
  'parcoursup',
] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** Credential variables each source reads, as `DEVENIR_<SOURCE>_<NAME>`. */
export const SOURCE_CREDENTIALS: Record<SourceId, readonly string[]> = {
  inserjeunes: ['USERNAME', 'PASSWORD'],
  insersup: ['API_KEY'],
  bcn: ['API_KEY', 'LOGIN', 'PASSWORD'],
  onisep: ['APP_ID', 'EMAIL', 'PASSWORD'],
  acce: [],
  'catalogue-apprentissage': ['USERNAME', 'PASSWORD'],
  certifinfo: [],
  'certifinfo-api': ['TOKEN'],
  quiforme: ['TOKEN'],
  parcoursup: [],
};

/** `catalogue-apprentissage` → `DEVENIR_CATALOGUE_APPRENTISSAGE`. */
export function sourceEnvPrefix(source: SourceId): string {
  return `DEVENIR_${source.toUpperCase().replace(/-/g, '_')}`;
}

export interface SourceConfig {
  /** Base URL of the publisher's service; undefined means "use the bundled simulator". */
  url?: string;
  /** Extra URLs some sources need (e.g. `OPENDATA_URL`, `CSV_URL`), by suffix. */
  urls: Record<string, string>;
  /** Credentials by suffix (`USERNAME`, `API_KEY`…). Never logged. */
  credentials: Record<string, string>;
  /** Free options by suffix (`MODE`…). */
  options: Record<string, string>;
}

export { ConfigError } from '../errors.js';
