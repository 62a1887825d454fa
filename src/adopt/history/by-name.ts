/**
 * Tools whose history names a migration by its file name (node-pg-migrate,
 * knex, kysely): a row matches the file of that name, whatever its
 * extension was (a knex `.js` migration rewritten as `.sql` keeps its
 * name), or the migration `<version>_<name>`.
 */
import { basename } from 'node:path';
import { nodePgMigrateOrder, type VersionOrder } from '../../migrations/formats/order.js';
import type { Migration } from '../../migrations/types.js';
import type { HistoryReader } from '../types.js';

/** A file or history name without its extension (and without `.up` / `.down`). */
const stem = (name: string) => basename(name).replace(/(\.up|\.down)?\.(sql|[cm]?[jt]s|coffee)$/i, '');

/**
 * The name node-pg-migrate gives a file: its name without `.sql` (or, once split, `.up.sql`).
 *
 * @example
 * nodePgMigrateName({ file: '1700000000000_create-users.up.sql' }); // '1700000000000_create-users'
 */
export function nodePgMigrateName(migration: Pick<Migration, 'file'>): string {
  return basename(migration.file).replace(/(\.up|\.down)?\.sql$/i, '');
}

/** The `matches` and `ledgerKey` of a tool that names migrations by file name. */
export const byFileName: Required<Pick<HistoryReader, 'matches' | 'ledgerKey'>> = {
  matches: (row, migration) => {
    const name = stem(row.key);
    return nodePgMigrateName(migration) === name || `${migration.version}_${migration.name}` === name || migration.version === name;
  },
  ledgerKey(row, order: VersionOrder) {
    const name = stem(row.key);
    // node-pg-migrate's own layout keeps the whole name as the version.
    if (order === nodePgMigrateOrder) return { version: name, name: name.replace(/^\d+_/, '') };
    const match = /^(\d+)_(.*)$/.exec(name);
    return match ? { version: order.canonical(match[1]!), name: match[2]! } : { version: name, name };
  },
};
