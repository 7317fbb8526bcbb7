/** The raw-layer column name of a publisher's field: `Code_Scolarité` → `code_scolarite`, `"libellé formation"` → `libelle_formation`. */
export function normaliseColumnName(name: string): string {
  const out = name
    .replace(/^\uFEFF/, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return out || 'column';
}

/** Normalises every name, suffixing `_2`, `_3`… where two fields collide. */
export function normaliseColumnNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const base = normaliseColumnName(name);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}
