/**
 * knex's history: `knex_migrations(id, name, batch, migration_time)`, a row
 * per applied migration named by its file name with the extension
 * (`20240101120000_create_users.js`), in the schema it migrates. No
 * checksum, no failure state. Adoption reads it when the migrations are
 * now SQL files of the same names (`20240101120000_create_users.sql`).
 */
import type { HistoryReader } from '../types.js';
import { appliedOnly } from './applied-only.js';
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
  ...appliedOnly({
    tool: 'knex',
    query: (table) => `SELECT name, migration_time::timestamptz AS migration_time FROM ${table} ORDER BY id`,
    row: (row: { name: string; migration_time: Date | null }) => ({ key: row.name, appliedAt: asDate(row.migration_time) }),
  }),
  ...byFileName,
};
