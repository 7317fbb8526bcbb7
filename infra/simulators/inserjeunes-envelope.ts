import { applyColumnFaults, type Fault } from './faults.js';
import type { IjRecord } from './inserjeunes-data.js';
import { referentials } from './parcoursup-referentials.js';

const UNITS: Record<string, [string, string]> = {
  nb_annee_term: ["Nombre d'inscrits en année terminale", 'nombre'],
  nb_sortant: ['Nombre de sortants', 'nombre'],
  nb_poursuite_etudes: ["Nombre d'élèves ou apprentis en poursuite d'études", 'nombre'],
  taux_poursuite_etudes: ["Taux de poursuite d'études", 'pourcentage'],
  DEVENIR_part_en_emploi_6_mois: ['Part en emploi 6 mois après la sortie', 'pourcentage'],
  DEVENIR_part_poursuite_etudes: ["Part en poursuite d'études", 'pourcentage'],
  DEVENIR_part_autre_situation_6_mois: ['Part des autres situations 6 mois après la sortie', 'pourcentage'],
};

function describe(id: string): { id_mesure: string; libelle_mesure: string; unite: string } {
  const known = UNITS[id];
  if (known) return { id_mesure: id, libelle_mesure: known[0], unite: known[1] };
  const months = /_(\d+)_mois$/.exec(id)?.[1];
  if (id.startsWith('nb_en_emploi_'))
    return {
      id_mesure: id,
      libelle_mesure: `Nombre de sortants en emploi ${months} mois après la sortie`,
      unite: 'nombre',
    };
  if (id.startsWith('taux_emploi_'))
    return { id_mesure: id, libelle_mesure: `Taux d'emploi ${months} mois après la sortie`, unite: 'pourcentage' };
  return { id_mesure: id, libelle_mesure: id, unite: 'nombre' };
}

const dimensionOf = (r: IjRecord) => (r.filiere === 'apprentissage' ? 'id_formation_apprentissage' : 'id_mefstat11');

/**
 * The `{metadata, data}` document of the InserJeunes API: one `data` row per measure, `filiere` on the row when
 * asked (regional route), `metadata.UAI` on the UAI route. Applies `unknown-measure`, column faults, and `bad-value`
 * of `code` (a formation's certification code, in its data rows and its dimension).
 */
export function ijEnvelope(
  records: IjRecord[],
  opts: { withFiliere: boolean; uai?: { uai: string; libelle: string }; faults: Fault[] },
): object {
  const extra = opts.faults.filter((f) => f.kind === 'unknown-measure' && f.column).map((f) => f.column as string);
  const isCode = (f: Fault) => f.kind === 'bad-value' && f.column === 'code';
  const bad = opts.faults.find(isCode);
  if (bad) records = records.map((r, i) => ((i + 1) % (bad.every ?? 1) === 0 ? { ...r, code: bad.to ?? 'x' } : r));
  const data = records.flatMap((r) =>
    [...Object.entries(r.measures), ...extra.map((id): [string, number] => [id, 1])].map(([id, value]) => ({
      id_mesure: id,
      valeur_mesure: value,
      dimensions: [{ [dimensionOf(r)]: r.code }],
      ...(opts.withFiliere ? { filiere: r.filiere } : {}),
    })),
  );
  const ref = referentials();
  const dimensions = [...new Map(records.map((r) => [`${dimensionOf(r)}:${r.code}`, r])).values()].map((r, index) => ({
    id_moda_dim: index + 1,
    id_moda_dim_parent: null,
    id_dimension: dimensionOf(r),
    libelle_dimension:
      r.filiere === 'apprentissage' ? 'Formation en apprentissage (CFD)' : 'Formation en voie scolaire (MEFSTAT11)',
    id_modalite: r.code,
    libelle_modalite:
      (r.filiere === 'apprentissage' ? ref.diplomaByCfd.get(r.code)?.libelleLong : ref.mefstatLabel.get(r.code)) ?? '',
  }));
  const measureIds = [...new Set(data.map((d) => d.id_mesure))];
  return {
    metadata: {
      liste_mesures: measureIds.map(describe),
      liste_dimensions: dimensions,
      ...(opts.uai ? { UAI: { id_uai_etab: opts.uai.uai, libelle_etab: opts.uai.libelle } } : {}),
    },
    data: applyColumnFaults(
      data,
      opts.faults.filter((f) => !isCode(f)),
    ),
  };
}
