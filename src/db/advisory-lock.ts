/**
 * The migration lock (DESIGN §1 "Concurrency"): a session-level advisory
 * lock keyed on the ledger's schema, taken by polling
 * `pg_try_advisory_lock` with back-off. Never the blocking
 * `pg_advisory_lock`: a session blocked there sits in a transaction that a
 * `CREATE INDEX CONCURRENTLY` run by the holder waits for — a deadlock
 * (golang-migrate#235, flyway#3508).
 *
 * With `--ledger sqlx`, sqlx's own lock is taken too, after the schema's:
 * `pg_advisory_lock(0x3d32ad9e * crc32(current_database()))`
 * (sqlx-postgres/src/migrate.rs, `generate_lock_id`), polled the same way,
 * so a service running `sqlx::migrate!` waits for cutover and cutover for it.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { CutoverError } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { QueryResultLike, Session } from './session.js';
import { storedName } from './sql.js';
import { systemClock } from '../clock.js';

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
 * as a signed bigint, of the name as Postgres stores it (cut to 63 bytes:
 * two longer names sharing those bytes are one schema, so one lock; cutover
 * refuses such names anyway, issue 16.6). Documented in docs/locking.md so operators can find it
 * in `pg_locks` (classid = high 32 bits, objid = low 32 bits, objsubid = 1).
 *
 * @example
 * lockKey('public'); // '4802748677178702453'
 */
export function lockKey(schema: string): string {
  return createHash('sha256').update(`cutover:${storedName(schema)}`).digest().readBigInt64BE(0).toString();
}

/**
 * sqlx's migration lock key for a database: 0x3d32ad9e × CRC-32 (ISO-HDLC,
 * zlib's) of its name, as a bigint. One per database, whatever the schema.
 *
 * @example
 * sqlxLockKey('postgres'); // (0x3d32ad9e * 359303029).toString()
 */
export function sqlxLockKey(database: string): string {
  // zlib is required here, not imported: only the sqlx ledger needs it, and every run loads this module.
  const { crc32 } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  return (0x3d32ad9en * BigInt(crc32(database))).toString();
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
  /**
   * A parameterless SELECT sent in the first attempt's round trip, after the
   * lock (the ledger's read, one round trip fewer for a run that finds the
   * lock free); what became of it comes back if that attempt took the lock.
   */
  alongside?: string;
}

/** What became of `alongside`: its result, or the server's error for it (no such table …). */
export type Alongside = { result: QueryResultLike<unknown> } | { error: unknown };

/** Describe holders for a message. */
export function describeHolders(holders: LockHolder[]): string {
  if (holders.length === 0) return 'a session that has since let go';
  return holders.map((h) => `pid ${h.pid} (${h.applicationName || 'no application_name'}${h.clientAddr ? ` from ${h.clientAddr}` : ''}, connected since ${h.since?.toISOString() ?? '?'})`).join(', ');
}

/** Which lock a wait is for, and how to say so. */
interface LockTarget {
  key: string;
  /** "the migration lock on schema "public"", for messages. */
  what: string;
  hint: string;
  details: Record<string, unknown>;
}

