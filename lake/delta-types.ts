/** A Delta Lake schema field (PROTOCOL.md, "Schema Serialization Format"). */
export interface DeltaField {
  name: string;
  type: string | { type: 'array'; elementType: DeltaField['type']; containsNull: boolean };
  nullable: boolean;
  metadata: Record<string, never>;
}

const PRIMITIVES: Record<string, string> = {
  VARCHAR: 'string',
  TEXT: 'string',
  BOOLEAN: 'boolean',
  TINYINT: 'byte',
  SMALLINT: 'short',
  INTEGER: 'integer',
  BIGINT: 'long',
  FLOAT: 'float',
  DOUBLE: 'double',
  DATE: 'date',
  BLOB: 'binary',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  TIMESTAMP: 'timestamp_ntz',
};

/** The Delta type of a DuckDB column type (`VARCHAR[]` → array of string), or undefined when Delta has none. */
export function deltaType(duckdb: string): DeltaField['type'] | undefined {
  const type = duckdb.trim().toUpperCase();
  if (type.endsWith('[]')) {
    const element = deltaType(type.slice(0, -2));
    return element === undefined ? undefined : { type: 'array', elementType: element, containsNull: true };
  }
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  return PRIMITIVES[type];
}

/** Whether a Delta type needs the `timestampNtz` table feature (reader 3 / writer 7). */
export function needsTimestampNtz(type: DeltaField['type']): boolean {
  return typeof type === 'string' ? type === 'timestamp_ntz' : needsTimestampNtz(type.elementType);
}
