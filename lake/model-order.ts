import type { Workspace } from './duckdb-session.js';
import type { ModelDef } from './transform-types.js';

interface OrderTerm {
  type: string;
  null_order: string;
  expression: { class: string; column_names?: string[] };
}

interface ParsedStatement {
  error?: boolean;
  error_message?: string;
  statements?: Array<{ node: { modifiers?: Array<{ type: string; orders?: OrderTerm[] }> } }>;
}

/**
 * The columns of a query's final `order by`, read by DuckDB's own parser (`json_serialize_sql`), when each term is a
 * plain column sorted the default way (ascending, nulls last); null when there is no such `order by`.
 */
export async function finalOrderBy(ws: Workspace, query: string): Promise<string[] | null> {
  const [{ parsed }] = await ws.rows<{ parsed: string }>(`select json_serialize_sql($1::varchar) as parsed`, [query]);
  const tree = JSON.parse(parsed) as ParsedStatement;
  if (tree.error || tree.statements?.length !== 1) return null;
  const terms = (tree.statements[0].node.modifiers ?? [])
    .filter((m) => m.type === 'ORDER_MODIFIER')
    .flatMap((m) => m.orders ?? []);
  const columns: string[] = [];
  for (const t of terms) {
    const plain =
      t.expression.class === 'COLUMN_REF' &&
      t.expression.column_names?.length === 1 &&
      ['ORDER_DEFAULT', 'ASCENDING'].includes(t.type) &&
      ['ORDER_DEFAULT', 'NULLS LAST'].includes(t.null_order);
    if (!plain) return null;
    columns.push(t.expression.column_names![0]);
  }
  return columns.length ? columns : null;
}

/**
 * How to write a model's table: in unique key order, and `presorted` when the model's final `order by` starts with
 * the unique key (the key is unique, so later terms never reorder rows): DuckDB keeps the table in that order, so the
 * writer need not sort it again.
 */
export async function modelWriteOrder(
  ws: Workspace,
  model: Pick<ModelDef, 'sql' | 'contract'>,
): Promise<{ orderBy: string[] | undefined; presorted: boolean }> {
  const key = model.contract.uniqueKey;
  const order = await finalOrderBy(ws, model.sql);
  return {
    orderBy: key.length ? key : undefined,
    presorted: key.length > 0 && order !== null && key.every((c, i) => order[i] === c),
  };
}

/** The built tables (`layer.name`) with a `millesime` column, partitioned by it; one query, as information_schema is slow. */
export async function tablesWithMillesime(ws: Workspace): Promise<Set<string>> {
  const rows = await ws.rows<{ id: string }>(
    `select table_schema || '.' || table_name as id from information_schema.columns
      where table_catalog = current_database() and column_name = 'millesime'`,
  );
  return new Set(rows.map((r) => r.id));
}
