/**
 * node-pg-migrate's history: `pgmigrations(id serial, name varchar(255),
 * run_on timestamp)`, one row per applied migration, named by its file name
 * without the extension (`1700000000000_create-users`). No checksum, no
 * failure state. Its SQL files hold `-- Up Migration` and `-- Down Migration`
 * sections, which adoption refuses (see adopt.ts): split them first.
 */
import { basename } from 'node:path';
import type { Migration } from '../../migrations/types.js';
import type { HistoryReader } from '../types.js';
import { asDate } from './table.js';

/**
 * The name node-pg-migrate gives a file: its name without `.sql` (or, once split, `.up.sql`).
 *
 * @example
 * nodePgMigrateName({ file: '1700000000000_create-users.up.sql' }); // '1700000000000_create-users'
 */
export function nodePgMigrateName(migration: Pick<Migration, 'file'>): string {
  return basename(migration.file).replace(/(\.up|\.down)?\.sql$/i, '');
}

/**
 * node-pg-migrate's section marker (its own pattern, `sqlMigration.ts`).
 *
 * @example
 * DOWN_MARKER.test('-- Down Migration\nDROP TABLE t;'); // true
 */
export const DOWN_MARKER = /^\s*--[\s-]*down\s+migration/im;

/**
 * node-pg-migrate.
 *
 * @example
 * const history = await nodePgMigrateHistory.read(session, '"public".' + nodePgMigrateHistory.table);
 */
export const nodePgMigrateHistory: HistoryReader = {
  tool: 'node-pg-migrate',
  table: 'pgmigrations',
  columns: { required: ['id', 'name', 'run_on'] },
  async read(session, table) {
    const result = await session.query<{ name: string; run_on: Date }>(`SELECT name, run_on::timestamptz AS run_on FROM ${table} ORDER BY run_on, id`);
    return {
      tool: 'node-pg-migrate',
      rows: result.rows.map((row) => ({ key: row.name, description: row.name.replace(/^\d+_/, ''), state: 'applied' as const, appliedAt: asDate(row.run_on), durationMs: null })),
      ignored: [],
    };
  },
  matches: (row, migration) => nodePgMigrateName(migration) === row.key || `${migration.version}_${migration.name}` === row.key,
  ledgerKey(row, order) {
    const match = /^(\d+)_(.*)$/.exec(row.key);
    return match ? { version: order.canonical(match[1]!), name: match[2]! } : { version: row.key, name: row.key };
  },
  fix: () => 'node-pg-migrate records no failures.',
};
