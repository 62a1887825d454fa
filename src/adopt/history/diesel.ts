/**
 * diesel's history: `__diesel_schema_migrations(version varchar(50) primary
 * key, run_on timestamp)`, one row per applied migration; the version is the
 * directory name before its first `_`, dashes removed. No checksum, no
 * failure state (each migration and its row commit together).
 */
import type { HistoryReader } from '../types.js';
import { asDate } from './table.js';

/**
 * diesel.
 *
 * @example
 * const history = await dieselHistory.read(session, '"public".' + dieselHistory.table);
 */
export const dieselHistory: HistoryReader = {
  tool: 'diesel',
  table: '__diesel_schema_migrations',
  columns: { required: ['version', 'run_on'] },
  async read(session, table) {
    const result = await session.query<{ version: string; run_on: Date }>(`SELECT version, run_on::timestamptz AS run_on FROM ${table} ORDER BY version`);
    return {
      tool: 'diesel',
      rows: result.rows.map((row) => ({ key: row.version, description: null, state: 'applied' as const, appliedAt: asDate(row.run_on), durationMs: null })),
      ignored: [],
    };
  },
  fix: () => 'diesel records no failures.',
};
