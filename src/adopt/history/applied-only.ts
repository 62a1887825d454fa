/**
 * Histories that hold only applied migrations, a row each, with no failure
 * state and nothing set aside (dbmate, drizzle, knex, kysely, the Supabase
 * CLI): each tool gives its query and how a row reads; the rest is the same.
 */
import type { HistoryReader, HistoryRow, SourceTool } from '../types.js';

/** What a tool's row tells; the rest of a {@link HistoryRow} defaults to "not recorded". */
type RowFacts = Pick<HistoryRow, 'key'> & Partial<Pick<HistoryRow, 'description' | 'appliedAt' | 'checksum'>>;

/**
 * The `read` and `fix` of a tool whose rows are all applied migrations.
 *
 * @example
 * export const dbmateHistory: HistoryReader = {
 *   tool: 'dbmate', table: 'schema_migrations', columns: { required: ['version'] },
 *   ...appliedOnly({ tool: 'dbmate', query: (table) => `SELECT version FROM ${table}`, row: (r: { version: string }) => ({ key: r.version }) }),
 * };
 */
export function appliedOnly<R>(options: {
  tool: SourceTool;
  /** The tool as a sentence names it (`The Supabase CLI`); default its id. */
  named?: string;
  /** The query of the (qualified, quoted) table, in the tool's order. */
  query: (table: string) => string;
  row: (row: R) => RowFacts;
}): Pick<HistoryReader, 'read' | 'fix'> {
  return {
    async read(session, table) {
      const result = await session.query<R>(options.query(table));
      const rows = result.rows.map((row): HistoryRow => ({ description: null, appliedAt: null, durationMs: null, ...options.row(row), state: 'applied' }));
      return { tool: options.tool, rows, ignored: [] };
    },
    fix: () => `${options.named ?? options.tool} records no failures.`,
  };
}
