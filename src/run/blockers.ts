/**
 * Who blocks a migration: after a lock_timeout (SQLSTATE 55P03), the sessions
 * holding granted locks on the relations the failing statement names, read
 * from pg_locks / pg_stat_activity
 * (https://www.postgresql.org/docs/current/view-pg-locks.html).
 */
import type { Session } from '../db/session.js';
import type { Blocker } from './events.js';

/**
 * Sessions other than ours holding locks on `relations` (or, when none of
 * those is locked, on any relation of `schema`).
 *
 * @example
 * const blockers = await findBlockers(client, ['"public"."users"'], 'public');
 */
export async function findBlockers(session: Session, relations: string[], schema: string): Promise<Blocker[]> {
  const result = await session.query<{ pid: number; state: string | null; application_name: string; query: string; age: number; relation: string; mode: string }>(
    `WITH wanted AS (SELECT to_regclass(name) AS oid FROM unnest($1::text[]) AS name),
          held AS (
            SELECT l.pid, l.mode, l.relation FROM pg_locks l
             WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid()
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
     SELECT DISTINCT ON (a.pid, c.oid) a.pid, a.state, a.application_name, left(a.query, 200) AS query,
            extract(epoch FROM now() - coalesce(a.xact_start, a.query_start, a.backend_start))::float8 AS age,
            format('%I.%I', n.nspname, c.relname) AS relation, h.mode
       FROM held h
       JOIN pg_stat_activity a ON a.pid = h.pid
       JOIN pg_class c ON c.oid = h.relation
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE h.relation IN (SELECT oid FROM wanted)
         OR (NOT EXISTS (SELECT 1 FROM held WHERE relation IN (SELECT oid FROM wanted)) AND n.nspname = $2)
      ORDER BY a.pid, c.oid, h.mode`,
    [relations, schema],
  );
  return result.rows.map((r) => ({
    pid: r.pid, state: r.state, applicationName: r.application_name, query: r.query,
    ageSeconds: Math.round(r.age), relation: r.relation, mode: r.mode,
  }));
}

/** Blockers for a message, one per line. */
export function describeBlockers(blockers: Blocker[]): string {
  if (blockers.length === 0) return '  (no blocking session found: it ended before it could be named)';
  return blockers.map((b) => `  pid ${b.pid} (${b.state ?? '?'}, ${b.ageSeconds}s, holds ${b.mode} on ${b.relation}${b.applicationName ? `, ${b.applicationName}` : ''}): ${b.query.replace(/\s+/g, ' ')}`).join('\n');
}
