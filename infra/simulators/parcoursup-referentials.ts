import { parse } from 'csv-parse/sync';
import { readSample } from './sample-data.js';

/** A BCN diploma (V_FORMATION_DIPLOME row). */
export interface BcnDiploma {
  cfd: string;
  libelleCourt: string;
  libelleLong: string;
  dateOuverture: string;
  dateFermeture: string;
}

/** A BCN MEF (N_MEF row): the 10-char MEF, its diploma, its year in the dispositif and its MEFSTAT11. */
export interface BcnMef {
  mef: string;
  dispositif: string;
  cfd: string;
  duree: number;
  annee: number;
  mefstat11: string;
  libelleLong: string;
  dateFermeture: string;
}

/** The real referentials the Parcoursup catalogue generator and the InserJeunes labels are drawn from. */
export interface Referentials {
  diplomas: BcnDiploma[];
  diplomaByCfd: Map<string, BcnDiploma>;
  mefs: BcnMef[];
  mefsByCfd: Map<string, BcnMef[]>;
  /** MEFSTAT11 → long label (first MEF carrying it). */
  mefstatLabel: Map<string, string>;
  /** CFD → RNCP codes (`RNCP38368`), from the France compétences kit then Certif Info. */
  rncpByCfd: Map<string, string[]>;
  /** CFD → ONISEP Idéo codes (`FOR.2316`), from Certif Info `codeIdeo2`. */
  ideoByCfd: Map<string, string[]>;
}

let cached: Referentials | undefined;

const rows = (file: string): Record<string, string>[] =>
  parse(readSample(file).toString('utf8'), {
    columns: true,
    delimiter: ';',
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  });

/** Loads (once) BCN V_FORMATION_DIPLOME and N_MEF, Certif Info and the apprenticeship RNCP kit. */
export function referentials(): Referentials {
  if (cached) return cached;
  const diplomas = rows('bcn/V_FORMATION_DIPLOME.csv').map((r) => ({
    cfd: r.FORMATION_DIPLOME,
    libelleCourt: r.LIBELLE_COURT,
    libelleLong: r.LIBELLE_LONG_200,
    dateOuverture: r.DATE_OUVERTURE,
    dateFermeture: r.DATE_FERMETURE,
  }));
  const mefs = rows('bcn/N_MEF.csv').map((r) => ({
    mef: r.MEF,
    dispositif: r.DISPOSITIF_FORMATION,
    cfd: r.FORMATION_DIPLOME,
    duree: Number(r.DUREE_DISPOSITIF),
    annee: Number(r.ANNEE_DISPOSITIF),
    mefstat11: r.MEF_STAT_11,
    libelleLong: r.LIBELLE_LONG,
    dateFermeture: r.DATE_FERMETURE,
  }));
  const mefsByCfd = new Map<string, BcnMef[]>();
  const mefstatLabel = new Map<string, string>();
  for (const m of mefs) {
    mefsByCfd.set(m.cfd, [...(mefsByCfd.get(m.cfd) ?? []), m]);
    if (!mefstatLabel.has(m.mefstat11)) mefstatLabel.set(m.mefstat11, m.libelleLong);
  }
  const rncpByCfd = new Map<string, string[]>();
  const ideoByCfd = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string) => {
    if (key && value && !map.get(key)?.includes(value)) map.set(key, [...(map.get(key) ?? []), value]);
  };
  for (const r of rows('certifinfo/kit_apprentissage_CodeDiplome_RNCP.csv'))
    add(rncpByCfd, r.Code_Diplome, r.Code_RNCP);
  for (const r of rows('certifinfo/certif_info.csv')) {
    add(rncpByCfd, r['Code_Scolarité'], r.Code_RNCP ? `RNCP${r.Code_RNCP}` : '');
    add(ideoByCfd, r['Code_Scolarité'], r.codeIdeo2);
  }
  cached = {
    diplomas,
    diplomaByCfd: new Map(diplomas.map((d) => [d.cfd, d])),
    mefs,
    mefsByCfd,
    mefstatLabel,
    rncpByCfd,
    ideoByCfd,
  };
  return cached;
}

const STOP = new Set([
  'ET',
  'DE',
  'DES',
  'DU',
  'D',
  'L',
  'LA',
  'LE',
  'LES',
  'EN',
  'A',
  'AU',
  'AUX',
  'OPTION',
  'OPT',
  'SPECIALITE',
  'PARCOURS',
]);

/** Upper-case word set without accents, punctuation or stop words: the key labels are compared on. */
export function labelTokens(label: string): Set<string> {
  const plain = label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/\([^)]*\)\s*$/, '');
  return new Set(plain.split(/[^A-Z0-9]+/).filter((t) => t && !STOP.has(t)));
}

/** The open BCN diploma of one of `families` (LIBELLE_COURT) whose label best contains the Parcoursup label, if any. */
export function matchDiploma(
  label: string,
  families: readonly string[],
  openOn = '2021-09-01',
): BcnDiploma | undefined {
  const wanted = labelTokens(label);
  if (wanted.size === 0) return undefined;
  let best: { d: BcnDiploma; score: number } | undefined;
  for (const d of referentials().diplomas) {
    if (!families.includes(d.libelleCourt) || !isOpen(d.dateFermeture, openOn)) continue;
    const have = labelTokens(d.libelleLong);
    const common = [...wanted].filter((t) => have.has(t)).length;
    const containment = common / wanted.size;
    if (containment < 0.8) continue;
    const score = containment + common / (wanted.size + have.size - common);
    if (!best || score > best.score) best = { d, score };
  }
  return best?.d;
}

/** Whether a BCN closing date (`dd/mm/yyyy`, empty when open) is after `day` (`yyyy-mm-dd`). */
export function isOpen(dateFermeture: string, day: string): boolean {
  if (!dateFermeture) return true;
  const [dd, mm, yyyy] = dateFermeture.split('/');
  return `${yyyy}-${mm}-${dd}` >= day;
}
