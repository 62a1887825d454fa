/**
 * knex's history: `knex_migrations(id, name, batch, migration_time)`, a row
 * per applied migration named by its file name with the extension
 * (`20240101120000_create_users.js`), in the schema it migrates. No
 * checksum, no failure state. Adoption reads it when the migrations are
 * now SQL files of the same names (`20240101120000_create_users.sql`).
 */
import type { HistoryReader } from '../types.js';
import { byFileName } from './by-name.js';
import { asDate } from './table.js';

/**
 * knex.
 *
 * @example
 * const history = await knexHistory.read(session, '"public".' + knexHistory.table);
 */
export const knexHistory: HistoryReader = {
  tool: 'knex',
  table: 'knex_migrations',
  columns: { required: ['id', 'name', 'batch', 'migration_time'] },
  async read(session, table) {
    const result = await session.query<{ name: string; migration_time: Date | null }>(`SELECT name, migration_time::timestamptz AS migration_time FROM ${table} ORDER BY id`);
    return {
      tool: 'knex',
      rows: result.rows.map((row) => ({ key: row.name, description: null, state: 'applied' as const, appliedAt: asDate(row.migration_time), durationMs: null })),
      ignored: [],
    };
  },
  ...byFileName,
  fix: () => 'knex records no failures.',
};
