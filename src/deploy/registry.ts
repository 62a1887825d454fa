/**
 * The instance registry's storage: `cutover_instances`, a table beside the
 * ledger in the target schema, one row per app instance, kept fresh by
 * heartbeats (docs/zero-downtime.md, "The registry").
 *
 * Why a table and not the session list: liveness must never be judged from
 * `pg_stat_activity`. Behind PgBouncer in transaction mode the sessions are
 * the pooler's, and their application_name is whoever set it last; an idle
 * app pool may hold no connection at all for a while (it would look gone —
 * the unsafe mistake); a crashed host's socket may linger until TCP
 * keepalive gives up. A row with a heartbeat and a TTL, judged by the
 * database's own clock, errs on the safe side: an instance counts as live
 * until its TTL passes without a heartbeat. Each heartbeat is one
 * autocommit statement, so it works through any pooler. The session list
 * is still shown (`sessions`), for operators.
 */
import { ident, literal } from '../db/sql.js';
import { SQLSTATE } from '../db/ledger.js';
import type { Session } from '../db/session.js';
import type { InstanceRecord } from './guard.js';
import { INSTANCE_PROTOCOL, registryLockSql } from './protocol.js';

/** What an instance registers. */
export interface InstanceInfo {
  id: string;
  host: string;
  appVersion: string;
  knownVersion: string;
  pid?: number | null;
  applicationName?: string | null;
  ttlMs: number;
}

/** Rows expired longer than this are deleted when an instance registers. */
export const PRUNE_AFTER_MS = 24 * 3_600_000;

/** The registry's qualified table name. */
export function registryTable(schema: string): string {
  return `${ident(schema)}.cutover_instances`;
}

/**
 * Create the schema and the registry table if missing. Instances starting
 * together would race on the catalog (a unique violation on pg_type), so
 * creation is serialised by a transaction-level advisory lock of its own —
 * not the migration lock, and held only for these statements; apps speaking
 * the SQL protocol (protocol.ts) take the same key.
 *
 * @example
 * await createRegistry(client, 'public');
 */
export async function createRegistry(session: Session, schema: string): Promise<void> {
  const exists = await session.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [registryTable(schema)]);
  if (exists.rows[0]?.exists) return;
  // The protocol's own statement, run with the schema first on the path for this transaction only.
  await session.query(`BEGIN; SELECT ${registryLockSql(literal(schema))}; CREATE SCHEMA IF NOT EXISTS ${ident(schema)}; SET LOCAL search_path TO ${ident(schema)}; ${INSTANCE_PROTOCOL.create}; COMMIT`)
    .catch(async (error: unknown) => {
      await session.query('ROLLBACK').catch(() => {});
      throw error;
    });
}

/**
 * Register or heartbeat: an upsert, one autocommit statement. `register` also resets `started_at`.
 *
 * @example
 * await upsertInstance(client, 'public', info, { register: true });
 */
export async function upsertInstance(session: Session, schema: string, info: InstanceInfo, options: { register: boolean }): Promise<void> {
  const table = registryTable(schema);
  const values = [info.id, info.host, info.appVersion, info.knownVersion, info.pid ?? null, info.applicationName ?? null, Math.round(info.ttlMs)];
  await session.query(
    `INSERT INTO ${table} AS i (id, host, app_version, known_version, pid, application_name, ttl_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, app_version = EXCLUDED.app_version, known_version = EXCLUDED.known_version,
       pid = EXCLUDED.pid, application_name = EXCLUDED.application_name, ttl_ms = EXCLUDED.ttl_ms, last_seen = now()${options.register ? ', started_at = now()' : ''}`,
    values,
  );
  if (options.register) {
    await session.query(`DELETE FROM ${table} WHERE last_seen + make_interval(secs => ttl_ms / 1000.0) < now() - make_interval(secs => ${literal(PRUNE_AFTER_MS / 1000)})`);
  }
}

/**
 * Deregister (clean shutdown).
 *
 * @example
 * await removeInstance(client, 'public', 'web-7f9c');
 */
export async function removeInstance(session: Session, schema: string, id: string): Promise<void> {
  try {
    await session.query(`DELETE FROM ${registryTable(schema)} WHERE id = $1`, [id]);
  } catch (error) {
    if ((error as { code?: string }).code !== SQLSTATE.UNDEFINED_TABLE && (error as { code?: string }).code !== SQLSTATE.INVALID_SCHEMA_NAME) throw error;
  }
}

interface RawInstance {
  id: string; host: string; app_version: string; known_version: string; pid: number | null; application_name: string | null;
  started_at: Date; last_seen: Date; ttl_ms: number; sessions: string | number; db_now: Date;
}

/** Every registered instance (live or expired) and the database's clock. */
export interface RegistrySnapshot {
  instances: InstanceRecord[];
  now: Date;
}

/**
 * Read the registry (no table yet: no instances), with the database's `now()`
 * and each instance's session count from pg_stat_activity.
 *
 * @example
 * const { instances, now } = await readRegistry(client, 'public');
 */
export async function readRegistry(session: Session, schema: string): Promise<RegistrySnapshot> {
  try {
    const result = await session.query<RawInstance>(
      `SELECT i.*, now() AS db_now,
              (SELECT count(*) FROM pg_stat_activity a WHERE a.application_name = i.application_name AND a.datname = current_database()) AS sessions
         FROM ${registryTable(schema)} i ORDER BY i.started_at, i.id`,
    );
    const now = result.rows[0]?.db_now ?? (await dbNow(session));
    return {
      now,
      instances: result.rows.map((r) => ({
        id: r.id, host: r.host, appVersion: r.app_version, knownVersion: r.known_version, pid: r.pid, applicationName: r.application_name,
        startedAt: r.started_at, lastSeen: r.last_seen, ttlMs: r.ttl_ms, sessions: Number(r.sessions),
      })),
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === SQLSTATE.UNDEFINED_TABLE || code === SQLSTATE.INVALID_SCHEMA_NAME) return { instances: [], now: await dbNow(session) };
    throw error;
  }
}

async function dbNow(session: Session): Promise<Date> {
  const result = await session.query<{ now: Date }>('SELECT now() AS now');
  return result.rows[0]!.now;
}
