/**
 * dbmate's history: `schema_migrations(version varchar primary key)`, one
 * row per applied migration, the version being the file name's digits. No
 * time, checksum or failure state. The table has golang-migrate's name but
 * not its `dirty` column; Rails' table has the same shape.
 */
import type { HistoryReader } from '../types.js';
import { appliedOnly } from './applied-only.js';

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
  ...appliedOnly({
    tool: 'dbmate',
    query: (table) => `SELECT version::text AS version FROM ${table} ORDER BY version`,
    row: (row: { version: string }) => ({ key: row.version }),
  }),
};
