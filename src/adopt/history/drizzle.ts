/**
 * drizzle's history: `drizzle.__drizzle_migrations(id serial, hash text,
 * created_at bigint)`, in its own schema `drizzle` (drizzle-orm
 * `pg-core/dialect.ts` `migrate`). A row per applied migration: `hash` is
 * SHA-256 of the file (CRLF turned into LF), `created_at` the journal
 * entry's `when`, which is how a row names its migration (the `drizzle`
 * layout keeps it as the migration's `toolKey`). No failure state: drizzle
 * runs a deploy in one transaction, so a failure leaves no row.
 */
import type { HistoryReader } from '../types.js';

/**
 * drizzle.
 *
 * @example
 * const history = await drizzleHistory.read(session, '"drizzle".' + drizzleHistory.table);
 */
export const drizzleHistory: HistoryReader = {
  tool: 'drizzle',
  table: '__drizzle_migrations',
  schema: 'drizzle',
  columns: { required: ['id', 'hash', 'created_at'] },
  async read(session, table) {
    const result = await session.query<{ hash: string; created_at: string | null }>(`SELECT hash, created_at::text AS created_at FROM ${table} ORDER BY id`);
    return {
      tool: 'drizzle',
      rows: result.rows.map((row) => ({
        key: row.created_at ?? '', description: null, state: 'applied' as const,
        appliedAt: row.created_at === null ? null : new Date(Number(row.created_at)), durationMs: null,
        checksum: { kind: 'sha256-lf' as const, hex: row.hash },
      })),
      ignored: [],
    };
  },
  // A row names its migration by the journal's `when`.
  matches: (row, migration) => migration.toolKey === row.key,
  ledgerKey: (row) => ({ version: row.key, name: `drizzle migration of ${row.appliedAt?.toISOString() ?? 'unknown time'}` }),
  fix: () => 'drizzle records no failures.',
};
