import { createHash } from 'node:crypto';
import { acceExtract } from './acce-extract.js';
import { readReferenceCsv } from './acce-inputs.js';
import { certifInfoRows } from './certifinfo-data.js';
import { readSample } from './sample-data.js';
import { readSampleCsv } from './sample-csv.js';

type Rec = Record<string, unknown>;
type Rco = Record<string, string | string[] | null>;
export interface CatalogueData {
  formations: Rec[];
  etablissements: Rec[];
}

const json = (file: string) => JSON.parse(readSample(file).toString('utf8')) as unknown;
const objectId = (seed: string) => createHash('sha1').update(seed).digest('hex').slice(0, 24);
const NIVEAUX: Record<string, string> = {
  '03': '3 (CAP...)',
  '04': '4 (BAC...)',
  '05': '5 (BTS, DEUST...)',
  '06': '6 (Licence, BUT...)',
  '07': '7 (Master, titre ingénieur...)',
  '08': '8 (Doctorat...)',
};

/** Département, académie and région of a commune (INSEE code), from the reference tables beside the samples. */
function placeOf(): (commune: string | null | undefined) => Rec {
  const deps = new Map(readReferenceCsv('acce_annuaire/departements.csv').map((d) => [d.departement_insee_3, d]));
  const acas = new Map(readReferenceCsv('acce_annuaire/academies.csv').map((a) => [a.academie, a]));
  return (commune) => {
    if (!commune) return {};
    const dep = deps.get(commune.startsWith('97') ? commune.slice(0, 3) : `0${commune.slice(0, 2)}`);
    const aca = acas.get(dep?.academie ?? '');
    return {
      num_departement: commune.startsWith('97') ? commune.slice(0, 3) : commune.slice(0, 2),
      nom_departement: dep?.departement_insee_3_libe ?? null,
      nom_academie: aca?.academie_libe ?? null,
      num_academie: aca ? String(Number(aca.academie)) : null,
      region: aca?.region_libe || null,
    };
  };
}

/** BCN facts by CFD (libellés, niveau) and MEF 10 by CFD, from the real BCN tables. */
function bcnByCfd() {
  const diplomes = new Map<string, Record<string, string>>();
  for (const [file, encoding] of [
    ['bcn/N_FORMATION_DIPLOME.csv', 'windows-1252'],
    ['bcn/V_FORMATION_DIPLOME.csv', 'utf-8'],
    ['bcn/bcn_export_with_labels/N_FORMATION_DIPLOME_ENQUETE_51.csv', 'utf-8'],
  ] as const) {
    for (const r of readSampleCsv(file, { delimiter: ';', encoding, quoted: false }).rows)
      if (!diplomes.has(r.FORMATION_DIPLOME)) diplomes.set(r.FORMATION_DIPLOME, r);
  }
  const niveaux = new Map(
    readSampleCsv('bcn/N_NIVEAU_FORMATION_DIPLOME.csv', { delimiter: ';', encoding: 'utf-8', quoted: false }).rows.map(
      (r) => [r.NIVEAU_FORMATION_DIPLOME, r.LIBELLE_100],
    ),
  );
  const mefs = new Map<string, Rec[]>();
  for (const m of readSampleCsv('bcn/N_MEF.csv', { delimiter: ';', encoding: 'utf-8', quoted: false }).rows) {
    if (m.DATE_FERMETURE) continue;
    mefs.set(m.FORMATION_DIPLOME, [
      ...(mefs.get(m.FORMATION_DIPLOME) ?? []),
      { mef10: m.MEF, modalite: { duree: m.DUREE_DISPOSITIF, annee: m.ANNEE_DISPOSITIF } },
    ]);
  }
  return { diplomes, niveaux, mefs };
}

let data: CatalogueData | undefined;

/**
 * GENERATED catalogue (see data/sample/catalogue_apprentissage/GENERATED.md): the 2 real formations and 2 real
 * établissements, plus one formation per action of the real RCO feed and one établissement per SIRET it names,
 * in the real records' shape, filled from the BCN, Certif Info and the ACCE extraction.
 */
