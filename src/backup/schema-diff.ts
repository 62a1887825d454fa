/**
 * The structural diff of a schema before and after migrations: tables,
 * columns (type, default, nullability), indexes and constraints added,
 * removed or changed. Reading is one query per kind; diffing is pure.
 */
import type { Session } from '../db/session.js';

/** One object of a schema, named and described (its definition, as Postgres prints it). */
export interface SchemaObject {
  kind: 'table' | 'column' | 'index' | 'constraint';
  /** `table`, `table.column`, `table.index_name`, `table.constraint_name`. */
  name: string;
  definition: string;
}

/** What changed. */
export interface SchemaDiff {
  added: SchemaObject[];
  removed: SchemaObject[];
  changed: { kind: SchemaObject['kind']; name: string; before: string; after: string }[];
}

/** Read a schema's tables, columns, indexes and constraints. */
export async function readSchemaObjects(session: Session, schema: string): Promise<SchemaObject[]> {
  const { rows } = await session.query<SchemaObject>(
    `SELECT 'table' AS kind, c.relname AS name, CASE c.relkind WHEN 'p' THEN 'partitioned table' ELSE 'table' END AS definition
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
     UNION ALL
     SELECT 'column', c.relname || '.' || a.attname,
            format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
              || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     UNION ALL
     SELECT 'index', t.relname || '.' || c.relname, pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1
     UNION ALL
     SELECT 'constraint', t.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
       FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND k.contype <> 'n' -- NOT NULL is in the column's definition (PG 18 lists it here too)
  `,
    [schema],
  );
  return rows;
}

/**
 * Compare two readings of a schema.
 *
 * @example
 * diffSchemas(before, after).removed; // [{ kind: 'column', name: 'users.email', definition: 'text' }]
 */
export function diffSchemas(before: readonly SchemaObject[], after: readonly SchemaObject[]): SchemaDiff {
  const key = (o: SchemaObject) => `${o.kind}\0${o.name}`;
  const was = new Map(before.map((o) => [key(o), o]));
  const now = new Map(after.map((o) => [key(o), o]));
  const diff: SchemaDiff = { added: [], removed: [], changed: [] };
  for (const [k, o] of now) {
    const old = was.get(k);
    if (!old) diff.added.push(o);
    else if (old.definition !== o.definition) diff.changed.push({ kind: o.kind, name: o.name, before: old.definition, after: o.definition });
  }
  for (const [k, o] of was) if (!now.has(k)) diff.removed.push(o);
  const order = (a: { kind: string; name: string }, b: { kind: string; name: string }) => (a.kind + a.name < b.kind + b.name ? -1 : 1);
  diff.added.sort(order);
  diff.removed.sort(order);
  diff.changed.sort(order);
  return diff;
}
