import { describe, expect, it } from 'vitest';
import type { Fault } from '../../infra/simulators/faults.js';
import type { IjRecord } from '../../infra/simulators/inserjeunes-data.js';
import { ijEnvelope } from '../../infra/simulators/inserjeunes-envelope.js';

const fault = (column: string, to: string): Fault => ({
  source: 'inserjeunes',
  kind: 'bad-value',
  column,
  to,
  every: 2,
});

describe("the InserJeunes simulator's bad-value fault on `code`", () => {
  it("changes one formation's code of every `every` in its measures and its dimension", () => {
    const records: IjRecord[] = [
      { filiere: 'apprentissage', code: '40025214', measures: { nb_annee_term: 10, nb_sortant: 4 } },
      { filiere: 'apprentissage', code: '50025219', measures: { nb_annee_term: 7 } },
    ];
    const doc = ijEnvelope(records, { withFiliere: false, faults: [fault('code', '99999999')] }) as {
      metadata: { liste_dimensions: Array<{ id_modalite: string }> };
      data: Array<{ id_mesure: string; dimensions: Array<Record<string, string>> }>;
    };
    const codes = doc.data.map((d) => d.dimensions[0].id_formation_apprentissage);
    expect(codes).toEqual(['40025214', '40025214', '99999999']);
    expect(doc.metadata.liste_dimensions.map((d) => d.id_modalite)).toEqual(['40025214', '99999999']);
    expect(doc.data.every((d) => !('code' in d))).toBe(true);
  });
});
