import iconv from 'iconv-lite';
import { applyColumnFaults } from './faults.js';
import { readSample } from './sample-data.js';
import { readSampleCsv, formatCsv } from './sample-csv.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { DEV_PASSWORD, DEV_TOKEN, DEV_USER, TokenBook, bearerToken, jsonError } from './sim-tokens.js';

type Value = string | number | null;
interface Table {
  rows: Record<string, Value>[];
}

/** Where each served nomenclature comes from in data/sample/bcn (see PROVENANCE.md there for encodings). */
const SOURCES: Record<string, { csv: string; encoding: 'utf-8' | 'windows-1252' } | { json: string }> = {
  N_FORMATION_DIPLOME: { csv: 'bcn/N_FORMATION_DIPLOME.csv', encoding: 'windows-1252' },
  V_FORMATION_DIPLOME: { csv: 'bcn/V_FORMATION_DIPLOME.csv', encoding: 'utf-8' },
  N_FORMATION_DIPLOME_ENQUETE_51: {
    csv: 'bcn/bcn_export_with_labels/N_FORMATION_DIPLOME_ENQUETE_51.csv',
    encoding: 'utf-8',
  },
  N_MEF: { csv: 'bcn/N_MEF.csv', encoding: 'utf-8' },
  N_NIVEAU_FORMATION_DIPLOME: { json: 'bcn/bcn_api_json/N_NIVEAU_FORMATION_DIPLOME.json' },
  N_DIPLOME_SISE: { json: 'bcn/bcn_api_json/N_DIPLOME_SISE_1row.json' },
  N_TYPE_DIPLOME_SISE: { json: 'bcn/bcn_api_json/N_TYPE_DIPLOME_SISE.json' },
  N_GROUPE_FORMATION: { json: 'bcn/bcn_api_json/N_GROUPE_FORMATION.json' },
  N_LIEN_FORMATION_GROUPE: { json: 'bcn/bcn_api_json/N_LIEN_FORMATION_GROUPE.json' },
  N_LIEN_MEF_FAMILLE_METIER: { csv: 'bcn/N_LIEN_MEF_FAMILLE_METIER.csv', encoding: 'utf-8' },
  N_FAMILLE_METIER_SPEC_PRO: { csv: 'bcn/N_FAMILLE_METIER_SPEC_PRO.csv', encoding: 'utf-8' },
};

const tables = new Map<string, Table>();
const tokens = new TokenBook();

/** A real CSV table in the API's shape: lower-case keys, null for empty, ISO datetimes, integer session years. */
function fromCsv(file: string, encoding: 'utf-8' | 'windows-1252'): Table {
  const { columns, rows } = readSampleCsv(file, { delimiter: ';', encoding, quoted: false });
  // The "with labels" download joins label columns (`N_NIVEAU_FORMATION_DIPLOME.LIBELLE_100`) the API does not send.
  const own = columns.filter((c) => !c.includes('.'));
  return {
    rows: rows.map((row) => Object.fromEntries(own.map((c) => [c.toLowerCase(), apiValue(c.toLowerCase(), row[c])]))),
  };
}

function apiValue(column: string, value: string): Value {
  if (value === '') return null;
  const date = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (column.startsWith('date_') && date) return `${date[3]}-${date[2]}-${date[1]} 00:00:00`;
  if ((column === 'date_premiere_session' || column === 'date_derniere_session') && /^\d+$/.test(value))
    return Number(value);
  return value;
}

function table(name: string): Table | undefined {
  const source = SOURCES[name];
  if (!source) return undefined;
  let t = tables.get(name);
  if (!t) {
    t =
      'json' in source
        ? { rows: (JSON.parse(readSample(source.json).toString('utf8')) as { data: Record<string, Value>[] }).data }
        : fromCsv(source.csv, source.encoding);
    tables.set(name, t);
  }
  return t;
}

/** The legacy export's rendering of an API value: upper-case header, `dd/mm/yyyy` dates, empty for null. */
function csvValue(value: Value): string {
  if (value === null) return '';
  const date = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2}) \d{2}:\d{2}:\d{2}$/.exec(value) : null;
  return date ? `${date[3]}/${date[2]}/${date[1]}` : String(value);
}

function nomenclature(req: SimRequest, name: string): SimResponse {
  if (req.headers['x-omogen-api-key'] !== DEV_TOKEN) return jsonError(401, 'invalid or missing X-Omogen-Api-Key');
  if (!tokens.has(bearerToken(req))) return jsonError(401, 'invalid or expired token');
  const t = table(name);
  if (!t) return jsonError(404, `nomenclature ${name} inconnue`);
  const data = applyColumnFaults(t.rows, req.shapeFaults);
  const sendAt = new Date().toISOString().slice(0, 19).replace('T', ' ');
  return {
    status: 200,
    body: { data, metadata: { nomenclature: name, length: data.length, lengthTotal: data.length, send_at: sendAt } },
  };
}

function exportCsv(req: SimRequest): SimResponse {
  const name = req.query.get('n') ?? '';
  const t = table(name);
  if (!t)
    return {
      status: 404,
      headers: { 'content-type': 'text/html; charset=ISO-8859-1' },
      body: '<html><body>Table inconnue</body></html>',
    };
  const rows = applyColumnFaults(t.rows, req.shapeFaults).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toUpperCase(), csvValue(v as Value)])),
  );
  const text = formatCsv(rows, { delimiter: req.query.get('separator') ?? ';', quoted: false });
  return {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=ISO-8859-1',
      'content-disposition': `attachment; filename="${name}.csv"`,
    },
    body: iconv.encode(text, 'win1252'),
  };
}

/**
 * BCN through Omogen (`POST /auth/login-extraction`, `GET /nomenclature/{TABLE}?schema=consultation`) and the legacy
 * pipe-delimited ISO-8859-1 export (`GET /export/CSV?n={TABLE}&separator=%7C`), both serving the real tables of data/sample/bcn.
 */
export const bcnSimulator: SourceSimulator = {
  source: 'bcn',
  basePath: '/bcnAPI',
  isAuthenticated: (req) => tokens.has(bearerToken(req)),
  handle(req) {
    if (req.method === 'POST' && req.path === '/auth/login-extraction') {
      if (req.headers['x-omogen-api-key'] !== DEV_TOKEN) return jsonError(401, 'invalid or missing X-Omogen-Api-Key');
      let body: { login?: string; password?: string } = {};
      try {
        body = JSON.parse(req.body.toString('utf8')) as typeof body;
      } catch {
        return jsonError(400, 'body must be JSON {login, password}');
      }
      if (body.login !== DEV_USER || body.password !== DEV_PASSWORD) return jsonError(401, 'identifiants invalides');
      return { status: 200, body: { token: tokens.issue('bcn') } };
    }
    const match = /^\/nomenclature\/([A-Z0-9_]+)$/.exec(req.path);
    if (req.method === 'GET' && match) return nomenclature(req, match[1]);
    if (req.method === 'GET' && req.path === '/export/CSV') return exportCsv(req);
    return jsonError(404, `no route ${req.method} ${req.path}`);
  },
};
