/**
 * sqlx's history: `_sqlx_migrations(version bigint, description, installed_on
 * timestamptz, success, checksum bytea, execution_time bigint)`; the checksum is
 * SHA-384 of the file, execution_time is in nanoseconds. A row with
 * `success = false` is a migration that failed half-way (sqlx's `Dirty`).
 */
import type { HistoryReader, HistoryRow } from '../types.js';
import { asDate } from './table.js';

interface SqlxRow {
  version: string;
  description: string;
  installed_on: Date;
  success: boolean;
  checksum: string;
  execution_time: string | null;
}

/**
 * Turn `_sqlx_migrations` rows into history rows.
 *
 * @example
 * sqlxRows([{ version: '1', description: 'init', installed_on: new Date(), success: true, checksum: 'ab…', execution_time: '2500000' }]);
 */
export function sqlxRows(rows: readonly SqlxRow[]): HistoryRow[] {
  return rows.map((row) => ({
    key: row.version,
    description: row.description,
    state: row.success ? 'applied' : 'failed',
    appliedAt: asDate(row.installed_on),
    durationMs: row.execution_time == null ? null : Math.round(Number(row.execution_time) / 1e6),
    checksum: { kind: 'sha384', hex: row.checksum },
  }));
}

/**
 * sqlx.
 *
 * @example
 * const history = await sqlxHistory.read(session, '"public".' + sqlxHistory.table);
 */
export const sqlxHistory: HistoryReader = {
  tool: 'sqlx',
  table: '_sqlx_migrations',
  columns: { required: ['version', 'description', 'installed_on', 'success', 'checksum', 'execution_time'] },
  async read(session, table) {
    const result = await session.query<SqlxRow>(
      `SELECT version::text AS version, description, installed_on, success, encode(checksum, 'hex') AS checksum, execution_time::text AS execution_time
         FROM ${table} ORDER BY version`,
    );
    return { tool: 'sqlx', rows: sqlxRows(result.rows), ignored: [] };
  },
  fix: (row, { table }) =>
    `Check by hand what it did (sqlx has no command for this), then either undo it and DELETE FROM ${table} WHERE version = ${row.key}; (it stays pending and runs on the next cutover migrate), or finish it and UPDATE ${table} SET success = true WHERE version = ${row.key}; then run cutover adopt again.`,
};
