/**
 * dbmate's history: `schema_migrations(version varchar primary key)`, one
 * row per applied migration, the version being the file name's digits. No
 * time, checksum or failure state. The table has golang-migrate's name but
 * not its `dirty` column; Rails' table has the same shape.
 */
import type { HistoryReader } from '../types.js';

/**
 * dbmate.
 *
 * @example
 * const history = await dbmateHistory.read(session, '"public".' + dbmateHistory.table);
 */
export const dbmateHistory: HistoryReader = {
  tool: 'dbmate',
  table: 'schema_migrations',
  columns: { required: ['version'], absent: ['dirty'] },
  async read(session, table) {
    const result = await session.query<{ version: string }>(`SELECT version::text AS version FROM ${table} ORDER BY version`);
    return {
      tool: 'dbmate',
      rows: result.rows.map((row) => ({ key: row.version, description: null, state: 'applied' as const, appliedAt: null, durationMs: null })),
      ignored: [],
    };
  },
  fix: () => 'dbmate records no failures.',
};
