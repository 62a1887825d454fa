/**
 * kysely's history: `kysely_migration(name varchar primary key, timestamp
 * varchar)`, a row per applied migration named as its provider names it
 * (`FileMigrationProvider`: the file name without its extension), the time
 * as ISO text. No checksum, no failure state. Adoption reads it when the
 * migrations are now SQL files of the same names.
 */
import type { HistoryReader } from '../types.js';
import { appliedOnly } from './applied-only.js';
import { byFileName } from './by-name.js';
import { asDate } from './table.js';

/**
 * kysely.
 *
 * @example
 * const history = await kyselyHistory.read(session, '"public".' + kyselyHistory.table);
 */
export const kyselyHistory: HistoryReader = {
  tool: 'kysely',
  table: 'kysely_migration',
  columns: { required: ['name', 'timestamp'] },
  ...appliedOnly({
    tool: 'kysely',
    query: (table) => `SELECT name, "timestamp" FROM ${table} ORDER BY "timestamp", name`,
    row: (row: { name: string; timestamp: string | null }) => ({ key: row.name, appliedAt: asDate(row.timestamp) }),
  }),
  ...byFileName,
};
