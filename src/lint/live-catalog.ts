/**
 * The live catalog (`lint --url`, `plan`): relations of the target schema
 * with their sizes (`reltuples`, `relpages`), columns, constraints, each
 * index's table and each partitioned table's default partition, and the
 * server's major version, read in one round trip.
 */
import type { QueryResultLike, Session } from '../db/session.js';
import { literal } from '../db/sql.js';
import { typeFromCatalog, type Catalog, type ConstraintInfo, type RelationInfo } from './catalog.js';

/** The relations of `schema` (quoted literals): all, or those named by `names` (a text[] literal or NULL). */
const relationsSql = (schema: string, names: string) => `
SELECT c.relname AS name, c.relkind AS kind, c.reltuples::float8 AS rows, c.relpages AS pages,
  -- Never analyzed (reltuples -1 on 14+, 0 rows in 0 pages before): the size on disk, a partitioned table's leaves summed.
  CASE WHEN c.relkind IN ('r', 'm', 'p') AND (c.reltuples < 0 OR (c.relpages = 0 AND c.relkind <> 'p')) THEN
    CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_relation_size(p.relid)), 0) FROM pg_partition_tree(c.oid) p) ELSE pg_relation_size(c.oid) END
  END::float8 AS "unanalyzedBytes",
  (SELECT t.relname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = c.oid) AS "table",
  (SELECT d.relname FROM pg_inherits h JOIN pg_class d ON d.oid = h.inhrelid
     WHERE h.inhparent = c.oid AND d.relpartbound IS NOT NULL AND pg_get_expr(d.relpartbound, d.oid) = 'DEFAULT') AS "defaultPartition",
  COALESCE((SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS columns,
  COALESCE((SELECT json_agg(json_build_object('name', k.conname, 'type', k.contype, 'validated', k.convalidated,
       'references', r.relname, 'definition', pg_get_constraintdef(k.oid)))
     FROM pg_constraint k LEFT JOIN pg_class r ON r.oid = k.confrelid WHERE k.conrelid = c.oid), '[]') AS constraints
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p', 'm', 'v', 'i', 'I') AND (${names}::text[] IS NULL OR c.relname = ANY(${names}::text[]))`;

interface Row {
  name: string; kind: string; rows: number; pages: number; unanalyzedBytes: number | null; table: string | null; defaultPartition: string | null;
  columns: [string, string][]; constraints: (Omit<ConstraintInfo, 'references'> & { references: string | null })[];
}

/** MaxHeapTuplesPerPage for 8 kB pages: no heap page holds more rows, so pages × this never calls a large table small. */
const MAX_ROWS_PER_PAGE = 291;

/**
 * Rows and pages of a relation: the statistics when it was analyzed, else
 * its actual size, with as many rows as its pages could hold at most (an
 * empty table is 0 rows, not "unknown, so large").
 */
function sizeOf(row: Pick<Row, 'rows' | 'pages' | 'unanalyzedBytes'>): { rows: number; pages: number } {
  if (row.unanalyzedBytes === null) return { rows: row.rows, pages: row.pages };
  const pages = Math.ceil(row.unanalyzedBytes / 8192);
  return { rows: pages * MAX_ROWS_PER_PAGE, pages };
}

/** `CHECK ((col IS NOT NULL))` → the column. */
function notNullColumns(definition: string | undefined): string[] {
  const match = /^CHECK \(\("?([^"()]+)"? IS NOT NULL\)\)$/.exec(definition ?? '');
  return match ? [match[1]!] : [];
}

/**
 * Read the live catalog of one schema (all relations, or only `names`).
 *
 * @example
 * const catalog = await loadCatalog(client, 'public');
 * catalog.relation('users')?.rows;
 */
export async function loadCatalog(session: Session, schema: string, names?: string[]): Promise<Catalog> {
  // One round trip for both: the literals are inlined (quoted), so the two statements go as one simple query.
  const wanted = names === undefined ? 'NULL' : `ARRAY[${names.map(literal).join(', ')}]`;
  const results = await session.query(`${relationsSql(literal(schema), wanted)};\nSELECT current_setting('server_version_num')::int / 10000 AS major`);
  const [{ rows: relations }, { rows: [version] }] = results as unknown as [QueryResultLike<Row>, QueryResultLike<{ major: number }>];
  const byName = new Map<string, RelationInfo>();
  for (const row of relations) {
    byName.set(row.name, {
      name: row.name, kind: row.kind, ...sizeOf(row),
      ...(row.table ? { table: row.table } : {}),
      ...(row.defaultPartition ? { defaultPartition: row.defaultPartition } : {}),
      columns: new Map(row.columns.map(([column, type]) => [column, typeFromCatalog(type)])),
      constraints: row.constraints.map(({ references, ...c }) => ({
        ...c, ...(references ? { references } : {}), ...(c.type === 'c' ? { notNullColumns: notNullColumns(c.definition) } : {}),
      })),
    });
  }
  return { live: true, serverMajor: version!.major, relation: (name) => byName.get(name.replace(new RegExp(`^${schema.replace(/\W/g, '\\$&')}\\.`), '')) };
}
