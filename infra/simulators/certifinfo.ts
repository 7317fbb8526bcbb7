import iconv from 'iconv-lite';
import { applyColumnFaults } from './faults.js';
import { readSample } from './sample-data.js';
import { formatCsv, parseCsvText } from './sample-csv.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';

/** data.gouv.fr resource id of the Certif Info référentiel (Réseau des Carif-Oref). */
const CERTIFINFO_RESOURCE = 'f2981d6f-e55c-42cd-8eba-3e891777e222';
const KIT_PATH = '/kit-apprentissage/CodeDiplome_RNCP_latest_kit.csv';

/** A CSV sample re-served with the request's column faults applied (unchanged bytes when there are none). */
function csvFile(req: SimRequest, file: string, quoted: boolean, encode: (text: string) => Buffer): SimResponse {
  let text = readSample(file).toString('utf8');
  if (req.shapeFaults.length > 0) {
    const { rows } = parseCsvText(text, { delimiter: ';', quoted });
    text = formatCsv(applyColumnFaults(rows, req.shapeFaults), { delimiter: ';', quoted });
  }
  const name = file.split('/').pop()!;
  return {
    status: 200,
    headers: {
      'content-type': `text/csv; charset=${encode === latin1 ? 'ISO-8859-1' : 'utf-8'}`,
      'content-disposition': `attachment; filename="${name}"`,
    },
    body: encode(text),
  };
}

/** The référentiel is published in Latin-1; Windows-1252 keeps the ’ and œ of the real labels, as the publisher's files do. */
const latin1 = (text: string) => iconv.encode(text, 'win1252');
const utf8 = (text: string) => Buffer.from(text, 'utf8');

/**
 * Certif Info open data through the data.gouv.fr tabular API (`GET /api/resources/<id>/data/csv/`, `;`, Latin-1,
 * unquoted: the real certif_info.csv extract) and France compétences' kit apprentissage CFD ↔ RNCP (UTF-8, quoted).
 */
export const certifinfoSimulator: SourceSimulator = {
  source: 'certifinfo',
  basePath: '',
  handle(req) {
    if (req.method === 'GET' && req.path === `/api/resources/${CERTIFINFO_RESOURCE}/data/csv/`)
      return csvFile(req, 'certifinfo/certif_info.csv', false, latin1);
    if (req.method === 'GET' && req.path === KIT_PATH)
      return csvFile(req, 'certifinfo/kit_apprentissage_CodeDiplome_RNCP.csv', true, utf8);
    return { status: 404, body: { message: 'Resource not found' } };
  },
};
