/**
 * Prisma's history: `_prisma_migrations(id, checksum, finished_at,
 * migration_name, logs, rolled_back_at, started_at, applied_steps_count)`.
 * A migration may have several rows (attempts): one with `rolled_back_at`
 * set does not count; one with `finished_at` set is applied; one with
 * neither is a failed migration, which `prisma migrate deploy` refuses to
 * pass (P3009) until `prisma migrate resolve`.
 */
import { dirname } from 'node:path';
import type { HistoryReader, HistoryRow, ToolHistory } from '../types.js';
import { asDate } from './table.js';

/** A row of `_prisma_migrations`. */
export interface PrismaRow {
  checksum: string;
  finished_at: Date | string | null;
  migration_name: string;
  rolled_back_at: Date | string | null;
  started_at: Date | string;
}

/**
 * Interpret Prisma's rows: one history row per migration name.
 *
 * @example
 * prismaRows([{ migration_name: '20240101000000_init', checksum: 'ab…', started_at: new Date(), finished_at: new Date(), rolled_back_at: null }]);
 */
export function prismaRows(rows: readonly PrismaRow[]): Omit<ToolHistory, 'table'> {
  const byName = new Map<string, HistoryRow>();
  const ignored: ToolHistory['ignored'] = [];
  for (const row of rows) {
    if (row.rolled_back_at !== null) {
      ignored.push({ key: row.migration_name, why: `an attempt marked rolled back at ${asDate(row.rolled_back_at)!.toISOString()}` });
      continue;
    }
    const started = asDate(row.started_at);
    const finished = asDate(row.finished_at);
    const entry: HistoryRow = {
      key: row.migration_name,
      description: row.migration_name.replace(/^\d+_/, ''),
      state: finished ? 'applied' : 'failed',
      appliedAt: started,
      durationMs: finished && started ? finished.getTime() - started.getTime() : null,
      checksum: { kind: 'sha256', hex: row.checksum },
    };
    // A failed attempt is what Prisma reports first: it wins over an applied one.
    if (byName.get(row.migration_name)?.state !== 'failed') byName.set(row.migration_name, entry);
  }
  return { tool: 'prisma', rows: [...byName.values()], ignored };
}

/**
 * Prisma Migrate.
 *
 * @example
 * const history = await prismaHistory.read(session, '"public".' + prismaHistory.table);
 */
export const prismaHistory: HistoryReader = {
  tool: 'prisma',
  table: '_prisma_migrations',
  columns: { required: ['id', 'checksum', 'finished_at', 'migration_name', 'rolled_back_at', 'started_at'] },
  async read(session, table) {
    const result = await session.query<PrismaRow>(
      `SELECT checksum, finished_at, migration_name, rolled_back_at, started_at FROM ${table} ORDER BY started_at, migration_name`,
    );
    return prismaRows(result.rows);
  },
  // Prisma names a migration by its directory.
  matches: (row, migration) =>
    migration.version === row.key || (migration.file.includes('/') && dirname(migration.file) === row.key) || `${migration.version}_${migration.name}` === row.key,
  ledgerKey: (row) => ({ version: row.key, name: row.description ?? row.key }),
  fix: (row) =>
    `Check by hand what it did, then either undo it and run npx prisma migrate resolve --rolled-back ${row.key} (it stays pending and runs on the next cutover migrate), or finish it and run npx prisma migrate resolve --applied ${row.key}; then run cutover adopt again.`,
};
