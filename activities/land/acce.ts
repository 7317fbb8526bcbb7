import { parse } from 'csv-parse/sync';
import type { DatasetSpec, SourceConnector } from './connector.js';
import { datasetSpec } from './dataset-columns.js';
import { decodeText } from './landing-writers.js';
import { landCsvPayload, payloadReport } from './payload-landing.js';

const cols = (s: string) => s.split(' ');
const UAI = '^[0-9]{7}[A-Z]$';
const DATE = '^[0-9]{2}/[0-9]{2}/[0-9]{4}$';
/** The 61 attributes of an établissement, in ACCE's order, after its UAI. */
const ATTRIBUTES = cols(
  'nature_uai nature_uai_libe type_uai type_uai_libe etat_etablissement etat_etablissement_libe ministere_tutelle ministere_tutelle_libe tutelle_2 tutelle_2_libe secteur_public_prive secteur_public_prive_libe sigle_uai categorie_juridique categorie_juridique_libe contrat_etablissement contrat_etablissement_libe categorie_financiere categorie_financiere_libe situation_comptable situation_comptable_libe niveau_uai niveau_uai_libe commune commune_libe academie academie_libe pays pays_libe departement_insee_3 departement_insee_3_libe denomination_principale appellation_officielle patronyme_uai hebergement_etablissement hebergement_etablissement_libe numero_siren_siret_uai numero_finess_uai date_ouverture date_fermeture date_derniere_mise_a_jour lieu_dit_uai adresse_uai boite_postale_uai code_postal_uai etat_sirad_uai localite_acheminement_uai pays_etranger_acheminement numero_telephone_uai numero_telecopieur_uai mention_distribution mel_uai site_web coordonnee_x coordonnee_y appariement appariement_complement localisation localisation_complement date_geolocalisation source',
);
const ATTRIBUTE_PATTERNS = {
  nature_uai: '^[0-9]{3}$',
  academie: '^[0-9]{2}$',
  departement_insee_3: '^[0-9]{2}[0-9AB]$',
  commune: '^[0-9][0-9AB][0-9]{3}$',
  date_ouverture: DATE,
  date_fermeture: DATE,
  date_derniere_mise_a_jour: DATE,
};
const REQUIRED = cols(
  'nature_uai nature_uai_libe commune commune_libe academie academie_libe departement_insee_3 pays_libe appellation_officielle etat_etablissement date_ouverture date_fermeture',
);

const link = (other: 'mere' | 'fille', description: string): DatasetSpec => ({
  description,
  period: 'fetch-date',
  requiredColumns: ['numero_uai_trouve', `numero_uai_${other}`, 'type_rattachement', ...REQUIRED],
  notNull: ['numero_uai_trouve', `numero_uai_${other}`],
  patterns: { numero_uai_trouve: UAI, [`numero_uai_${other}`]: UAI, ...ATTRIBUTE_PATTERNS },
  knownColumns: ['numero_uai_trouve', `numero_uai_${other}`, 'type_rattachement', ...ATTRIBUTES],
});

const DATASETS: Record<string, DatasetSpec> = {
  etablissements: {
    description:
      'ACCE établissements (ACCE_UAI): one row per UAI with nature, commune, département, académie; dates DD/MM/YYYY',
    period: 'fetch-date',
    requiredColumns: ['numero_uai', ...REQUIRED],
    notNull: ['numero_uai'],
    patterns: { numero_uai: UAI, ...ATTRIBUTE_PATTERNS },
    knownColumns: ['numero_uai', ...ATTRIBUTES],
  },
  uai_mere: link(
    'mere',
    'ACCE_UAI_MERE: for each UAI found, its mother établissement (attributes are the mother\u2019s)',
  ),
  uai_fille: link(
    'fille',
    'ACCE_UAI_FILLE: for each UAI found, its daughter établissements (attributes are the daughter\u2019s)',
  ),
};
/** Dataset → member of the ACCE extraction. */
const MEMBERS: Record<string, string> = {
  etablissements: 'ACCE_UAI',
  uai_mere: 'ACCE_UAI_MERE',
  uai_fille: 'ACCE_UAI_FILLE',
};

/**
 * ACCE (DEPP établissements): the extraction files `ACCE_UAI*.csv` (`;`, ISO-8859-1/Windows-1252) fetched from
 * `DEVENIR_ACCE_URL` + `/extract/<member>.csv` (ACCE itself has no API: host the members of its extraction ZIP there).
 */
export const acceConnector: SourceConnector = {
  source: 'acce',
  datasets: DATASETS,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec('acce', DATASETS, request.dataset);
    const before = ctx.http.requests;
    const res = await ctx.http.request(`extract/${MEMBERS[request.dataset]}.csv`, { expect: 'bytes' });
    const table = parse(decodeText(res.bytes), {
      delimiter: ';',
      quote: '"',
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
    const { file, unknownColumns, rows } = await landCsvPayload(
      ctx,
      { source: 'acce', request, spec },
      res,
      table,
      ';',
    );
    ctx.heartbeat({ done: rows, total: rows });
    return payloadReport(ctx, before, res, file, unknownColumns);
  },
};
