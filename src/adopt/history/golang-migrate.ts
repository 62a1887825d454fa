/**
 * golang-migrate's history: `schema_migrations(version bigint, dirty boolean)`
 * holds ONE row, the current version: every migration at or below it is
 * applied. `dirty = true` means that version failed half-way; golang-migrate
 * refuses to go on until `migrate force`. An empty table: nothing applied.
 */
import type { HistoryReader, ToolHistory } from '../types.js';

/**
 * Interpret golang-migrate's table (it reads the first row, as `migrate` does).
 *
 * @example
 * golangMigrateRows([{ version: '3', dirty: false }]); // through version 3
 */
export function golangMigrateRows(rows: readonly { version: string; dirty: boolean }[]): Omit<ToolHistory, 'table'> {
  const [current, ...rest] = rows;
  const ignored = rest.map((row) => ({ key: row.version, why: 'golang-migrate reads only the first row of its table' }));
  if (!current || (current.version === '-1' && !current.dirty)) return { tool: 'golang-migrate', rows: [], ignored };
  if (current.dirty) {
    return { tool: 'golang-migrate', rows: [{ key: current.version, description: null, state: 'failed', appliedAt: null, durationMs: null }], ignored };
  }
  return { tool: 'golang-migrate', rows: [], through: { version: current.version, kind: 'current-version', appliedAt: null }, ignored };
}

/**
 * golang-migrate.
 *
 * @example
 * const history = await golangMigrateHistory.read(session, '"public".' + golangMigrateHistory.table);
 */
export const golangMigrateHistory: HistoryReader = {
  tool: 'golang-migrate',
  table: 'schema_migrations',
  columns: { required: ['version', 'dirty'] },
  async read(session, table) {
    const result = await session.query<{ version: string; dirty: boolean }>(`SELECT version::text AS version, dirty FROM ${table}`);
    return golangMigrateRows(result.rows);
  },
  fix: (row, { previous }) =>
    `Check by hand what ${row.key} did, then either finish it and run migrate -path <dir> -database <url> force ${row.key}, or undo it and run migrate -path <dir> -database <url> force ${previous ?? -1} (it stays pending and runs on the next cutover migrate); then run cutover adopt again.`,
};
