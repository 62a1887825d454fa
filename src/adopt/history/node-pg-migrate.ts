/**
 * node-pg-migrate's history: `pgmigrations(id serial, name varchar(255),
 * run_on timestamp)`, one row per applied migration, named by its file name
 * without the extension (`1700000000000_create-users`). No checksum, no
 * failure state. Its SQL files hold `-- Up Migration` and `-- Down Migration`
 * sections: read with `--format node-pg-migrate` they are two scripts; read
 * as cutover's own files, adoption refuses them until split (adopt.ts).
 */
import type { HistoryReader } from '../types.js';
import { asDate } from './table.js';
import { byFileName } from './by-name.js';

export { nodePgMigrateName } from './by-name.js';

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
  ...byFileName,
  fix: () => 'node-pg-migrate records no failures.',
};
