import { collectEtabFacts, readReferenceCsv, type EtabFacts } from './acce-inputs.js';
import { readSampleCsv } from './sample-csv.js';

type Row = Record<string, string>;
export interface AcceExtract {
  /** ACCE_UAI.csv columns (62) and rows. */
  columns: string[];
  etablissements: Row[];
  /** ACCE_UAI_MERE.csv / ACCE_UAI_FILLE.csv columns (64) and rows. */
  mereColumns: string[];
  meres: Row[];
  filleColumns: string[];
  filles: Row[];
}

/** Nature from the name, else from where the UAI was seen (a DEPP lycée-pro list, a CFA list, Parcoursup…). */
const NATURE_RULES: [RegExp, string][] = [
  [/section d.enseignement professionnel|\bSEP\b/i, '334'],
  [/lyc[ée]e polyvalent|\bLPO\b/i, '306'],
  [/lyc[ée]e professionnel|\bLP\b|lyc[ée]e des m[ée]tiers/i, '320'],
  [/lyc[ée]e (d.enseignement )?g[ée]n[ée]ral et technologique|\bLGT\b/i, '300'],
  [/lyc[ée]e (d.enseignement )?g[ée]n[ée]ral/i, '302'],
  [/lyc[ée]e (d.enseignement )?technologique/i, '301'],
  [/maison familiale|\bMFR\b/i, '380'],
  [/\bEREA\b|enseignement adapt/i, '370'],
  [/organisme de formation/i, '605'],
  [/apprenti|\bCFA\b|\bUFA\b/i, '600'],
  [/\bIUT\b|institut universitaire|facult[ée]|\bUFR\b/i, '540'],
  [/universit/i, '523'],
  [/ing[ée]nieur|polytech|\bINSA\b/i, '580'],
  [/\bIFSI\b|infirmi|sanitaire|social/i, '430'],
  [/business|commerce|management/i, '445'],
  [/\barts?\b|design|musique|architecture/i, '450'],
  [/lyc[ée]e/i, '306'],
  [/coll[èe]ge/i, '340'],
];
const NATURE_BY_ORIGIN: Record<string, string> = {
  'depp-pro': '320',
  'depp-apprentissage': '605',
  catalogue: '605',
  parcoursup: '400',
  insersup: '523',
};

function natureOf(facts: EtabFacts): string {
  if (facts.nature) return facts.nature;
  const rule = NATURE_RULES.find(([re]) => re.test(facts.name ?? ''));
  return rule?.[1] ?? NATURE_BY_ORIGIN[facts.seenIn ?? ''] ?? '';
}

const upperAscii = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
const NIVEAUX: Record<string, string> = {
  '1': 'UAI célibataire',
  '2': 'UAI mère',
  '3': 'UAI fille',
  '4': 'UAI mère et fille',
};

let extract: AcceExtract | undefined;

/**
 * GENERATED ACCE extraction (see data/sample/acce_annuaire/GENERATED.md): the real ACCE rows, then one row per UAI the
 * other bundled sources use, with nature, commune, département, académie (→ région) filled from real data.
 */
