/**
 * Statements PostgreSQL refuses inside a transaction block, found on the
 * text the way Flyway finds them (its PostgreSQLParser's
 * detectCanExecuteInTransaction), before the real parser runs (layouts are
 * read first, and only pending files are parsed). Flyway runs a script
 * holding one of them outside a transaction on its own; a Prisma script that
 * is one of them alone runs outside one as PostgreSQL runs a one-statement
 * query. A statement misread here still meets the real parser's checks
 * (NEEDS_NO_TRANSACTION, TRANSACTION_CONTROL).
 */
import { scanStatements } from './scan-statements.js';

/** https://www.postgresql.org/docs/current/sql-createindex.html, sql-reindex.html, sql-vacuum.html, sql-altertable.html … */
const OUTSIDE_TRANSACTION = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)\b/,
  /^ALTER SYSTEM\b/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY\b/,
  /^REINDEX( \([^)]*\))?( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)\b/,
  /^REINDEX( \([^)]*\))?( VERBOSE)? (INDEX|TABLE|SCHEMA|DATABASE|SYSTEM) CONCURRENTLY\b/,
  /^REINDEX \([^)]*\bCONCURRENTLY\b/,
  /^VACUUM\b/,
  /^DISCARD ALL\b/,
  /^ALTER TABLE\b.* DETACH PARTITION\b.* CONCURRENTLY$/,
];

/**
 * For each top-level statement of a script: whether PostgreSQL refuses it
 * inside a transaction block.
 *
 * @example
 * refusingTransaction('CREATE TABLE t (a int);\ncreate index concurrently i on t (a);'); // [false, true]
 */
export function refusingTransaction(sql: string): boolean[] {
  return scanStatements(sql).map(({ code }) => {
    const statement = code.toUpperCase();
    return OUTSIDE_TRANSACTION.some((pattern) => pattern.test(statement));
  });
}

/**
 * Whether a tool that sends a file as one query without a transaction of
 * its own (golang-migrate, Prisma) runs it outside any transaction block:
 * a file of one statement runs as Postgres runs a one-statement query, so a
 * `CREATE INDEX CONCURRENTLY` works there, and so does a `CALL` of a
 * procedure that commits (https://www.postgresql.org/docs/current/sql-call.html).
 * cutover runs such a file without a transaction too.
 *
 * @example
 * aloneInOneQuery('CALL fill_dates();'); // true
 */
export function aloneInOneQuery(sql: string): boolean {
  const statements = scanStatements(sql);
  if (statements.length !== 1) return false;
  const statement = statements[0]!.code.toUpperCase();
  return /^CALL\b/.test(statement) || OUTSIDE_TRANSACTION.some((pattern) => pattern.test(statement));
}
