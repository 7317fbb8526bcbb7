import type { SourceId } from './sources.js';
import { acceConnector } from './acce.js';
import { bcnConnector } from './bcn.js';
import { catalogueApprentissageConnector } from './catalogue-apprentissage.js';
import { certifinfoApiConnector } from './certifinfo-api.js';
import { certifinfoConnector } from './certifinfo.js';
import type { SourceConnector } from './connector.js';
import { inserjeunesConnector } from './inserjeunes.js';
import { insersupConnector } from './insersup.js';
import { onisepConnector } from './onisep.js';
import { parcoursupConnector } from './parcoursup.js';
import { quiformeConnector } from './quiforme.js';

/** The connector of every source, by source id. */
export const CONNECTORS: Record<SourceId, SourceConnector> = {
  inserjeunes: inserjeunesConnector,
  insersup: insersupConnector,
  bcn: bcnConnector,
  onisep: onisepConnector,
  acce: acceConnector,
  'catalogue-apprentissage': catalogueApprentissageConnector,
  certifinfo: certifinfoConnector,
  'certifinfo-api': certifinfoApiConnector,
  quiforme: quiformeConnector,
  parcoursup: parcoursupConnector,
};
