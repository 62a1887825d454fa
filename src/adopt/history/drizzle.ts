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
import { appliedOnly } from './applied-only.js';

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
  ...appliedOnly({
    tool: 'drizzle',
    query: (table) => `SELECT hash, created_at::text AS created_at FROM ${table} ORDER BY id`,
    row: (row: { hash: string; created_at: string | null }) => ({
      key: row.created_at ?? '', appliedAt: row.created_at === null ? null : new Date(Number(row.created_at)), checksum: { kind: 'sha256-lf', hex: row.hash },
    }),
  }),
  // A row names its migration by the journal's `when`.
  matches: (row, migration) => migration.toolKey === row.key,
  ledgerKey: (row) => ({ version: row.key, name: `drizzle migration of ${row.appliedAt?.toISOString() ?? 'unknown time'}` }),
};
