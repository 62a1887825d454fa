/**
 * The Supabase CLI's history: `supabase_migrations.schema_migrations(version
 * text primary key, statements text[], name text)` (newer CLIs add
 * `created_by`, `idempotency_key`), in its own schema whatever schema the
 * migrations target. A row per applied migration, named by its version (the
 * file name's digits). No time, checksum or failure state: a file's
 * statements and its row go in one batch.
 */
import type { HistoryReader } from '../types.js';
import { appliedOnly } from './applied-only.js';

/**
 * The Supabase CLI.
 *
 * @example
 * const history = await supabaseHistory.read(session, '"supabase_migrations".' + supabaseHistory.table);
 */
export const supabaseHistory: HistoryReader = {
  tool: 'supabase',
  table: 'schema_migrations',
  schema: 'supabase_migrations',
  columns: { required: ['version', 'statements', 'name'] },
  ...appliedOnly({
    tool: 'supabase',
    named: 'The Supabase CLI',
    query: (table) => `SELECT version, name FROM ${table} ORDER BY version`,
    row: (row: { version: string; name: string | null }) => ({ key: row.version, description: row.name }),
  }),
};