export function catalogueData(): CatalogueData {
  if (data) return data;
  const real = json('catalogue_apprentissage/api_formations_2.json') as { formations: Rec[] };
  const realEtabs = json('catalogue_apprentissage/api_etablissements_2.json') as { etablissements: Rec[] };
  const rco = json('catalogue_apprentissage/rco_catalogue-formations-apprentissage_231.json') as Rco[];
  const place = placeOf();
  const bcn = bcnByCfd();
  const acce = new Map(acceExtract().etablissements.map((e) => [e.numero_uai, e]));
  const rncp = new Map(
    certifInfoRows()
      .filter((c) => c.Code_RNCP)
      .map((c) => [`RNCP${c.Code_RNCP}`, c.Libelle_Diplome]),
  );
  const blank = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, null])) as Rec;
  const s = (v: Rco[string]) => (typeof v === 'string' ? v : null);
  const etab = (r: Rco, role: 'gestionnaire' | 'formateur'): Rec => {
    const p = `etablissement_${role}_`;
    const uai = s(r[`${p}uai`]);
    const siret = s(r[`${p}siret`]);
    const where = place(s(r[`${p}code_insee`]));
    return {
      [`${p}id`]: siret ? objectId(`etablissement ${siret}`) : null,
      [`${p}siret`]: siret,
      [`${p}siren`]: siret?.slice(0, 9) ?? null,
      [`${p}uai`]: uai,
      [`${p}enseigne`]: (uai && acce.get(uai)?.appellation_officielle) || null,
      [`${p}published`]: true,
      [`${p}code_postal`]: s(r[`${p}code_postal`]),
      [`${p}code_commune_insee`]: s(r[`${p}code_insee`]),
      [`${p}region`]: where.region ?? null,
      [`${p}num_departement`]: where.num_departement ?? null,
      [`${p}nom_departement`]: where.nom_departement ?? null,
      [`${p}nom_academie`]: where.nom_academie ?? null,
      [`${p}num_academie`]: where.num_academie ?? null,
    };
  };
  const keys = Object.keys(real.formations[0]);
  const generated = rco.map((r): Rec => {
    const cfd = s(r.cfd);
    const diplome = cfd ? bcn.diplomes.get(cfd) : undefined;
    const lieu = s(r.etablissement_lieu_formation_code_insee);
    const [sg, sf, certif] = [
      s(r.etablissement_gestionnaire_siret),
      s(r.etablissement_formateur_siret),
      s(r.id_certifinfo),
    ];
    const id = objectId(`formation ${s(r.id_formation)} ${s(r.id_action)}`);
    const mefs = cfd ? (bcn.mefs.get(cfd) ?? []) : [];
    return {
      ...blank(keys),
      _id: id,
      id,
      ...etab(r, 'gestionnaire'),
      ...etab(r, 'formateur'),
      etablissement_reference: 'gestionnaire',
      etablissement_reference_published: true,
      cfd,
      cfd_entree: cfd,
      cfd_outdated: false,
      cfd_specialite: null,
      ...place(lieu),
      code_postal: s(r.etablissement_lieu_formation_code_postal),
      code_commune_insee: lieu,
      uai_formation: s(r.etablissement_lieu_formation_uai) ?? s(r.etablissement_formateur_uai),
      intitule_long: diplome?.LIBELLE_LONG_200 ?? null,
      intitule_court: diplome?.LIBELLE_STAT_33 ?? null,
      libelle_court: diplome?.LIBELLE_COURT ?? null,
      niveau_formation_diplome: diplome?.NIVEAU_FORMATION_DIPLOME ?? null,
      diplome: bcn.niveaux.get(diplome?.NIVEAU_FORMATION_DIPLOME ?? '') ?? null,
      niveau: NIVEAUX[diplome?.NIVEAU_QUALIFICATION_RNCP ?? ''] ?? null,
      rncp_code: s(r.rncp_code),
      rncp_intitule: rncp.get(s(r.rncp_code) ?? '') ?? null,
      periode: ((r.periode as string[] | null) ?? []).map((m) => `${m}-01T00:00:00.000Z`),
      capacite: r.capacite,
      duree: r.duree,
      entierement_a_distance: r.entierement_a_distance ?? false,
      lieu_formation_adresse: s(r.etablissement_lieu_formation_adresse),
      lieu_formation_geo_coordonnees: s(r.etablissement_lieu_formation_geo_coordonnees),
      id_formation: s(r.id_formation),
      id_action: s(r.id_action),
      ids_action: [s(r.id_action)],
      id_certifinfo: certif,
      id_rco_formation: `${s(r.id_formation)}|${s(r.id_action)}|${certif}`,
      cle_ministere_educatif:
        s(r.cle_ministere_educatif) ?? `${(certif ?? '').padStart(6, '0')}P012X${sg}${sf}-${lieu}#L01`,
      bcn_mefs_10: mefs,
      parcoursup_mefs_10: [],
      affelnet_mefs_10: [],
      tags: ['2021'],
      published: true,
      catalogue_published: true,
      updates_history: [],
      niveau_entree_obligatoire: r.niveau_entree_obligatoire,
    };
  });
  const sirets = new Map<string, Rco>();
  for (const r of rco)
    for (const role of ['gestionnaire', 'formateur']) {
      const siret = s(r[`etablissement_${role}_siret`]);
      if (siret && !sirets.has(siret)) sirets.set(siret, { ...r, role });
    }
  const etabKeys = Object.keys(realEtabs.etablissements[0]);
  const generatedEtabs = [...sirets]
    .filter(([siret]) => !realEtabs.etablissements.some((e) => e.siret === siret))
    .map(([siret, r]): Rec => {
      const p = `etablissement_${r.role as string}_`;
      const uai = s(r[`${p}uai`]);
      const where = place(s(r[`${p}code_insee`]));
      const name = (uai && acce.get(uai)?.appellation_officielle) || null;
      return {
        ...blank(etabKeys),
        _id: objectId(`etablissement ${siret}`),
        siret,
        siren: siret.slice(0, 9),
        entreprise_siren: siret.slice(0, 9),
        uai,
        rco_uai: uai,
        uai_valide: uai !== null,
        entreprise_raison_sociale: name,
        code_postal: s(r[`${p}code_postal`]),
        code_insee_localite: s(r[`${p}code_insee`]),
        rco_code_postal: s(r[`${p}code_postal`]),
        rco_code_insee_localite: s(r[`${p}code_insee`]),
        num_departement: where.num_departement ?? null,
        nom_departement: where.nom_departement ?? null,
        num_academie: where.num_academie ? Number(where.num_academie) : null,
        nom_academie: where.nom_academie ?? null,
        region_implantation_nom: where.region ?? null,
        pays_implantation_code: 'FR',
        pays_implantation_nom: 'France',
        published: true,
        ferme: false,
        formations_ids: generated
          .filter((f) => f.etablissement_gestionnaire_siret === siret || f.etablissement_formateur_siret === siret)
          .map((f) => f.id),
        tags: ['2021'],
      };
    });
  data = {
    formations: [...real.formations, ...generated],
    etablissements: [...realEtabs.etablissements, ...generatedEtabs],
  };
  return data;
}
