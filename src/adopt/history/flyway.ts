/**
 * Flyway's history: `flyway_schema_history(installed_rank, version,
 * description, type, script, checksum, installed_by, installed_on,
 * execution_time ms, success)`, read in installed_rank order:
 * - `SQL` (and Java `JDBC`, `SCRIPT` …) rows are migrations; a repeatable's
 *   row has version NULL and is named by its script, and its latest row counts;
 * - `BASELINE` rows (`flyway baseline`, or a `B` script) mean every version
 *   at or below theirs is applied;
 * - `SCHEMA` (`<< Flyway Schema Creation >>`) and `TABLE` rows are markers;
 * - `DELETE` rows (`flyway repair` of a missing file) and successful `UNDO_…`
 *   rows take a version back out;
 * - `success = false`: a failed migration, until `flyway repair` removes it.
 */
import { basename } from 'node:path';
import { REPEATABLE_PREFIX } from '../../migrations/formats/order.js';
import type { HistoryReader, HistoryRow, ToolHistory } from '../types.js';
import { asDate } from './table.js';

/** A row of `flyway_schema_history`. */
export interface FlywayRow {
  installed_rank: number;
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  installed_on: Date | string;
  execution_time: number;
  success: boolean;
}

const MARKERS = new Set(['SCHEMA', 'TABLE']);

/**
 * Interpret Flyway's rows (in installed_rank order).
 *
 * @example
 * flywayRows([{ installed_rank: 1, version: '1', description: 'init', type: 'SQL', script: 'V1__init.sql', checksum: 123, installed_on: new Date(), execution_time: 5, success: true }]);
 */
export function flywayRows(rows: readonly FlywayRow[]): Omit<ToolHistory, 'table'> {
  const byKey = new Map<string, HistoryRow>();
  const ignored: ToolHistory['ignored'] = [];
  let through: ToolHistory['through'];
  for (const row of [...rows].sort((a, b) => a.installed_rank - b.installed_rank)) {
    const key = row.version ?? row.script;
    if (MARKERS.has(row.type)) {
      ignored.push({ key: row.description, why: `Flyway's ${row.type} marker row (rank ${row.installed_rank})` });
    } else if (row.type.endsWith('BASELINE') && row.version !== null) {
      if (row.success) through = { version: row.version, kind: 'baseline', appliedAt: asDate(row.installed_on) };
    } else if (row.type === 'DELETE' || (row.type.startsWith('UNDO_') && row.success)) {
      byKey.delete(key);
      ignored.push({ key, why: row.type === 'DELETE' ? 'marked deleted by flyway repair' : `undone by ${row.script}` });
    } else if (!row.type.startsWith('UNDO_')) {
      byKey.delete(key); // the latest row of a key counts, in rank order
      byKey.set(key, {
        key,
        description: row.description,
        state: row.success ? 'applied' : 'failed',
        appliedAt: asDate(row.installed_on),
        durationMs: row.execution_time,
        ...(row.type === 'SQL' && row.checksum !== null ? { checksum: { kind: 'crc32' as const, value: row.checksum } } : {}),
        ...(row.version === null ? { repeatable: true } : {}),
      });
    } else {
      ignored.push({ key, why: `a failed undo (${row.script}): flyway repair removes it` });
    }
  }
  return { tool: 'flyway', rows: [...byKey.values()], ...(through ? { through } : {}), ignored };
}

/**
 * Flyway.
 *
 * @example
 * const history = await flywayHistory.read(session, '"public".' + flywayHistory.table);
 */
export const flywayHistory: HistoryReader = {
  tool: 'flyway',
  table: 'flyway_schema_history',
  columns: { required: ['installed_rank', 'version', 'description', 'type', 'script', 'checksum', 'installed_on', 'execution_time', 'success'] },
  async read(session, table) {
    const result = await session.query<FlywayRow>(
      `SELECT installed_rank, version, description, type, script, checksum, installed_on::timestamptz AS installed_on, execution_time, success
         FROM ${table} ORDER BY installed_rank`,
    );
    return flywayRows(result.rows);
  },
  matches(row, migration, order) {
    if (row.repeatable) return migration.repeatable === true && (migration.file === row.key || basename(migration.file) === basename(row.key));
    return migration.repeatable !== true && (migration.version === row.key || order.compare(migration.version, row.key) === 0);
  },
  ledgerKey(row, order) {
    if (row.repeatable) return { version: `${REPEATABLE_PREFIX}${(row.description ?? row.key).replace(/ /g, '_')}`, name: row.description ?? row.key };
    return { version: order.canonical(row.key), name: row.description ?? '' };
  },
  fix: (row) =>
    `Undo by hand what ${row.repeatable ? row.key : `version ${row.key}`} did, run flyway repair (it deletes the failed row), then run cutover adopt again: the migration stays pending and runs on the next cutover migrate.`,
};
