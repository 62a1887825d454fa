/**
 * The old-code check of a rehearsal: the queries the running app sends
 * (from pg_stat_statements on the source, or a file) are prepared and
 * EXPLAINed against the migrated copy. A query that planned on the source
 * and no longer does there (a dropped or renamed column, a changed type)
 * is the breakage a too-early contract step causes. PREPARE infers the
 * types of `$n` parameters, so normalised pg_stat_statements texts work;
 * nothing is executed (https://www.postgresql.org/docs/current/sql-prepare.html).
 *
 * Only the app's queries count. pg_stat_statements keeps no
 * application_name, so the others are told apart by what they are: it is
 * read for the source database only (`dbid`); queries that read nothing but
 * system catalogs (pg_dump's, cutover's own) are left out; cutover's reads
 * of user tables carry {@link OWN_QUERY_MARK}. And a query counts as broken
 * only if it planned on the source AND on the copy before the first
 * migration: what fails on a scratch server of another major (a catalog
 * column that changed) is not the migrations' doing.
 */
import type { Session } from '../db/session.js';
import { loadParser } from '../sql/index.js';
import { OWN_QUERY_MARK } from './catalog.js';

/** A query that no longer plans. */
export interface BrokenQuery {
  query: string;
  sqlstate: string | undefined;
  error: string;
}

/** Where the queries came from, and what was found. */
export interface OldCodeReport {
  source: 'pg_stat_statements' | 'file' | 'none';
  /** Why there were none (pg_stat_statements missing, …). */
  note?: string;
  checked: number;
  /** Queries that failed on the source, or on the copy before any migration ran (not the migrations' doing). */
  skipped: number;
  /** Queries left out as cutover's or pg_dump's own (system catalogs only, or marked). */
  own: number;
  broken: BrokenQuery[];
}

/** Whether `text` prepares and plans on `session`: undefined, or the error. */
export async function planError(session: Session, text: string): Promise<{ sqlstate: string | undefined; message: string } | undefined> {
  try {
    await session.query(`PREPARE cutover_old_query AS ${text}`);
    try {
      const { rows } = await session.query<{ n: number }>(`SELECT coalesce(array_length(parameter_types, 1), 0) AS n FROM pg_prepared_statements WHERE name = 'cutover_old_query'`);
      const n = rows[0]?.n ?? 0;
      await session.query(`EXPLAIN EXECUTE cutover_old_query${n > 0 ? `(${Array.from({ length: n }, () => 'NULL').join(', ')})` : ''}`);
    } finally {
      await session.query('DEALLOCATE cutover_old_query').catch(() => {});
    }
    return undefined;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { sqlstate: e.code, message: e.message ?? String(error) };
  }
}

/** Statements that can be checked (reads and writes; not SET, BEGIN, DDL …; not cutover's own). */
export function isCheckable(text: string): boolean {
  return /^\s*(\(\s*)*(select|insert|update|delete|with|values|table)\b/i.test(text) && !/\bcutover_(migrations|audit|instances)\b/.test(text) && !text.includes(OWN_QUERY_MARK);
}

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

/**
 * Whether a query reads system catalogs and nothing else (pg_dump's and
 * cutover's catalog queries; an unqualified `pg_*` name is the catalog's,
 * pg_catalog being searched first). A text that does not parse is kept.
 *
 * @example
 * readsOnlyCatalogs(parse, 'SELECT oid FROM pg_class WHERE relname = $1'); // true
 */
export function readsOnlyCatalogs(parse: (sql: string) => unknown, text: string): boolean {
  let tree: unknown;
  try {
    tree = parse(text);
  } catch {
    return false;
  }
  const relations: { schemaname?: string; relname?: string }[] = [];
  const ctes = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'RangeVar') relations.push(value as { schemaname?: string; relname?: string });
        if (key === 'CommonTableExpr') ctes.add(String((value as { ctename?: string }).ctename));
        walk(value);
      }
    }
  };
  walk(tree);
  const user = relations.filter((r) => !(r.schemaname ? SYSTEM_SCHEMAS.has(r.schemaname) : String(r.relname).startsWith('pg_') || ctes.has(String(r.relname))));
  return relations.length > 0 && user.length === 0;
}

/**
 * The app's queries among `queries`: checkable ones that are neither marked
 * as cutover's nor catalog-only; `own` counts those two kinds.
 *
 * @example
 * const { queries, own } = await appQueries(['SELECT email FROM users', 'SELECT oid FROM pg_class']); // own: 1
 */
export async function appQueries(queries: readonly string[]): Promise<{ queries: string[]; own: number }> {
  const parse = await loadParser();
  const kept: string[] = [];
  let own = 0;
  for (const query of queries) {
    if (query.includes(OWN_QUERY_MARK) || (isCheckable(query) && readsOnlyCatalogs(parse, query))) own++;
    else if (isCheckable(query)) kept.push(query);
  }
  return { queries: kept, own };
}

/**
 * The app's queries from pg_stat_statements in the source database, most called first.
 * Undefined (with the reason) when the extension is not installed or readable.
 */
export async function statementsFromStats(session: Session, limit = 500): Promise<{ queries: string[]; own: number } | { note: string }> {
  try {
    const { rows: ext } = await session.query<{ schema: string }>(`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`);
    if (!ext[0]) return { note: 'pg_stat_statements is not installed in the source database; pass --queries <file> for the old-code check' };
    const { rows } = await session.query<{ query: string }>(
      `SELECT query FROM "${ext[0].schema.replace(/"/g, '""')}".pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC LIMIT $1`,
      [limit * 4],
    );
    const { queries, own } = await appQueries([...new Set(rows.map((r) => r.query))]);
    return { queries: queries.slice(0, limit), own };
  } catch (error) {
    return { note: `pg_stat_statements could not be read: ${(error as Error).message}` };
  }
}

/** The queries that plan on every one of `sessions` (the source, the copy before the migrations), and how many did not. */
export async function plannable(sessions: readonly Session[], queries: readonly string[]): Promise<{ queries: string[]; skipped: number }> {
  const kept: string[] = [];
  for (const query of queries) {
    let ok = true;
    for (const session of sessions) if (ok && (await planError(session, query))) ok = false;
    if (ok) kept.push(query);
  }
  return { queries: kept, skipped: queries.length - kept.length };
}

/**
 * Check the queries that planned before (see {@link plannable}) on the migrated copy: those that fail now are broken.
 *
 * @example
 * const before = await plannable([source, copy], ['SELECT email FROM users']);
 * // … run the migrations on the copy …
 * const { broken } = await checkOldQueries(copy, before, { source: 'file', own: 0 });
 */
export async function checkOldQueries(copy: Session, before: { queries: readonly string[]; skipped: number }, from: { source: OldCodeReport['source']; own: number }): Promise<OldCodeReport> {
  const report: OldCodeReport = { source: from.source, checked: 0, skipped: before.skipped, own: from.own, broken: [] };
  for (const query of before.queries) {
    report.checked++;
    const failed = await planError(copy, query);
    if (failed) report.broken.push({ query, sqlstate: failed.sqlstate, error: failed.message });
  }
  return report;
}
