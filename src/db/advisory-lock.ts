/**
 * The migration lock (DESIGN §1 "Concurrency"): a session-level advisory
 * lock keyed on the ledger's schema, taken by polling
 * `pg_try_advisory_lock` with back-off. Never the blocking
 * `pg_advisory_lock`: a session blocked there sits in a transaction that a
 * `CREATE INDEX CONCURRENTLY` run by the holder waits for — a deadlock
 * (golang-migrate#235, flyway#3508).
 */
import { createHash } from 'node:crypto';
import { CutoverError } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { Session } from './session.js';

/** Who holds the lock, for "waiting for …" messages. */
export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddr: string | null;
  /** When the holder's session started. */
  since: Date | null;
  state: string | null;
}

/**
 * The lock key for a schema: the first 8 bytes of SHA-256("cutover:" + schema)
 * as a signed bigint. Documented in docs/locking.md so operators can find it
 * in `pg_locks` (classid = high 32 bits, objid = low 32 bits, objsubid = 1).
 *
 * @example
 * lockKey('public'); // '4802748677178702453'
 */
export function lockKey(schema: string): string {
  return createHash('sha256').update(`cutover:${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * The sessions holding the lock for `key`.
 *
 * @example
 * const holders = await lockHolders(client, lockKey('public'));
 */
export async function lockHolders(session: Session, key: string): Promise<LockHolder[]> {
  const result = await session.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date | null; state: string | null }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
    [key],
  );
  return result.rows.map((r) => ({ pid: r.pid, applicationName: r.application_name, clientAddr: r.client_addr, since: r.backend_start, state: r.state }));
}

/** Options for {@link acquireLock}. */
export interface AcquireOptions {
  schema: string;
  /** Give up after this long (ms); undefined waits as long as it takes. */
  lockWaitMs?: number;
  /** Called while waiting, at most once per `reportEveryMs`. */
  onWait?: (wait: { waitedMs: number; holders: LockHolder[] }) => void;
  reportEveryMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Describe holders for a message. */
export function describeHolders(holders: LockHolder[]): string {
  if (holders.length === 0) return 'a session that has since let go';
  return holders.map((h) => `pid ${h.pid} (${h.applicationName || 'no application_name'}${h.clientAddr ? ` from ${h.clientAddr}` : ''}, connected since ${h.since?.toISOString() ?? '?'})`).join(', ');
}

/**
 * Take the schema's migration lock on `session`, polling with back-off.
 * Returns how long it waited. Throws LOCK_WAIT_TIMEOUT naming the holder.
 *
 * @example
 * await acquireLock(client, { schema: 'public', lockWaitMs: 60_000 });
 * try { … } finally { await releaseLock(client, 'public'); }
 */
export async function acquireLock(session: Session, options: AcquireOptions): Promise<number> {
  const key = lockKey(options.schema);
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const started = now();
  let delay = 25;
  let lastReport = -Infinity;
  for (;;) {
    // The key is our own number, inlined: a parameterless query can share its round trip.
    const result = await session.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${key}::bigint) AS locked`);
    if (result.rows[0]?.locked) return now() - started;
    const waited = now() - started;
    const timedOut = options.lockWaitMs !== undefined && waited >= options.lockWaitMs;
    if (timedOut || now() - lastReport >= (options.reportEveryMs ?? 2000)) {
      const holders = await lockHolders(session, key);
      if (timedOut) {
        throw new CutoverError('LOCK_WAIT_TIMEOUT', `gave up waiting for the migration lock on schema "${options.schema}" after ${formatDuration(waited)}: held by ${describeHolders(holders)}`, {
          hint: 'Another cutover run is migrating this schema. Wait for it to finish, raise --lock-wait, or, if that session is stuck, end it with SELECT pg_terminate_backend(<pid>).',
          details: { schema: options.schema, waitedMs: waited, holders },
        });
      }
      options.onWait?.({ waitedMs: waited, holders });
      lastReport = now();
    }
    // Capped exponential back-off with jitter, never past the deadline.
    const remaining = options.lockWaitMs === undefined ? Infinity : options.lockWaitMs - waited;
    await sleep(Math.max(1, Math.min(remaining, delay * (0.5 + Math.random()))));
    delay = Math.min(delay * 2, 1000);
  }
}

/**
 * Release the lock (in `finally`). A failure here is reported, and the caller
 * closes the connection, which releases it too.
 */
export async function releaseLock(session: Session, schema: string): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1)', [lockKey(schema)]);
}
