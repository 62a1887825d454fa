/**
 * sqlx's ledger, for `--ledger sqlx` (docs/sqlx-ledger.md): `_sqlx_migrations`
 * created, read and written the way sqlx does (sqlx-postgres/src/migrate.rs:
 * `ensure_migrations_table`, `execute_migration`, `revert_migration`), so a
 * Rust service running `sqlx::migrate!` and cutover share one history.
 *
 * Mapping: version ↔ version (bigint), name ↔ description, state ↔ success
 * (false = failed, which sqlx refuses as `Dirty`), checksum ↔ checksum (hex
 * of the bytea; sqlx's SHA-384 of the raw file), applied_at ↔ installed_on,
 * duration_ms ↔ execution_time / 10⁶ (nanoseconds; sqlx's transient -1 reads
 * as unknown). Not stored: phase (taken from the file), applied_by,
 * failed_statement, error; overrides still go to `cutover_audit`.
 *
 * One difference in how a row is written, not in what it holds: sqlx inserts
 * `execution_time = -1` in the migration's transaction and updates it after
 * the commit; cutover writes the server-measured time in the transaction.
 */
import { CutoverError } from '../errors.js';
import { sqlxDescription } from '../migrations/sqlx-rules.js';
import type { Ledger, LedgerEntry } from './ledger.js';
import { ident, literal } from './sql.js';

/** sqlx's table name (its default; sqlx 0.9's `migrate.table-name` setting is not supported). */
export const SQLX_TABLE = '_sqlx_migrations';

const BIGINT_MAX = 9223372036854775807n;

/** A version as a bigint literal; only whole numbers fit `_sqlx_migrations.version`. */
function versionSql(version: string): string {
  if (!/^\d+$/.test(version) || BigInt(version) > BIGINT_MAX) {
    throw new CutoverError('CONFIG', `version "${version}" cannot be recorded in ${SQLX_TABLE}: its version column is a bigint`, {
      hint: 'Use --ledger sqlx only with numeric versions (the cutover, sqlx and golang-migrate layouts).',
      details: { setting: 'ledger', version },
    });
  }
  return `${literal(BigInt(version).toString())}::bigint`;
}

/** A checksum as bytea; it must be sqlx's (SHA-384: 96 hex digits). */
function checksumSql(checksum: string): string {
  if (!/^[0-9a-f]{96}$/.test(checksum)) {
    throw new CutoverError('CONFIG', `checksum ${checksum.slice(0, 12)}… is not sqlx's (SHA-384 of the file): the migrations were read with cutover's checksum rule`, {
      hint: 'With ledger "sqlx", read the migrations with loadMigrations(source, { checksum: "sqlx" }) (the library and CLI do when given ledger: "sqlx").',
      details: { setting: 'ledger' },
    });
  }
  return `decode(${literal(checksum)}, 'hex')`;
}

/**
 * The ledger `_sqlx_migrations` of one schema.
 *
 * @example
 * sqlxLedger('public').forgetSql('3'); // 'DELETE FROM "public"._sqlx_migrations WHERE version = '3'::bigint'
 */
export function sqlxLedger(schema: string): Ledger {
  const table = `${ident(schema)}.${SQLX_TABLE}`;
  return {
    kind: 'sqlx', schema, tableName: SQLX_TABLE, table,
    selectSql: () => `SELECT version::text AS version, description AS name, NULL::text AS phase, encode(checksum, 'hex') AS checksum,
  CASE WHEN success THEN 'applied' ELSE 'failed' END AS state, installed_on AS applied_at,
  CASE WHEN execution_time >= 0 THEN round(execution_time / 1000000.0)::float8 END AS duration_ms,
  NULL::text AS applied_by, NULL::integer AS failed_statement, NULL::text AS error
FROM ${table}`,
    // sqlx's DDL, schema-qualified (sqlx creates it unqualified, in the first schema of search_path).
    createSql: () => `CREATE TABLE IF NOT EXISTS ${table} (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);`,
    recordSql: (entry: LedgerEntry) => {
      const nanoseconds = entry.durationMs === undefined
        ? '(extract(epoch FROM clock_timestamp() - now()) * 1000000000)::bigint'
        : literal(Math.round(entry.durationMs * 1e6));
      const values = [versionSql(entry.version), literal(sqlxDescription(entry.file ?? `${entry.version}_${entry.name}.sql`)), literal(entry.state === 'applied'), checksumSql(entry.checksum), nanoseconds].join(', ');
      return `INSERT INTO ${table} (version, description, success, checksum, execution_time)
VALUES (${values})
ON CONFLICT (version) DO UPDATE SET description = EXCLUDED.description, installed_on = EXCLUDED.installed_on, success = EXCLUDED.success,
  checksum = EXCLUDED.checksum, execution_time = EXCLUDED.execution_time`;
    },
    forgetSql: (version) => `DELETE FROM ${table} WHERE version = ${versionSql(version)}`,
    acceptSql: (version, checksum) => `UPDATE ${table} SET success = TRUE, checksum = ${checksumSql(checksum)} WHERE version = ${versionSql(version)}`,
  };
}
