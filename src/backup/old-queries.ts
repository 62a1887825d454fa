/**
 * The old-code check of a rehearsal: the queries the running app sends
 * (from pg_stat_statements on the source, or a file) are prepared and
 * EXPLAINed against the migrated copy. A query that planned on the source
 * and no longer does there (a dropped or renamed column, a changed type)
 * is the breakage a too-early contract step causes. PREPARE infers the
 * types of `$n` parameters, so normalised pg_stat_statements texts work;
 * nothing is executed (https://www.postgresql.org/docs/current/sql-prepare.html).
 */
import type { Session } from '../db/session.js';

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
  /** Queries that failed on the source already (not the migrations' doing). */
  skipped: number;
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

/** Statements that can be checked (reads and writes; not SET, BEGIN, DDL …). */
export function isCheckable(text: string): boolean {
  return /^\s*(\(\s*)*(select|insert|update|delete|with|values|table)\b/i.test(text) && !/\bcutover_(migrations|audit|instances)\b/.test(text);
}

/**
 * The app's queries from pg_stat_statements in the source database, most called first.
 * Undefined (with the reason) when the extension is not installed or readable.
 */
export async function statementsFromStats(session: Session, limit = 500): Promise<{ queries: string[] } | { note: string }> {
  try {
    const { rows: ext } = await session.query<{ schema: string }>(`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`);
    if (!ext[0]) return { note: 'pg_stat_statements is not installed in the source database; pass --queries <file> for the old-code check' };
    const { rows } = await session.query<{ query: string }>(
      `SELECT query FROM "${ext[0].schema.replace(/"/g, '""')}".pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC LIMIT $1`,
      [limit * 4],
    );
    return { queries: [...new Set(rows.map((r) => r.query).filter(isCheckable))].slice(0, limit) };
  } catch (error) {
    return { note: `pg_stat_statements could not be read: ${(error as Error).message}` };
  }
}

/**
 * Check queries: each must plan on the source; those that then fail on the copy are broken.
 *
 * @example
 * const { broken } = await checkOldQueries(sourceSession, copySession, ['SELECT email FROM users'], 'file');
 */
export async function checkOldQueries(source: Session, copy: Session, queries: readonly string[], from: OldCodeReport['source']): Promise<OldCodeReport> {
  const report: OldCodeReport = { source: from, checked: 0, skipped: 0, broken: [] };
  for (const query of queries) {
    if (await planError(source, query)) {
      report.skipped++;
      continue;
    }
    report.checked++;
    const failed = await planError(copy, query);
    if (failed) report.broken.push({ query, sqlstate: failed.sqlstate, error: failed.message });
  }
  return report;
}
