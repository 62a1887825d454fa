/**
 * `CREATE INDEX CONCURRENTLY` across crashes (issue 16, defect 5). A build
 * cut off half-way leaves an INVALID index that `IF NOT EXISTS` would then
 * silently accept; a build that completed while its client was being killed
 * leaves a valid index and a migration recorded as not finished. So, for a
 * named `CREATE INDEX CONCURRENTLY`:
 * - before it runs, an INVALID index of that name that no session is
 *   building is dropped (`DROP INDEX CONCURRENTLY`) so that it is built again;
 * - after it runs, the index must exist and be valid, or the migration fails;
 * - a migration recorded as started-and-not-finished whose every statement is
 *   such a build, each index valid with the same definition as the file's
 *   statement, is recognised as done.
 * (https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY)
 */
import { CutoverError } from '../errors.js';
import { auditSql, ensureAuditTable, type Ledger } from '../db/ledger.js';
import { ident } from '../db/sql.js';
import type { Session } from '../db/session.js';
import type { Migration } from '../migrations/types.js';
import type { LedgerRow } from '../plan/types.js';
import { loadParser } from '../sql/parser.js';
import { splitStatements, type AstNode } from '../sql/statements.js';
import { indexBuildOf, indexShape as normalise, type IndexBuild } from '../sql/index-build.js';

/** The index a `CREATE INDEX CONCURRENTLY <name> ON …` statement builds. */
export interface ConcurrentIndex {
  /** The index's schema: the table's, if the statement names one, else the target schema. */
  schema: string;
  name: string;
  table: string;
  /** The statement's IndexStmt, normalised for comparison. */
  shape: string;
}

/** What the catalog holds under an index's name. */
export type IndexState = { found: false } | { found: true; valid: boolean; building: boolean; definition: string };

/** The IndexStmt of one statement's text, if it is a single CREATE INDEX. */
async function indexStmt(text: string): Promise<AstNode | undefined> {
  const parse = await loadParser();
  const stmts = parse(text).stmts ?? [];
  return stmts.length === 1 ? (stmts[0]!.stmt as AstNode | undefined)?.IndexStmt : undefined;
}

/**
 * The index a statement builds concurrently under a name, or undefined (another
 * statement, or an unnamed index whose name Postgres chooses).
 *
 * @example
 * await concurrentIndexOf('CREATE INDEX CONCURRENTLY items_v ON items (v)', 'public'); // { schema: 'public', name: 'items_v', table: 'items', … }
 */
export async function concurrentIndexOf(text: string, schema: string): Promise<ConcurrentIndex | undefined> {
  const node = await indexStmt(text);
  return node ? indexIn(indexBuildOf('IndexStmt', node), schema) : undefined;
}

/** The named index of a build (in `schema` unless the statement names one), or undefined. */
function indexIn(build: IndexBuild | undefined, schema: string): ConcurrentIndex | undefined {
  if (!build?.name) return undefined;
  return { schema: build.schemaname ?? schema, name: build.name, table: build.table!, shape: build.shape };
}

/**
 * What the catalog holds under the index's name: valid or not, and whether a session is building it now.
 *
 * @example
 * const state = await indexState(connection, index);
 */
