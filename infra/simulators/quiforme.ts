import { acceExtract } from './acce-extract.js';
import { catalogueData } from './catalogue-data.js';
import { applyColumnFaults } from './faults.js';
import type { SimRequest, SimResponse, SourceSimulator } from './server.js';
import { DEV_TOKEN, bearerToken, jsonError } from './sim-tokens.js';

type Organisme = Record<string, unknown> & { siret: string; uais: string[] };
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
let bySiret: Map<string, Organisme> | undefined;

/**
 * GENERATED organismes (see data/sample/certifinfo/GENERATED.md): one per real SIRET of the catalogue sample, its RCO
 * feed and the ACCE extraction, with the UAIs, names, addresses, NDA and Qualiopi they give, and as habilitations
 * the RNCP codes of the catalogue formations the organisme manages or teaches.
 */
function organismes(): Map<string, Organisme> {
  if (bySiret) return bySiret;
  bySiret = new Map();
  const { etablissements, formations } = catalogueData();
  const habilitations = new Map<string, { type: string; code: string; role: string }[]>();
  for (const f of formations) {
    for (const role of ['gestionnaire', 'formateur']) {
      const siret = str(f[`etablissement_${role}_siret`]);
      const code = str(f.rncp_code);
      if (!siret || !code) continue;
      const list = habilitations.get(siret) ?? [];
      if (!list.some((h) => h.code === code && h.role === role)) list.push({ type: 'RNCP', code, role });
      habilitations.set(siret, list);
    }
  }
  const add = (
    siret: string | null,
    uai: string | null,
    o: {
      name: string | null;
      address: string | null;
      postal: string | null;
      communeCode: string | null;
      commune: string | null;
      nda?: string | null;
      qualiopi?: boolean | null;
      naf?: string | null;
    },
  ) => {
    if (!siret || !/^\d{14}$/.test(siret)) return;
    const known = bySiret!.get(siret);
    if (known) {
      if (uai && !known.uais.includes(uai)) known.uais.push(uai);
      return;
    }
    // BAN-style label; some real catalogue addresses already end with the postcode and town.
    const label =
      o.address && o.postal && o.address.includes(o.postal)
        ? o.address
        : [o.address, o.postal, o.commune].filter(Boolean).join(' ') || null;
    bySiret!.set(siret, {
      siret,
      siren: siret.slice(0, 9),
      uai,
      uais: uai ? [uai] : [],
      raison_sociale: o.name,
      enseigne: null,
      etat_administratif: 'A',
      insee: {
        siren: siret.slice(0, 9),
        siret,
        denomination: o.name,
        etat_administratif: 'A',
        activite_principale: o.naf ?? null,
        siege: null,
      },
      adresse: {
        label,
        adresse: o.address,
        code_postal: o.postal,
        code_commune: o.communeCode,
        commune: o.commune,
        source: 'BAN',
      },
      dgefp: { numero_declaration_activite: o.nda ?? null, certifie_qualiopi: o.qualiopi ?? null },
      habilitations: habilitations.get(siret) ?? [],
    });
  };
  for (const e of etablissements) {
    add(str(e.siret), str(e.uai), {
      name: str(e.entreprise_raison_sociale),
      address: str(e.adresse),
      postal: str(e.code_postal),
      communeCode: str(e.code_insee_localite),
      commune: str(e.localite),
      nda: str(e.nda),
      qualiopi: typeof e.certifie_qualite === 'boolean' ? e.certifie_qualite : null,
      naf: str(e.naf_code),
    });
  }
  for (const a of acceExtract().etablissements) {
    add(str(a.numero_siren_siret_uai), a.numero_uai, {
      name: str(a.appellation_officielle),
      address: str(a.adresse_uai),
      postal: str(a.code_postal_uai),
      communeCode: str(a.commune),
      commune: str(a.commune_libe),
    });
  }
  return bySiret;
}

function lookup(req: SimRequest): SimResponse {
  if (bearerToken(req) !== DEV_TOKEN) return jsonError(401, 'Token invalide ou absent');
  const uai = req.query.get('uai');
  const siret = req.query.get('siret');
  if ((uai === null) === (siret === null)) return jsonError(400, 'exactly one of uai, siret expected');
  if (uai !== null && !/^[0-9]{7}[A-Z]$/.test(uai)) return jsonError(400, `UAI invalide: ${uai}`);
  if (siret !== null && !/^[0-9]{14}$/.test(siret)) return jsonError(400, `SIRET invalide: ${siret}`);
  const all = organismes();
  const found =
    siret !== null
      ? all.get(siret)
      : [...all.values()].filter((o) => o.uais.includes(uai!)).sort((a, b) => a.siret.localeCompare(b.siret))[0];
  if (!found) return jsonError(404, 'Organisme inconnu');
  const { uais: _uais, ...organisme } = found;
  return { status: 200, body: applyColumnFaults([{ ...organisme, uai: uai ?? organisme.uai }], req.shapeFaults)[0] };
}

/**
 * API QuiForme (Réseau des Carif-Oref), unitary: `GET /organismes?uai=…` or `?siret=…` with `Authorization: Bearer
 * <token>` → one organisme de formation (INSEE identity, BAN address, DGEFP declaration, RNCP habilitations); 404 if unknown.
 */
export const quiformeSimulator: SourceSimulator = {
  source: 'quiforme',
  basePath: '',
  isAuthenticated: (req) => bearerToken(req) === DEV_TOKEN,
  handle(req) {
    if (req.method === 'GET' && req.path === '/organismes') return lookup(req);
    return jsonError(404, `no route ${req.method} ${req.path}`);
  },
};
