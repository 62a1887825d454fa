/**
 * Finding another tool's history table in the target schema: does it exist,
 * and is it that tool's (by its columns: dbmate's and golang-migrate's are
 * both `schema_migrations`)? Reads the catalog only; needs no privilege on
 * the table itself.
 */
import { CutoverError } from '../../errors.js';
import type { Session } from '../../db/session.js';
import { ident } from '../../db/sql.js';
import type { HistoryReader } from '../types.js';

/**
 * The columns of `schema.table`, or undefined when there is no such table.
 *
 * @example
 * await tableColumns(session, 'public', 'schema_migrations'); // ['version', 'dirty']
 */
export async function tableColumns(session: Session, schema: string, table: string): Promise<string[] | undefined> {
  const result = await session.query<{ columns: string[] | null }>(
    `SELECT (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v')`,
    [schema, table],
  );
  const row = result.rows[0];
  return row ? row.columns ?? [] : undefined;
}

/**
 * Does a table with these columns fit the reader?
 *
 * @example
 * fits(dbmateHistory, ['version', 'dirty']); // false: golang-migrate's
 */
export function fits(reader: Pick<HistoryReader, 'columns'>, columns: readonly string[]): boolean {
  return reader.columns.required.every((c) => columns.includes(c)) && !(reader.columns.absent ?? []).some((c) => columns.includes(c));
}

/**
 * Check that `table` in `schema` is `reader`'s history; return its qualified name.
 * Throws HISTORY_NOT_FOUND saying what is there instead (another tool's table, a
 * table of another shape), so a wrong `--from` or `--schema` is named.
 *
 * @example
 * const table = await findHistoryTable(session, 'public', sqlxHistory, '_sqlx_migrations', Object.values(HISTORY_READERS));
 */
export async function findHistoryTable(
  session: Session,
  schema: string,
  reader: HistoryReader,
  table: string,
  others: readonly HistoryReader[],
): Promise<string> {
  const qualified = `${ident(schema)}.${ident(table)}`;
  const columns = await tableColumns(session, schema, table);
  const details = { schema, table, from: reader.tool };
  if (columns && fits(reader, columns)) return qualified;
  if (columns) {
    const owner = others.find((other) => other.table === table && other.tool !== reader.tool && fits(other, columns));
    throw new CutoverError('HISTORY_NOT_FOUND', `${qualified} is not ${reader.tool}'s history: its columns are ${columns.join(', ')}, ${reader.tool}'s has ${reader.columns.required.join(', ')}${reader.columns.absent?.length ? ` and no ${reader.columns.absent.join(', ')}` : ''}`, {
      hint: owner ? `It looks like ${owner.tool}'s: cutover adopt --from ${owner.tool}` : `Check --from and --table (${reader.tool}'s table is ${reader.table} unless configured otherwise).`,
      details: { ...details, columns, ...(owner ? { looksLike: owner.tool } : {}) },
    });
  }
  const found: string[] = [];
  for (const other of others) {
    const otherColumns = other.tool === reader.tool ? undefined : await tableColumns(session, schema, other.table);
    if (otherColumns && fits(other, otherColumns)) found.push(other.tool);
  }
  const elsewhere = (await session.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1 LIMIT 5`, [table])).rows.map((r) => r.schema);
  throw new CutoverError('HISTORY_NOT_FOUND', `schema ${ident(schema)} has no table ${table}: ${reader.tool} never recorded a migration there`, {
    hint: found.length > 0
      ? `This schema has the history of ${found.join(', ')}: cutover adopt --from ${found[0]}.`
      : elsewhere.length > 0
        ? `${table} is in schema ${elsewhere.map(ident).join(', ')}: pass --schema ${elsewhere[0]!.includes(' ') ? `"${elsewhere[0]}"` : elsewhere[0]} (the schema ${reader.tool} migrated).`
        : `Check --schema (the schema ${reader.tool} migrated) and --table if ${reader.tool} was configured with another table name. For a database no tool recorded, use cutover adopt --baseline <version>.`,
    details: { ...details, ...(found.length ? { found } : {}), ...(elsewhere.length ? { elsewhere } : {}) },
  });
}

/**
 * A timestamp value as a Date (a `timestamp` column is selected `::timestamptz`: taken in the session's time zone, as it was written).
 *
 * @example
 * asDate('2024-01-01T00:00:00Z'); // Date
 */
export function asDate(value: unknown): Date | null {
  return value instanceof Date ? value : value == null ? null : new Date(String(value));
}
