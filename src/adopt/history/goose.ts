/**
 * goose's history: `goose_db_version(id, version_id bigint, is_applied
 * boolean, tstamp timestamp)` in the schema it migrates. goose appends a row
 * per step, up (`is_applied = true`) or down (`false`), and the newest row
 * of a version (highest id) says whether it is applied; the row of version
 * 0 is the marker goose writes when it creates the table. No checksum, no
 * failure state (a failed step writes no row).
 */
import type { HistoryReader, HistoryRow, ToolHistory } from '../types.js';
import { asDate } from './table.js';

/** A row of `goose_db_version`. */
export interface GooseRow {
  version_id: string;
  is_applied: boolean;
  tstamp: Date | string | null;
}

/**
 * Interpret goose's rows, newest first (as goose lists them, `ORDER BY id DESC`).
 *
 * @example
 * gooseRows([{ version_id: '2', is_applied: false, tstamp: null }, { version_id: '2', is_applied: true, tstamp: null }]); // 2 was rolled back
 */
export function gooseRows(newestFirst: readonly GooseRow[]): Omit<ToolHistory, 'table'> {
  const seen = new Set<string>();
  const rows: HistoryRow[] = [];
  const ignored: ToolHistory['ignored'] = [];
  for (const row of newestFirst) {
    if (row.version_id === '0') {
      ignored.push({ key: '0', why: 'the row goose writes when it creates its table' });
      continue;
    }
    if (seen.has(row.version_id)) continue;
    seen.add(row.version_id);
    if (!row.is_applied) {
      ignored.push({ key: row.version_id, why: 'rolled back (goose down): its newest row has is_applied = false' });
      continue;
    }
    rows.push({ key: row.version_id, description: null, state: 'applied', appliedAt: asDate(row.tstamp), durationMs: null });
  }
  return { tool: 'goose', rows: rows.reverse(), ignored };
}

/**
 * goose.
 *
 * @example
 * const history = await gooseHistory.read(session, '"public".' + gooseHistory.table);
 */
export const gooseHistory: HistoryReader = {
  tool: 'goose',
  table: 'goose_db_version',
  columns: { required: ['id', 'version_id', 'is_applied', 'tstamp'] },
  async read(session, table) {
    const result = await session.query<GooseRow>(`SELECT version_id::text AS version_id, is_applied, tstamp FROM ${table} ORDER BY id DESC`);
    return gooseRows(result.rows);
  },
  fix: () => 'goose records no failures.',
};
