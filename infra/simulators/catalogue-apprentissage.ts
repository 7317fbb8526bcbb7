import { catalogueData } from './catalogue-data.js';
import { applyColumnFaults } from './faults.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { DEV_PASSWORD, DEV_USER, TokenBook, jsonError } from './sim-tokens.js';

const sessions = new TokenBook();
const COOKIE = 'connect.sid';

function session(req: SimRequest): string | undefined {
  const cookies = String(req.headers.cookie ?? '').split(/;\s*/);
  return cookies.find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
}

/** The subset of MongoDB query operators the catalogue's clients send: equality, $ne, $in, $exists, $or, $and. */
function matches(record: Record<string, unknown>, query: Record<string, unknown>): boolean {
  return Object.entries(query).every(([key, cond]) => {
    if (key === '$or') return (cond as Record<string, unknown>[]).some((q) => matches(record, q));
    if (key === '$and') return (cond as Record<string, unknown>[]).every((q) => matches(record, q));
    const value = record[key] ?? null;
    if (cond !== null && typeof cond === 'object' && !Array.isArray(cond)) {
      const ops = cond as Record<string, unknown>;
      if ('$ne' in ops && value === ops.$ne) return false;
      if ('$in' in ops && !(ops.$in as unknown[]).includes(value)) return false;
      if ('$exists' in ops && (value !== null) !== ops.$exists) return false;
      return true;
    }
    return value === cond;
  });
}

function entity(req: SimRequest, name: 'formations' | 'etablissements'): SimResponse {
  if (!sessions.has(session(req))) return jsonError(401, 'Unauthorized');
  let query: Record<string, unknown> = {};
  try {
    query = JSON.parse(req.query.get('query') || '{}') as Record<string, unknown>;
  } catch {
    return jsonError(400, 'query must be a JSON object');
  }
  const page = Number(req.query.get('page') ?? 1);
  const limit = Number(req.query.get('limit') ?? 10);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1 || limit > 1000)
    return jsonError(400, 'page >= 1 and 1 <= limit <= 1000 expected');
  const all = catalogueData()[name].filter((r) => matches(r, query));
  const items = applyColumnFaults(all.slice((page - 1) * limit, page * limit), req.shapeFaults);
  return {
    status: 200,
    body: {
      [name]: items,
      pagination: { page, resultats_par_page: limit, nombre_de_page: Math.ceil(all.length / limit), total: all.length },
    },
  };
}

/**
 * Catalogue de l'apprentissage API v1: `POST /auth/login` (JSON username/password → session cookie),
 * `GET /entity/formations` and `/entity/etablissements` with `page`, `limit` and a MongoDB `query`.
 */
export const catalogueApprentissageSimulator: SourceSimulator = {
  source: 'catalogue-apprentissage',
  basePath: '/api/v1',
  isAuthenticated: (req) => sessions.has(session(req)),
  handle(req) {
    if (req.method === 'POST' && req.path === '/auth/login') {
      let body: { username?: string; password?: string } = {};
      try {
        body = JSON.parse(req.body.toString('utf8')) as typeof body;
      } catch {
        return jsonError(400, 'body must be JSON {username, password}');
      }
      if (body.username !== DEV_USER || body.password !== DEV_PASSWORD)
        return jsonError(401, 'Identifiant ou mot de passe invalide');
      const sid = sessions.issue('s%3Acatalogue');
      return {
        status: 200,
        headers: {
          'set-cookie': `${COOKIE}=${sid}; Path=/; Expires=${new Date(Date.now() + 6 * 3600_000).toUTCString()}; HttpOnly; SameSite=Strict`,
        },
        body: { username: DEV_USER, permissions: {} },
      };
    }
    if (req.method === 'GET' && req.path === '/entity/formations') return entity(req, 'formations');
    if (req.method === 'GET' && req.path === '/entity/etablissements') return entity(req, 'etablissements');
    return jsonError(404, `no route ${req.method} ${req.path}`);
  },
};
