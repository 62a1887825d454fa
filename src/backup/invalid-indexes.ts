/**
 * Invalid indexes: a `CREATE INDEX CONCURRENTLY` that failed (a duplicate,
 * a deadlock, a cancelled session) leaves an INVALID index behind, which
 * costs writes, serves no reads, and which `CREATE INDEX … IF NOT EXISTS`
 * then silently accepts (https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY).
 * `migrate` and `status` report them; `resolve --rebuild-invalid-indexes`
 * drops and rebuilds each one concurrently, under the schema's migration lock.
 */
import { CutoverError } from '../errors.js';
import type { Connector, Session } from '../db/session.js';
import { ident, literal } from '../db/sql.js';
import { withMigrationLock } from '../run/migrate.js';

/** An index Postgres marked invalid. */
export interface InvalidIndex {
  schema: string;
  index: string;
  table: string;
  /** Its definition, as pg_get_indexdef gives it. */
  definition: string;
  /** The SQL that fixes it: drop, then build again concurrently. */
  fix: string;
}

/**
 * The statements that rebuild an index concurrently from its definition.
 *
 * @example
 * rebuildSql('public', 'users_email', 'CREATE UNIQUE INDEX users_email ON public.users USING btree (email)');
 * // ['DROP INDEX CONCURRENTLY IF EXISTS "public"."users_email"', 'CREATE UNIQUE INDEX CONCURRENTLY users_email ON public.users USING btree (email)']
 */
export function rebuildSql(schema: string, index: string, definition: string): [string, string] {
  return [`DROP INDEX CONCURRENTLY IF EXISTS ${ident(schema)}.${ident(index)}`, definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ')];
}

/**
 * The query for a schema's invalid indexes (partitioned parents left out: theirs is a different
 * fix), parameterless so that it can share a round trip (a run's last one, src/run/migrate.ts).
 *
 * @example
 * const { rows } = await client.query(invalidIndexesSql('public'));
 * const invalid = invalidIndexesFrom('public', rows);
 */
export function invalidIndexesSql(schema: string): string {
  return `SELECT c.relname AS index, t.relname AS table, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${literal(schema)} AND NOT i.indisvalid AND c.relkind = 'i'
      ORDER BY c.relname`;
}

/** The invalid indexes from the rows of {@link invalidIndexesSql}, each with its fix. */
export function invalidIndexesFrom(schema: string, rows: readonly unknown[]): InvalidIndex[] {
  return (rows as { index: string; table: string; definition: string }[]).map((r) => ({ schema, ...r, fix: rebuildSql(schema, r.index, r.definition).join(';\n') + ';' }));
}

/**
 * The invalid indexes of a schema.
 *
 * @example
 * const invalid = await findInvalidIndexes(client, 'public');
 */
export async function findInvalidIndexes(session: Session, schema: string): Promise<InvalidIndex[]> {
  return invalidIndexesFrom(schema, (await session.query(invalidIndexesSql(schema))).rows);
}

/** One line per invalid index, with the fix, for people. */
export function describeInvalidIndexes(indexes: readonly InvalidIndex[]): string {
  if (indexes.length === 0) return '';
  return [
    `warning[INVALID_INDEX]: ${indexes.length} invalid index${indexes.length === 1 ? '' : 'es'} in schema "${indexes[0]!.schema}" (left by a failed CREATE INDEX CONCURRENTLY; IF NOT EXISTS will not rebuild ${indexes.length === 1 ? 'it' : 'them'}):`,
    ...indexes.map((i) => `  - ${i.index} on ${i.table}: ${i.definition}`),
    '  hint: cutover resolve --rebuild-invalid-indexes drops and rebuilds them concurrently',
  ].join('\n');
}

/** What {@link rebuildInvalidIndexes} reports. */
export interface RebuildReport {
  schema: string;
  rebuilt: InvalidIndex[];
}

/**
 * Drop and rebuild every invalid index of a schema concurrently, one at a
 * time, under the schema's migration lock. A rebuild that fails again (a
 * unique index over duplicates) stops with the index named.
 *
 * @example
 * const { rebuilt } = await rebuildInvalidIndexes(connector, { schema: 'public' });
 */
export async function rebuildInvalidIndexes(connector: Connector, options: { schema: string; lockWaitMs?: number | undefined }): Promise<RebuildReport> {
  const { schema } = options;
  return withMigrationLock(connector, { schema, lockWaitMs: options.lockWaitMs }, async (connection) => {
    const rebuilt: InvalidIndex[] = [];
    for (const index of await findInvalidIndexes(connection, schema)) {
      const [drop, create] = rebuildSql(schema, index.index, index.definition);
      try {
        await connection.query(drop);
        await connection.query(create);
      } catch (error) {
        const e = error as { code?: string; message?: string };
        throw new CutoverError('DATABASE', `rebuilding index ${index.index} on ${index.table} failed: ${e.message} (SQLSTATE ${e.code})`, {
          hint: 'Fix the cause (for a unique index: remove the duplicates), then run `cutover resolve --rebuild-invalid-indexes` again.',
          details: { schema, index: index.index, table: index.table, sqlstate: e.code, rebuilt: rebuilt.map((r) => r.index) },
          cause: error,
        });
      }
      rebuilt.push(index);
    }
    return { schema, rebuilt };
  });
}