export async function indexState(session: Session, index: Pick<ConcurrentIndex, 'schema' | 'name'>): Promise<IndexState> {
  const { rows: [row] } = await session.query<{ valid: boolean; building: boolean; definition: string }>(
    `SELECT i.indisvalid AS valid, pg_get_indexdef(i.indexrelid) AS definition,
            EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid) AS building
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [index.schema, index.name],
  );
  return row ? { found: true, ...row } : { found: false };
}

/**
 * Whether the catalog's definition builds the same index as the statement
 * (same table, columns, method, uniqueness, predicate as parsed); an
 * expression Postgres prints differently counts as different (the safe side).
 */
export async function sameDefinition(index: ConcurrentIndex, definition: string): Promise<boolean> {
  const node = await indexStmt(definition);
  return node !== undefined && normalise(node) === index.shape;
}

/** Drop a leftover INVALID index so that the statement builds it again. */
export function dropInvalidSql(index: Pick<ConcurrentIndex, 'schema' | 'name'>): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${ident(index.schema)}.${ident(index.name)}`;
}

/** What {@link recognizeFinishedBuilds} needs. */
export interface RecognizeOptions {
  schema: string;
  ledger: Ledger;
  appliedBy: string;
}

/**
 * Migrations recorded as started and not finished (a crash: `failed` at
 * statement 0) whose every statement is a named `CREATE INDEX CONCURRENTLY`
 * that finished — each index valid, with the file's definition — are recorded
 * applied, with an audit row. Returns the ledger as it now is, and those migrations.
 *
 * @example
 * const { rows, recognized } = await recognizeFinishedBuilds(connection, ledgerRows, migrations, options);
 */
export async function recognizeFinishedBuilds(session: Session, rows: readonly LedgerRow[], migrations: readonly Migration[], options: RecognizeOptions): Promise<{ rows: LedgerRow[]; recognized: Migration[] }> {
  const recognized: Migration[] = [];
  const result: LedgerRow[] = [];
  for (const row of rows) {
    const migration = row.state === 'failed' && row.failedStatement === 0 ? migrations.find((m) => m.version === row.version) : undefined;
    if (migration && !migration.transaction && migration.checksum === row.checksum && (await buildsFinished(session, migration, options.schema))) {
      await ensureAuditTable(session, options.schema);
      const audit = auditSql(options.schema, {
        version: row.version, action: 'recognised applied', by: options.appliedBy,
        reason: 'the run ended before recording it, but every CREATE INDEX CONCURRENTLY of the file had finished (valid index, same definition)',
      });
      await session.query(`BEGIN; ${options.ledger.acceptSql(row.version, row.checksum)}; ${audit}; COMMIT`);
      recognized.push(migration);
      result.push({ ...row, state: 'applied', failedStatement: null, error: null });
    } else {
      result.push(row);
    }
  }
  return { rows: result, recognized };
}

/** Whether every statement of the file is a named concurrent index build that is there, valid, as defined. */
async function buildsFinished(session: Session, migration: Migration, schema: string): Promise<boolean> {
  const statements = await splitStatements(migration).catch(() => []);
  if (statements.length === 0) return false;
  for (const statement of statements) {
    const index = await concurrentIndexOf(statement.text, schema);
    const state = index ? await indexState(session, index) : undefined;
    if (!index || !state?.found || !state.valid || state.building || !(await sameDefinition(index, state.definition))) return false;
  }
  return true;
}

/**
 * Before a statement runs: if it builds a named index concurrently and an
 * INVALID index of that name is left from a build that was cut off (no session
 * is building it), drop it so that the statement builds it again. Returns the
 * index, for {@link checkBuilt}.
 */
export async function prepareBuild(session: Session, statement: { text: string; indexBuild?: IndexBuild }, schema: string): Promise<ConcurrentIndex | undefined> {
  // Known from the file's parse (or its verdict); a statement made otherwise is parsed here.
  const index = statement.indexBuild ? indexIn(statement.indexBuild, schema) : await concurrentIndexOf(statement.text, schema);
  if (!index) return undefined;
  const state = await indexState(session, index);
  if (state.found && !state.valid && !state.building) await session.query(dropInvalidSql(index));
  return index;
}

/**
 * After the statement: the index must be there and valid (an `IF NOT EXISTS`
 * that met an invalid one being built elsewhere would not be).
 */
export async function checkBuilt(session: Session, index: ConcurrentIndex, file: string): Promise<void> {
  const state = await indexState(session, index);
  if (state.found && state.valid) return;
  throw new CutoverError('INVALID_INDEX', `${file}: index ${index.schema}.${index.name} is ${state.found ? 'INVALID' : 'missing'} after its CREATE INDEX CONCURRENTLY; the migration is not recorded applied`, {
    hint: `Another session may be building it: wait for it, then \`cutover resolve <version> --rolled-back\` and run again (an INVALID leftover is dropped and built again).`,
    details: { file, schema: index.schema, index: index.name, state: state.found ? 'invalid' : 'missing' },
  });
}