export function acceExtract(): AcceExtract {
  if (extract) return extract;
  const enc = { delimiter: ';', encoding: 'windows-1252' as const, quoted: false };
  const real = readSampleCsv('acce_annuaire/acce/ACCE_UAI.csv', enc);
  const mere = readSampleCsv('acce_annuaire/acce/ACCE_UAI_MERE.csv', enc);
  const fille = readSampleCsv('acce_annuaire/acce/ACCE_UAI_FILLE.csv', enc);
  const attributes = real.columns.slice(1);
  const byUai = new Map<string, Row>(real.rows.map((r) => [r.numero_uai, r]));
  // The link files describe the linked établissement with the same 61 attributes: real ACCE rows too.
  for (const [rows, key] of [
    [mere.rows, 'numero_uai_mere'],
    [fille.rows, 'numero_uai_fille'],
  ] as const) {
    for (const r of rows)
      if (!byUai.has(r[key]))
        byUai.set(r[key], { numero_uai: r[key], ...Object.fromEntries(attributes.map((c) => [c, r[c]])) });
  }
  const departements = new Map(readReferenceCsv('acce_annuaire/departements.csv').map((d) => [d.prefixe_uai, d]));
  const academies = new Map(readReferenceCsv('acce_annuaire/academies.csv').map((a) => [a.academie, a]));
  const natures = new Map(readReferenceCsv('acce_annuaire/natures-uai.csv').map((n) => [n.nature_uai, n]));
  const facts = collectEtabFacts();
  const mothers = new Set([...facts.values()].flatMap((f) => (f.mother ? [f.mother.uai] : [])));
  const realLinked = [...mere.rows.map((r) => r.numero_uai_trouve), ...fille.rows.map((r) => r.numero_uai_trouve)];
  for (const uai of new Set([...facts.keys(), ...mothers, ...realLinked])) {
    if (byUai.has(uai)) continue;
    const f = facts.get(uai) ?? {};
    const dep = departements.get(uai.slice(0, 3));
    const aca = academies.get(dep?.academie ?? '');
    const nature = natures.get(natureOf(f));
    const niveau = mothers.has(uai) ? (f.mother ? '4' : '2') : f.mother ? '3' : '1';
    const row: Row = Object.fromEntries(real.columns.map((c) => [c, '']));
    Object.assign(row, {
      numero_uai: uai,
      nature_uai: nature?.nature_uai ?? '',
      nature_uai_libe: nature?.nature_uai_libe ?? '',
      type_uai: nature?.type_uai ?? '',
      type_uai_libe: nature?.type_uai_libe ?? '',
      etat_etablissement: '1',
      etat_etablissement_libe: 'Ouvert',
      secteur_public_prive: f.secteur ?? '',
      secteur_public_prive_libe: f.secteur === 'PU' ? 'Public' : f.secteur === 'PR' ? 'Privé' : '',
      ministere_tutelle: f.educationNationale ? '06' : '',
      ministere_tutelle_libe: f.educationNationale ? "ministère de l'éducation nationale" : '',
      niveau_uai: niveau,
      niveau_uai_libe: NIVEAUX[niveau],
      commune: f.communeCode ?? '',
      commune_libe: f.communeName ?? '',
      academie: dep?.academie ?? '',
      academie_libe: aca?.academie_libe ?? '',
      pays: dep?.pays ?? '',
      pays_libe: dep?.pays_libe ?? '',
      departement_insee_3: dep?.departement_insee_3 ?? '',
      departement_insee_3_libe: dep?.departement_insee_3_libe ?? '',
      denomination_principale: upperAscii(nature?.nature_uai_libe ?? ''),
      appellation_officielle: f.name ?? '',
      numero_siren_siret_uai: f.siret ?? '',
      date_ouverture: f.opened ?? '',
      date_derniere_mise_a_jour: f.updated ?? '',
      adresse_uai: f.address ?? '',
      code_postal_uai: f.postalCode ?? '',
      localite_acheminement_uai: upperAscii(f.locality ?? f.communeName ?? ''),
      numero_telephone_uai: f.phone ?? '',
      mel_uai: f.mail ?? '',
      site_web: f.web ?? '',
      coordonnee_x: f.x ?? '',
      coordonnee_y: f.y ?? '',
    });
    byUai.set(uai, row);
  }
  const etablissements = [...byUai.values()];
  const link = (from: string, to: string, type: string, key: string): Row => ({
    numero_uai_trouve: from,
    [key]: to,
    type_rattachement: type,
    ...Object.fromEntries(attributes.map((c) => [c, byUai.get(to)![c]])),
  });
  const links = [...facts.entries()].flatMap(([uai, f]) => (f.mother ? [{ daughter: uai, ...f.mother }] : []));
  extract = {
    columns: real.columns,
    etablissements,
    mereColumns: mere.columns,
    meres: [...mere.rows, ...links.map((l) => link(l.daughter, l.uai, l.type, 'numero_uai_mere'))],
    filleColumns: fille.columns,
    filles: [...fille.rows, ...links.map((l) => link(l.uai, l.daughter, l.type, 'numero_uai_fille'))],
  };
  return extract;
}
