import { academieOfDepartement, departementOfUai } from './inserjeunes-geo.js';
import { seeded } from './inserjeunes-seed.js';
import { insersupSiseCodes } from './insersup-data.js';
import { cartographieRecords, type CartographieRecord } from './parcoursup-cartographie.js';
import { matchDiploma, referentials, type BcnDiploma } from './parcoursup-referentials.js';

/** Columns of the Parcoursup "listeFormationsInserJeunes" export, in order. */
export const PARCOURSUP_COLUMNS = [
  'UAI_GES',
  'UAI_COMPOSANTE',
  'LIB_COMPOSANTE',
  'LIB_INS',
  'UAI_AFF',
  'LIB_AFF',
  'ACADÉMIE',
  'CODEFORMATION',
  'LIBFORMATION',
  'CODESPÉCIALITÉ',
  'LIBSPÉCIALITÉ',
  'CODESPÉFORMATIONINITIALE',
  'CODEMEF',
  'CODECFD',
  'CODEFORMATIONINSCRIPTION',
  'CODEFORMATIONACCUEIL',
  'CODESISE',
  'LISTE_IDEO',
  'ID_RCO',
  'FORMATION_PARAMÉTRÉE',
  'APPRENTISSAGEOUSCOLAIRE',
  'LISTE_RNCP',
  'CAPACITE',
  'NBDEDEMANDES',
] as const;
export type CatalogueRow = Record<(typeof PARCOURSUP_COLUMNS)[number], string>;

/** The certification a generated row really is (label-matched to BCN), in InserJeunes terms. */
export interface TrueCode {
  uai: string;
  filiere: 'apprentissage' | 'voie_pro_sco_educ_nat';
  /** CFD (apprentissage) or terminal-year MEFSTAT11 (voie scolaire). */
  code: string;
}

/** Parcoursup label prefix → BCN LIBELLE_COURT families, and the (partly invented, see GENERATED.md) CODEFORMATION. */
const FAMILIES: Record<string, { bcn: string[]; codeFormation: string }> = {
  BTS: { bcn: ['BTS'], codeFormation: '2000' },
  BTSA: { bcn: ['BTSA'], codeFormation: '2000' },
  MAN: { bcn: ['MC3', 'MC4', 'MC5'], codeFormation: '2500' },
  'DN MADE': { bcn: ['DN MADE'], codeFormation: '4000' },
  BUT: { bcn: ['BUT'], codeFormation: '89000' },
  DEUST: { bcn: ['DEUST'], codeFormation: '89100' },
  DCG: { bcn: [], codeFormation: '89200' },
  L1: { bcn: [], codeFormation: '3001' },
  CPGE: { bcn: [], codeFormation: '1000' },
  CPES: { bcn: [], codeFormation: '1000' },
  FP: { bcn: [], codeFormation: '5000' },
};
const SUPERIEUR = new Set(['89000', '89100', '89200', '3001']);
const VARIANTS = [
  'complete',
  'complete',
  'complete',
  'code-only',
  'code-only',
  'rncp-only',
  'ideo-only',
  'nothing',
  'wrong-code',
  'inverse',
] as const;

let cached: { rows: CatalogueRow[]; trueCodes: TrueCode[] } | undefined;

/** The generated Parcoursup catalogue (one row per real cartographie formation) and the true code of each row. */
export function parcoursupCatalogue(): { rows: CatalogueRow[]; trueCodes: TrueCode[] } {
  if (cached) return cached;
  const records = cartographieRecords();
  const trueCodes: TrueCode[] = [];
  const rows = records.map((r) => {
    const row = baseRow(r, records);
    const [flCode, flLabel] = String(r.fl).split('|');
    const cut = flLabel.indexOf(' - ');
    const prefix = cut > 0 ? flLabel.slice(0, cut) : flLabel;
    const speciality = cut > 0 ? flLabel.slice(cut + 3) : '';
    const family = FAMILIES[prefix];
    const name = String(r.nm);
    row.CODESPÉCIALITÉ = flCode;
    row.LIBSPÉCIALITÉ = speciality;
    row.LIBFORMATION =
      speciality && name.includes(` - ${speciality}`) ? name.slice(0, name.indexOf(` - ${speciality}`)) : prefix;
    row.CODEFORMATION = family?.codeFormation ?? '9000';
    const rng = seeded(`parcoursup:${String(r.gta)}`);
    if (SUPERIEUR.has(row.CODEFORMATION)) row.CODESISE = siseFor(rng);
    const diploma = family?.bcn.length ? matchDiploma(speciality, family.bcn) : undefined;
    if (diploma) {
      const truth = fillCodes(row, diploma, rng.pick(VARIANTS));
      if (truth) trueCodes.push({ uai: String(r.etab_uai), ...truth });
    }
    return row;
  });
  cached = { rows, trueCodes };
  return cached;
}

