/**
 * Rows a rehearsed migration touched, per table: inserted, updated (of
 * which HOT) and deleted, from the cumulative statistics of the scratch
 * copy (`pg_stat_user_tables`: n_tup_ins, n_tup_upd, n_tup_hot_upd,
 * n_tup_del), read before and after each migration, beside the exact row
 * counts.
 *
 * Why this is exact, not eventually right: a backend keeps its counters in
 * local memory and flushes them to the shared statistics at most once a
 * second while it lives (an idle one after up to 10 s), but always when it
 * exits, before it leaves pg_stat_activity
 * (https://www.postgresql.org/docs/current/monitoring-stats.html). The
 * migrations run on their own sessions, which `runMigrations` closes before
 * it returns, and node-postgres' `end()` resolves only once the server
 * closed the socket, that is, once the backend is gone. Measured on 15.18
 * and 18.4: with the session closed, 200 of 200 readings right after were
 * exact; with it left open, the counts showed up about 10 s later. So the
 * reading waits for any other client session in the scratch database to
 * end first ({@link waitForOtherSessions}), and reads in a transaction of
 * its own (stats_fetch_consistency caches within a transaction).
 *
 * What the counters include: every attempt, also rolled-back ones (a
 * failed migration, a retry after a lock timeout); not TRUNCATE, nor a
 * table rewrite (ALTER COLUMN TYPE), which is why the exact counts stay.
 */
import type { Session } from '../db/session.js';

/** A table's cumulative write counters. */
export interface TableStats {
  /** Its oid: a table dropped and created again under the same name starts from nothing. */
  relid: number;
  inserted: number;
  updated: number;
  hotUpdated: number;
  deleted: number;
}

/** What one migration did to one table. */
export interface TableRows {
  table: string;
  /**
   * Rows inserted, updated (of which `hotUpdated`: no index entry changed,
   * https://www.postgresql.org/docs/current/storage-hot.html) and deleted,
   * every attempt counted. Absent when the server does not count them
   * (`track_counts` off).
   */
  inserted?: number;
  updated?: number;
  hotUpdated?: number;
  deleted?: number;
  /** Exact row counts before and after (a TRUNCATE shows only here). */
  before: number;
  after: number;
}

/** Whether the server counts rows written (`track_counts`, on by default). */
export async function tracksCounts(session: Session): Promise<boolean> {
  const { rows } = await session.query<{ on: boolean }>(`SELECT current_setting('track_counts')::boolean AS on`);
  return rows[0]!.on;
}

/** The write counters of each table of a schema (partitions as themselves). */
export async function readTableStats(session: Session, schema: string): Promise<Map<string, TableStats>> {
  const { rows } = await session.query<{ table: string; relid: string; ins: string; upd: string; hot: string; del: string }>(
    `SELECT relname AS table, relid::int8 AS relid, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del
       FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  return new Map(rows.map((r) => [r.table, { relid: Number(r.relid), inserted: Number(r.ins), updated: Number(r.upd), hotUpdated: Number(r.hot), deleted: Number(r.del) }]));
}

/**
 * Wait until no client session but `own` is connected to the database, so
 * every other session's counters have been flushed (they are, as it
 * exits). Resolves with the sessions still there after `attempts` polls
 * ([] when all are gone: the usual case, at once).
 */
export async function waitForOtherSessions(session: Session, own: readonly number[], sleep: (ms: number) => Promise<void>, attempts = 200): Promise<number[]> {
  for (let i = 0; ; i++) {
    const { rows } = await session.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> ALL ($1::int[])`,
      [own],
    );
    if (rows.length === 0 || i + 1 >= attempts) return rows.map((r) => r.pid);
    await sleep(25);
  }
}

const NONE = { inserted: 0, updated: 0, hotUpdated: 0, deleted: 0 };

/**
 * The tables a migration changed: written to (by the counters) or with a
 * different row count. Tables it dropped are left out (the schema diff
 * shows them), so are cutover's own (`cutover_*`). Pure.
 *
 * @example
 * rowsTouched(
 *   { counts: [{ name: 'users', rows: 50 }], stats: new Map([['users', { relid: 16390, inserted: 50, updated: 0, hotUpdated: 0, deleted: 0 }]]) },
 *   { counts: [{ name: 'users', rows: 51 }], stats: new Map([['users', { relid: 16390, inserted: 51, updated: 50, hotUpdated: 50, deleted: 0 }]]) },
 * ); // [{ table: 'users', inserted: 1, updated: 50, hotUpdated: 50, deleted: 0, before: 50, after: 51 }]
 */
export function rowsTouched(
  before: { counts: readonly { name: string; rows: number }[]; stats?: Map<string, TableStats> | undefined },
  after: { counts: readonly { name: string; rows: number }[]; stats?: Map<string, TableStats> | undefined },
): TableRows[] {
  const was = new Map(before.counts.map((t) => [t.name, t.rows]));
  const touched: TableRows[] = [];
  for (const { name, rows } of after.counts) {
    if (name.startsWith('cutover_')) continue;
    const entry: TableRows = { table: name, before: was.get(name) ?? 0, after: rows };
    if (after.stats) {
      const now = after.stats.get(name) ?? { ...NONE, relid: 0 };
      // A table the migration created (or dropped and created again) starts from nothing.
      const old = before.stats?.get(name);
      const then = old && old.relid === now.relid ? old : { ...NONE, relid: now.relid };
      const delta = (k: Exclude<keyof TableStats, 'relid'>) => Math.max(0, now[k] - then[k]); // not below 0 after a pg_stat_reset()
      Object.assign(entry, { inserted: delta('inserted'), updated: delta('updated'), hotUpdated: delta('hotUpdated'), deleted: delta('deleted') });
    }
    if (entry.before !== entry.after || (entry.inserted ?? 0) + (entry.updated ?? 0) + (entry.deleted ?? 0) > 0) touched.push(entry);
  }
  return touched;
}
