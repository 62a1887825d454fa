/**
 * kysely's history: `kysely_migration(name varchar primary key, timestamp
 * varchar)`, a row per applied migration named as its provider names it
 * (`FileMigrationProvider`: the file name without its extension), the time
 * as ISO text. No checksum, no failure state. Adoption reads it when the
 * migrations are now SQL files of the same names.
 */
import type { HistoryReader } from '../types.js';
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
  async read(session, table) {
    const result = await session.query<{ name: string; timestamp: string | null }>(`SELECT name, "timestamp" FROM ${table} ORDER BY "timestamp", name`);
    return {
      tool: 'kysely',
      rows: result.rows.map((row) => ({ key: row.name, description: null, state: 'applied' as const, appliedAt: asDate(row.timestamp), durationMs: null })),
      ignored: [],
    };
  },
  ...byFileName,
  fix: () => 'kysely records no failures.',
};