/** Whether this session holds the lock for `key`. */
async function holdsLock(session: Session, key: string): Promise<boolean> {
  const result = await session.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((classid::bigint << 32) | objid::bigint) = ${key}::bigint) AS held`,
  );
  return result.rows[0]?.held === true;
}

/**
 * The first attempt, with `alongside` in the same round trip: its own
 * statement after the lock's, so it sees what the lock's previous holder
 * committed. Its result comes back when the lock was taken. When it fails
 * (its table does not exist yet …), pg_locks says whether the lock was;
 * session settings sent with it were rolled back with it (the connection
 * wrappers send them again).
 */
async function firstAttempt(session: Session, key: string, alongside: string): Promise<{ locked: boolean; alongside?: Alongside }> {
  let results: QueryResultLike<{ locked: boolean }> | QueryResultLike<unknown>[];
  try {
    results = await session.query(`SELECT pg_try_advisory_lock(${key}::bigint) AS locked;\n${alongside}`);
  } catch (error) {
    if ((error as { code?: string }).code === undefined) throw error; // not an answer from the server
    return { locked: await holdsLock(session, key), alongside: { error } };
  }
  if (!Array.isArray(results)) return { locked: results.rows[0]?.locked === true };
  const [lock, answer] = results as unknown as [QueryResultLike<{ locked: boolean }>, QueryResultLike<unknown>];
  return lock.rows[0]?.locked ? { locked: true, alongside: { result: answer } } : { locked: false };
}

/** Poll `pg_try_advisory_lock(key)` with back-off until taken; returns how long it waited. */
async function pollLock(session: Session, target: LockTarget, options: Omit<AcquireOptions, 'schema'>): Promise<{ waitedMs: number; alongside?: Alongside }> {
  const sleep = options.sleep ?? systemClock.sleep;
  const now = options.now ?? systemClock.now;
  const started = now();
  let delay = 25;
  let lastReport = -Infinity;
  for (let attempt = 0; ; attempt++) {
    if (attempt === 0 && options.alongside !== undefined) {
      const first = await firstAttempt(session, target.key, options.alongside);
      if (first.locked) return { waitedMs: now() - started, ...(first.alongside ? { alongside: first.alongside } : {}) };
    } else {
      // The key is our own number, inlined: a parameterless query can share its round trip.
      const result = await session.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${target.key}::bigint) AS locked`);
      if (result.rows[0]?.locked) return { waitedMs: now() - started };
    }
    const waited = now() - started;
    const timedOut = options.lockWaitMs !== undefined && waited >= options.lockWaitMs;
    if (timedOut || now() - lastReport >= (options.reportEveryMs ?? 2000)) {
      const holders = await lockHolders(session, target.key);
      if (timedOut) {
        throw new CutoverError('LOCK_WAIT_TIMEOUT', `gave up waiting for ${target.what} after ${formatDuration(waited)}: held by ${describeHolders(holders)}`, {
          hint: target.hint,
          details: { ...target.details, waitedMs: waited, holders },
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
 * Take the schema's migration lock on `session`, polling with back-off.
 * Returns how long it waited. Throws LOCK_WAIT_TIMEOUT naming the holder.
 *
 * @example
 * await acquireLock(client, { schema: 'public', lockWaitMs: 60_000 });
 * try { … } finally { await releaseLock(client, 'public'); }
 */
export async function acquireLock(session: Session, options: AcquireOptions): Promise<number> {
  const { alongside: _alongside, ...plain } = options;
  return (await schemaLock(session, plain)).waitedMs;
}

function schemaLock(session: Session, options: AcquireOptions): Promise<{ waitedMs: number; alongside?: Alongside }> {
  return pollLock(session, {
    key: lockKey(options.schema),
    what: `the migration lock on schema "${options.schema}"`,
    hint: 'Another cutover run is migrating this schema. Wait for it to finish, raise --lock-wait, or, if that session is stuck, end it with SELECT pg_terminate_backend(<pid>).',
    details: { schema: options.schema },
  }, options);
}

/**
 * Take sqlx's migration lock for the session's database (polling, never
 * blocking). Returns the key (to release) and how long it waited.
 *
 * @example
 * const { key } = await acquireSqlxLock(client, { schema: 'public' });
 * try { … } finally { await releaseSqlxLock(client, key); }
 */
export async function acquireSqlxLock(session: Session, options: AcquireOptions): Promise<{ key: string; waitedMs: number }> {
  const database = (await session.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
  const key = sqlxLockKey(database);
  const { waitedMs } = await pollLock(session, {
    key,
    what: `sqlx's migration lock on database "${database}"`,
    hint: 'A service running sqlx::migrate! (or a cutover run with --ledger sqlx on another schema of this database) is migrating it. Wait for it to finish, raise --lock-wait, or, if that session is stuck, end it with SELECT pg_terminate_backend(<pid>).',
    details: { schema: options.schema, database, lock: 'sqlx' },
  }, { ...options, alongside: undefined });
  return { key, waitedMs };
}

/** Release sqlx's lock taken by {@link acquireSqlxLock}. */
export async function releaseSqlxLock(session: Session, key: string): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1)', [key]);
}

/** The locks of a run: the schema's own and, with the sqlx ledger, sqlx's. */
export interface MigrationLocks {
  waitedMs: number;
  /** What became of `alongside`, when it came with the lock. */
  alongside?: Alongside;
  /**
   * Statements releasing them all, newest first, for a round trip the run makes anyway (its
   * last commit's); once they ran, say so with {@link MigrationLocks.released}.
   */
  readonly unlockSql: readonly string[];
  /** The unlock statements ran: {@link MigrationLocks.release} has nothing left to do. */
  released(): void;
  /** Release them all, newest first (in `finally`), unless they were released already. */
  release(): Promise<void>;
}

/** The unlock of `key`; the key is our own number, inlined, so that it can share a round trip. */
const unlockSql = (key: string) => `SELECT pg_advisory_unlock(${key}::bigint)`;

/** Locks released by `release`, or by their unlock statements sent elsewhere. */
function held(waitedMs: number, keys: readonly string[], session: Session, alongside?: Alongside): MigrationLocks {
  let done = false;
  return {
    waitedMs,
    ...(alongside ? { alongside } : {}),
    unlockSql: keys.map(unlockSql),
    released: () => { done = true; },
    release: async () => {
      // Each in turn, newest first; the first failure is thrown once the rest were tried.
      const failures: unknown[] = [];
      for (const key of done ? [] : keys) await session.query(unlockSql(key)).catch((error: unknown) => failures.push(error));
      done = true;
      if (failures.length > 0) throw failures[0];
    },
  };
}

/**
 * Take every lock a run on `schema` needs: the schema's, then (ledger
 * `sqlx`) sqlx's, within one `lockWaitMs`. A failure releases what was taken.
 *
 * @example
 * const locks = await acquireMigrationLocks(client, { schema: 'public', ledger: 'sqlx' });
 * try { … } finally { await locks.release(); }
 */
export async function acquireMigrationLocks(
  session: Session,
  options: Omit<AcquireOptions, 'onWait'> & { ledger?: 'cutover' | 'sqlx' | undefined; onWait?: (wait: { waitedMs: number; holders: LockHolder[]; lock?: 'sqlx' }) => void },
): Promise<MigrationLocks> {
  // With sqlx's lock to take after the schema's, nothing goes alongside (it would not be under both).
  const { alongside: _alongside, ...plain } = options;
  const first = await schemaLock(session, { ...(options.ledger === 'sqlx' ? plain : options), onWait: (wait) => options.onWait?.(wait) });
  const schemaKey = lockKey(options.schema);
  if (options.ledger !== 'sqlx') return held(first.waitedMs, [schemaKey], session, first.alongside);
  try {
    const sqlx = await acquireSqlxLock(session, {
      ...options,
      ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: Math.max(0, options.lockWaitMs - first.waitedMs) }),
      onWait: (wait) => options.onWait?.({ ...wait, lock: 'sqlx' }),
    });
    return held(first.waitedMs + sqlx.waitedMs, [sqlx.key, schemaKey], session);
  } catch (error) {
    await releaseLock(session, options.schema).catch(() => {});
    throw error;
  }
}

/**
 * Release the lock (in `finally`). A failure here is reported, and the caller
 * closes the connection, which releases it too.
 */
export async function releaseLock(session: Session, schema: string): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1)', [lockKey(schema)]);
}
