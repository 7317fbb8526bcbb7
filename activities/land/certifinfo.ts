import { parse } from 'csv-parse/sync';
import type { DatasetSpec, SourceConnector } from './connector.js';
import { datasetSpec } from './dataset-columns.js';
import { decodeText } from './landing-writers.js';
import { landCsvPayload, payloadReport } from './payload-landing.js';

const cols = (s: string) => s.split(' ');
const CFD = '^[0-9A-Z]{8}$';
/** data.gouv.fr resource id of the Certif Info référentiel. */
const RESOURCE = 'f2981d6f-e55c-42cd-8eba-3e891777e222';

const DATASETS: Record<string, DatasetSpec> = {
  certifications: {
    description:
      'Certif Info référentiel (Réseau des Carif-Oref): certifications with RNCP, CFD (code scolarité), Idéo and their predecessor',
    period: 'fetch-date',
    requiredColumns: cols(
      'code_diplome libelle_diplome code_rncp code_scolarite code_ancien_diplome code_ancien_rncp code_ancien_scolarite codeideo2 etat',
    ),
    notNull: ['code_diplome'],
    patterns: {
      code_diplome: '^[0-9]+$',
      code_rncp: '^[0-9]+$',
      code_scolarite: CFD,
      code_ancien_diplome: '^[0-9]+$',
      code_ancien_scolarite: CFD,
    },
    knownColumns: cols(
      'code_diplome libelle_diplome libelle_type_diplome code_niveau_europeen date_maj code_formacode libelle_formacode code_rome_1 code_rome_2 code_rome_3 code_rome_4 code_rome_5 code_nsf code_rncp code_rs code_scolarite valideur certificateur annee_premiere_session annee_derniere_session code_ancien_diplome intitule_ancien_diplome code_ancien_rncp code_ancien_scolarite options etat etat_libelle etat_ancien_diplome etat_ancien_diplome_libelle accessibilite_fi accessibilite_ca accessibilite_fc accessibilite_cp accessibilite_vae accessibilite_ind code_type_diplome codeideo2',
    ),
  },
  kit_apprentissage: {
    description:
      'France compétences kit apprentissage: CFD (Code_Diplome) ↔ fiche RNCP, with level and apprenticeship access',
    period: 'fetch-date',
    requiredColumns: ['code_diplome', 'code_rncp'],
    notNull: ['code_diplome', 'code_rncp'],
    // `NR` (non renseigné) marks a CFD without RNCP fiche in the real kit.
    patterns: { code_diplome: CFD, code_rncp: '^(RNCP[0-9]+|NR)$' },
    knownColumns: cols(
      'code_diplome intitule_diplome_depp code_rncp niveau_fiche_rncp abrege_de_diplome_rncp derniere_maj acces_a_l_apprentissage_de_la_fiche_rncp_oui_non date_d_echeance_de_la_fiche_rncp fiche_active_inactive',
    ),
  },
};

/**
 * Certif Info open data: the référentiel CSV from the data.gouv.fr tabular API (`;`, Latin-1, unquoted) and the kit
 * apprentissage CSV (UTF-8, quoted) from `DEVENIR_CERTIFINFO_KIT_URL` (default: beside the référentiel, for the simulator).
 */
export const certifinfoConnector: SourceConnector = {
  source: 'certifinfo',
  datasets: DATASETS,
  defaultPeriods: (_dataset, today) => [today],
  async land(ctx, request) {
    const spec = datasetSpec('certifinfo', DATASETS, request.dataset);
    const before = ctx.http.requests;
    const kit = request.dataset === 'kit_apprentissage';
    const url = kit
      ? (ctx.config.urls.KIT_URL ?? 'kit-apprentissage/CodeDiplome_RNCP_latest_kit.csv')
      : `api/resources/${RESOURCE}/data/csv/`;
    const res = await ctx.http.request(url, { expect: 'bytes' });
    // The référentiel is unquoted and its labels may hold a literal `"`; the kit is RFC 4180-quoted.
    const table = parse(decodeText(res.bytes), {
      delimiter: ';',
      quote: kit ? '"' : false,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
    const { file, unknownColumns, rows } = await landCsvPayload(
      ctx,
      { source: 'certifinfo', request, spec },
      res,
      table,
      ';',
    );
    ctx.heartbeat({ done: rows, total: rows });
    return payloadReport(ctx, before, res, file, unknownColumns);
  },
};