function baseRow(r: CartographieRecord, all: CartographieRecord[]): CatalogueRow {
  const rng = seeded(`parcoursup-row:${String(r.gta)}`);
  const uai = String(r.etab_uai);
  const name = String(r.etab_nom);
  const capacity = rng.int(12, 60);
  const row = Object.fromEntries(PARCOURSUP_COLUMNS.map((c) => [c, ''])) as CatalogueRow;
  Object.assign(row, {
    UAI_GES: uai,
    UAI_COMPOSANTE: rng.chance(0.2) ? '' : uai,
    LIB_COMPOSANTE: name,
    LIB_INS: name,
    UAI_AFF: uai,
    LIB_AFF: name,
    ACADÉMIE: academieName(r, all),
    CODEFORMATIONINSCRIPTION: String(r.gti),
    CODEFORMATIONACCUEIL: String(r.gta),
    FORMATION_PARAMÉTRÉE:
      String(r.aut ?? '').includes('hors Parcoursup') || rng.chance(0.08) ? 'Non Paramétrée' : 'Paramétrée',
    APPRENTISSAGEOUSCOLAIRE: r.app ? 'Apprentissage' : 'Scolaire',
    CAPACITE: String(capacity),
    NBDEDEMANDES: String(rng.int(0, capacity * 40)),
  });
  return row;
}

/** Académie name from the UAI's département, else the académie most rows of the same département name have. */
function academieName(r: CartographieRecord, all: CartographieRecord[]): string {
  const own = academieOfDepartement(departementOfUai(String(r.etab_uai)) ?? '')?.name;
  if (own) return own;
  const peers = all
    .filter((o) => o.departement === r.departement)
    .map((o) => academieOfDepartement(departementOfUai(String(o.etab_uai)) ?? '')?.name);
  return peers.find((n) => n !== undefined) ?? '';
}

function siseFor(rng: ReturnType<typeof seeded>): string {
  const roll = rng.next();
  if (roll < 0.45) return rng.pick(insersupSiseCodes());
  if (roll < 0.6) return `99${String(rng.int(0, 99999)).padStart(5, '0')}`;
  return '';
}

/** Fills the candidate code columns of a row per its variant; returns the row's true code when it has one. */
function fillCodes(
  row: CatalogueRow,
  d: BcnDiploma,
  variant: (typeof VARIANTS)[number],
): Omit<TrueCode, 'uai'> | undefined {
  const ref = referentials();
  const apprentissage = row.APPRENTISSAGEOUSCOLAIRE === 'Apprentissage';
  const mefs = (ref.mefsByCfd.get(d.cfd) ?? []).filter((m) => !m.dateFermeture || m.dateFermeture.slice(-4) >= '2022');
  const longest = Math.max(0, ...mefs.map((m) => m.duree));
  const first = mefs.filter((m) => m.annee === 1 && m.duree === longest).sort((a, b) => a.mef.localeCompare(b.mef))[0];
  const terminal = mefs.find((m) => first && m.dispositif === first.dispositif && m.annee === m.duree);
  const rncp = (ref.rncpByCfd.get(d.cfd) ?? []).join(';');
  const ideo = (ref.ideoByCfd.get(d.cfd) ?? []).join(';');
  const mef = first?.mef ?? '';
  if (variant === 'complete')
    Object.assign(row, { CODEMEF: apprentissage ? '' : mef, CODECFD: d.cfd, LISTE_RNCP: rncp, LISTE_IDEO: ideo });
  if (variant === 'code-only') Object.assign(row, apprentissage || !mef ? { CODECFD: d.cfd } : { CODEMEF: mef });
  if (variant === 'rncp-only') row.LISTE_RNCP = rncp;
  if (variant === 'ideo-only') row.LISTE_IDEO = ideo;
  if (variant === 'inverse') Object.assign(row, apprentissage && mef ? { CODEMEF: mef } : { CODECFD: d.cfd });
  if (variant === 'wrong-code') {
    if (!apprentissage && mef) row.CODEMEF = unknownVariant(mef, new Set(ref.mefs.map((m) => m.mef)));
    else row.CODECFD = unknownVariant(d.cfd, ref.diplomaByCfd);
  }
  if (apprentissage) return { filiere: 'apprentissage', code: d.cfd };
  return terminal ? { filiere: 'voie_pro_sco_educ_nat', code: terminal.mefstat11 } : undefined;
}

/** The code with its last two characters replaced by the first `NN` that no referential row carries. */
function unknownVariant(code: string, known: { has(key: string): boolean }): string {
  for (let n = 99; n >= 0; n -= 1) {
    const candidate = `${code.slice(0, -2)}${String(n).padStart(2, '0')}`;
    if (!known.has(candidate)) return candidate;
  }
  return `${code.slice(0, -1)}X`;
}
