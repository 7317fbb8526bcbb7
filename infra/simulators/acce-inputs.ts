import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSample, SAMPLE_DIR } from './sample-data.js';
import { parseCsvText, readSampleCsv } from './sample-csv.js';

/** What the real sources other than ACCE say about one établissement (first source to tell wins). */
export interface EtabFacts {
  name?: string;
  nature?: string;
  /** Where the UAI was found, to pick a nature when the name says nothing (`depp-pro`, `parcoursup`…). */
  seenIn?: string;
  secteur?: 'PU' | 'PR';
  communeCode?: string;
  communeName?: string;
  postalCode?: string;
  address?: string;
  locality?: string;
  siret?: string;
  phone?: string;
  mail?: string;
  web?: string;
  x?: string;
  y?: string;
  opened?: string;
  updated?: string;
  educationNationale?: boolean;
  /** Mother UAI and ACCE link type (`FI` filière/section, `AN` annexe) from the annuaire. */
  mother?: { uai: string; type: string };
}

const UAI = /^[0-9]{7}[A-Z]$/;
const json = (file: string) => JSON.parse(readSample(file).toString('utf8')) as unknown;
const isoToFr = (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? d.split('-').reverse().join('/') : '');
const secteur = (s: string): EtabFacts['secteur'] => (/^pub/i.test(s) ? 'PU' : /^priv/i.test(s) ? 'PR' : undefined);

/** A reference table shipped beside the samples (plain UTF-8 CSV, `;`), e.g. `acce_annuaire/departements.csv`. */
export function readReferenceCsv(relativePath: string): Record<string, string>[] {
  return parseCsvText(readFileSync(path.join(SAMPLE_DIR, relativePath), 'utf8'), { delimiter: ';' }).rows;
}

function fromAnnuaire(add: (uai: string, facts: EtabFacts) => void): void {
  for (const file of ['val-de-marne_subset', 'ille-et-vilaine_subset']) {
    for (const r of readSampleCsv(`acce_annuaire/annuaire/fr-en-annuaire-education_${file}.csv`, {
      delimiter: ';',
      encoding: 'utf-8',
    }).rows) {
      const postal = r.Code_postal ?? r['Code postal'] ?? '';
      add(r.Identifiant_de_l_etablissement, {
        name: r.Nom_etablissement,
        nature: r.code_nature,
        secteur: secteur(r.Statut_public_prive),
        communeCode: r.Code_commune,
        communeName: r.Nom_commune,
        postalCode: postal,
        address: r.Adresse_1,
        locality: r.Adresse_3.replace(postal, '').trim(),
        siret: r.SIREN_SIRET,
        phone: r.Telephone.replace(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1 $2 $3 $4 $5'),
        mail: r.Mail,
        web: r.Web,
        x: r.coordX_origine ?? r.coordonnee_X,
        y: r.coordY_origine ?? r.coordonnee_Y,
        opened: isoToFr(r.date_ouverture),
        updated: isoToFr(r.date_maj_ligne),
        educationNationale: r.ministere_tutelle === "MINISTERE DE L'EDUCATION NATIONALE",
        mother: r.etablissement_mere
          ? {
              uai: r.etablissement_mere,
              type: r.type_rattachement_etablissement_mere.startsWith('ANNEXE') ? 'AN' : 'FI',
            }
          : undefined,
      });
    }
  }
}

function fromCatalogue(add: (uai: string, facts: EtabFacts) => void): void {
  const { etablissements } = json('catalogue_apprentissage/api_etablissements_2.json') as {
    etablissements: Record<string, string>[];
  };
  for (const e of etablissements) {
    add(e.uai, {
      name: e.entreprise_raison_sociale,
      seenIn: 'catalogue',
      siret: e.siret,
      communeCode: e.code_insee_localite,
      communeName: e.localite,
      postalCode: e.code_postal,
      locality: e.localite,
    });
  }
  const { formations } = json('catalogue_apprentissage/api_formations_2.json') as {
    formations: Record<string, string>[];
  };
  for (const f of formations) {
    for (const role of ['formateur', 'gestionnaire']) {
      const p = `etablissement_${role}_`;
      add(f[`${p}uai`], {
        name: f[`${p}enseigne`] ?? f[`${p}entreprise_raison_sociale`],
        seenIn: 'catalogue',
        siret: f[`${p}siret`],
        communeCode: f[`${p}code_commune_insee`],
        communeName: f[`${p}localite`],
        postalCode: f[`${p}code_postal`],
        address: f[`${p}adresse`],
        locality: f[`${p}localite`],
      });
    }
  }
  for (const r of json('catalogue_apprentissage/rco_catalogue-formations-apprentissage_231.json') as Record<
    string,
    string
  >[]) {
    for (const role of ['formateur', 'gestionnaire']) {
      const p = `etablissement_${role}_`;
      add(r[`${p}uai`], {
        seenIn: 'catalogue',
        siret: r[`${p}siret`],
        communeCode: r[`${p}code_insee`],
        postalCode: r[`${p}code_postal`],
      });
    }
  }
}

function fromInserJeunesAndParcoursup(add: (uai: string, facts: EtabFacts) => void): void {
  for (const year of ['2021_2022', '2020_2021', '2019_2020', '2018_2019']) {
    for (const voie of ['pro', 'apprentissage']) {
      const { rows } = readSampleCsv(
        `inserjeunes_open_data/depp_valeur_ajoutee_etablissements/depp-2022-etablissements-${year}-${voie}.csv`,
        { delimiter: ';', encoding: 'utf-8' },
      );
      for (const r of rows)
        add(r["n°UAI de l'établissement"], { name: r["Libellé de l'établissement"], seenIn: `depp-${voie}` });
    }
  }
  for (const r of json('parcoursup/fr-esr-cartographie_formations_parcoursup_2021_179.json') as {
    fields: Record<string, string>;
  }[]) {
    add(r.fields.etab_uai, { name: r.fields.etab_nom, seenIn: 'parcoursup', communeName: r.fields.commune });
  }
  const { columns, rows } = readSampleCsv('parcoursup/fr-esr-parcoursup_5cols_gps.csv', {
    delimiter: ',',
    encoding: 'utf-8',
  });
  for (const r of rows)
    add(r[columns[1]], { name: r[columns[2]], seenIn: 'parcoursup', secteur: secteur(r[columns[0]]) });
  add('0062205P', { name: "Université Côte d'Azur", seenIn: 'insersup' });
}

/** Facts about every UAI the other bundled sources use, by UAI, from the annuaire first, then catalogue, DEPP, Parcoursup, InserSup. */
export function collectEtabFacts(): Map<string, EtabFacts> {
  const facts = new Map<string, EtabFacts>();
  const add = (uai: string | null | undefined, next: EtabFacts) => {
    if (!uai || !UAI.test(uai)) return;
    const known = facts.get(uai) ?? {};
    for (const [k, v] of Object.entries(next) as [keyof EtabFacts, EtabFacts[keyof EtabFacts]][]) {
      if (v !== undefined && v !== '' && (known[k] === undefined || known[k] === ''))
        (known as Record<string, unknown>)[k] = v;
    }
    facts.set(uai, known);
  };
  fromAnnuaire(add);
  fromCatalogue(add);
  fromInserJeunesAndParcoursup(add);
  return facts;
}
