import { acce, cohorte, formation, formationApprentissage, inserjeunes, mef } from './fixtures.js';

// One Parcoursup (and a few ONISEP / apprenticeship catalogue) formations per level, fallback and reason of the
// coverage cascade. Every UAI 069… is in académie 10 (Lyon), région académique 01; 9870001A is in académie 41
// (Polynésie française, an overseas collectivity). Figures: millésime 2021_2022 (établissement, région), 2022
// (national). A cohort `cohorte(n, p, e)` has n pupils in the final year, p pursuing studies, e in employment.
export const M = '2021_2022';
const APP = ['france', 'apprentissage', '2022'] as const;
const PRO = ['france', 'voie_pro_sco_educ_nat', '2022'] as const;
const etab = (uai: string, code: string, n: number) => inserjeunes('uai', uai, M, code, cohorte(n, 5, 5));
const region = (code: string, n: number) => inserjeunes('region', '01', M, code, cohorte(n, 10, 10));
const ps = (code: string, fields: Record<string, string>) => ({
  codeformationaccueil: code,
  apprentissageouscolaire: 'Apprentissage',
  formation_parametree: 'Paramétrée',
  ...fields,
});

export const COUVERTURE_FIXTURE: Record<string, Record<string, string | null>[]> = {
  bcn__n_formation_diplome: [
    ...['01', '02', '03', '04', '05', '06', '07', '08', '10', '11', '12', '13', '14', '17', '21'].map((n) =>
      formation(`321000${n}`),
    ),
    formation('32100009', { anciens: ['32100019'] }),
    formation('32100019', { nouveaux: ['32100009'] }),
    formation('32100015', { premiereSession: '2030' }),
    formation('40000001'),
    formation('40000009'),
    ...['40000011', '40000012', '40000013'].map((c) => formation(c)),
  ],
  bcn__n_mef: [
    mef('3112100081', '31121000008', '32100008', 2, 2),
    mef('3111100111', '31111000011', '32100011', 2, 1),
    mef('3112100111', '31121000011', '32100011', 2, 2),
    mef('2470000911', '23810000009', '40000009', 3, 1),
    mef('2470000113', '23830000001', '40000001', 3, 3),
    mef('2470001111', '23810000011', '40000011', 3, 1),
    mef('2470001213', '23830000012', '40000012', 3, 3),
    mef('2470001313', '23830000013', '40000013', 3, 3),
  ],
  bcn__n_groupe_formation: [
    { groupe_formation: 'G0003', type_groupe_formation: 'TG01', libelle_edition: 'Bâtiment' },
    { groupe_formation: 'G0004', type_groupe_formation: 'TG01', libelle_edition: 'Relation client' },
  ],
  bcn__n_lien_formation_groupe: [
    { groupe_formation: 'G0003', formation_diplome: '40000009' },
    { groupe_formation: 'G0003', formation_diplome: '40000001' },
    ...['40000011', '40000012', '40000013'].map((cfd) => ({ groupe_formation: 'G0004', formation_diplome: cfd })),
  ],
  bcn__n_diplome_sise: [{ diplome_sise: '2400075', type_diplome_sise: 'XA', libelle_intitule_1: 'LICENCE PRO' }],
  certifinfo__certifications: [
    { code_diplome: '1012', code_rncp: '37012', code_scolarite: '32100012' },
    { code_diplome: '1013', code_rncp: '37013', code_scolarite: '32100013' },
    { code_diplome: '1018', code_scolarite: '32100011', codeideo2: 'FOR.18' },
    { code_diplome: '1021', code_scolarite: '32100021', codeideo2: 'FOR.21' },
  ],
  // RNCP 37010 names Certif Info 2010, which has no CFD; 2010 is replaced by 2011, itself replaced by 2012 (CFD
  // 32100010): two hops towards newer codes. 2012 says it is replaced by 2010: a cycle the walk must stop.
  certifinfo_api__certifications: [
    { code_certifinfo: '2010', code_rncp: '37010', code_certifinfo_nouveau: '2011' },
    { code_certifinfo: '2011', code_certifinfo_nouveau: '2012' },
    { code_certifinfo: '2012', code_scolarite: '32100010', code_certifinfo_nouveau: '2010' },
  ],
  onisep__formations_initiales: [
    {
      lien_site_onisep_fr: 'https://www.onisep.fr/http/redirection/formation/slug/FOR.18',
      libelle_formation_principal: 'BTS X',
    },
    {
      lien_site_onisep_fr: 'https://www.onisep.fr/http/redirection/formation/slug/FOR.21',
      libelle_formation_principal: 'CAP Y',
    },
  ],
  catalogue_apprentissage__formations: [formationApprentissage('CA19', '32100002', '0690002B', null, null)],
  acce__etablissements: [
    ...['0690001A', '0690002B', '0690003C', '0690004D', '0690005E', '0690050M', '0690008H', '0690009J'].map((u) =>
      acce(u),
    ),
    ...['0690010K', '0690011L', '0690012M', '0690015N', '0690016P', '0690017R', '0690020S'].map((u) => acce(u)),
    acce('9870001A', '41'),
  ],
  acce__uai_mere: [{ numero_uai_trouve: '0690005E', numero_uai_mere: '0690050M', type_rattachement: 'AN' }],
  inserjeunes__etablissements: [
    ...etab('0690001A', '32100001', 30),
    ...etab('0690002B', '32100002', 10),
    ...etab('0690004D', '32100004', 12),
    ...etab('0690050M', '32100005', 40),
    ...etab('0690010K', '32100010', 25),
    ...etab('0690011L', '31121000011', 25),
    ...etab('0690012M', '32100012', 30),
    ...etab('0690016P', '23830000001', 45),
  ],
  inserjeunes__regionales: [...region('32100002', 200), ...region('32100003', 15), ...region('32100006', 100)],
  inserjeunes__nationales: [
    ...inserjeunes(...APP, '32100003', cohorte(500, 100, 300)),
    ...inserjeunes(...APP, '32100004', cohorte(8, 2, 3)),
    ...inserjeunes(...APP, '32100008', cohorte(100, 20, 50)),
    ...inserjeunes(...APP, '32100019', cohorte(60, 10, 30)),
    ...inserjeunes(...APP, '32100021', cohorte(40, 10, 20)),
    ...inserjeunes(...PRO, '31121000011', cohorte(300, 150, 100)),
  ],
  insersup__nationales: [6, 12].map((mois) => ({
    uo_lib: 'national',
    promo: '["2020","2021"]',
    diplome: '2400075',
    date_inser: String(mois),
    nb_sortants: '30',
    nb_poursuivants: '20',
    nb_sortants_en_emploi_sal_fr: '20',
    salaire_q1: '1500',
    salaire_q2: '1800',
    salaire_q3: '2100',
  })),
  parcoursup__formations: [
    ps('1', { codecfd: '32100001', uai_composante: '0690001A' }),
    ps('2', { codecfd: '32100002', uai_composante: '0690002B' }),
    ps('3', { codecfd: '32100003', uai_composante: '0690003C' }),
    ps('4', { codecfd: '32100004', uai_composante: '0690004D' }),
    ps('5', { codecfd: '32100005', uai_composante: '0690005E' }),
    ps('6', { codecfd: '32100006', uai_composante: '0699999Z' }),
    ps('7', { codecfd: '32100007', uai_composante: '9870001A' }),
    ps('8', { codemef: '3112100081', uai_composante: '0690008H', apprentissageouscolaire: 'Scolaire' }),
    ps('9', { codecfd: '32100009', uai_composante: '0690009J' }),
    ps('10', { liste_rncp: 'RNCP37010', uai_composante: '0690010K' }),
    ps('11', { codemef: '3111100111', uai_composante: '0690011L', apprentissageouscolaire: 'Scolaire' }),
    ps('12', { liste_rncp: 'RNCP37012;RNCP37013', uai_composante: '0690012M' }),
    ps('13', { codecfd: '99999999', uai_composante: '0690001A' }),
    ps('14', { codecfd: '32100014', uai_composante: '0999999Z' }),
    ps('15', { codecfd: '32100015', uai_composante: '0690015N' }),
    ps('16', { codemef: '2470000911', uai_composante: '0690016P', apprentissageouscolaire: 'Scolaire' }),
    ps('17', { codecfd: '32100017', uai_composante: '0690017R' }),
    ps('18', { codemef: '2470001111', uai_composante: '0690017R', apprentissageouscolaire: 'Scolaire' }),
    ps('20', { codesise: '2400075', uai_ges: '0690020S', codeformation: '89000' }),
  ],
};
