/**
 * Locks on live tables against a real Postgres (DESIGN §1 "Locks on live
 * tables"): a migration blocked by another session's lock gives up after
 * lock_timeout, retries the whole transaction, succeeds once the blocker
 * ends or fails naming it, and never holds the application's traffic in the
 * lock queue for longer than lock_timeout.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CutoverError, migrate, type RunEvent } from '../src/index.js';
import { ident } from '../src/db/sql.js';
import { cli, migrationsDir } from './support/cli.js';
import { query, testSchema } from './support/db.js';
import { database, session, until } from './support/fixtures.js';

/** A session and its backend pid. */
async function withPid(url: string, applicationName: string): Promise<{ client: pg.Client; pid: number }> {
  const client = await session(url, applicationName);
  return { client, pid: (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid };
}

/** A fresh database with table `t` (three rows) in the test schema, and a migration that alters it. */
async function setup(): Promise<{ url: string; schema: string; table: string; dir: string }> {
  const db = { url: await database() };
  const schema = testSchema();
  const table = `${ident(schema)}.t`;
  await query(db.url, `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  await query(db.url, `CREATE TABLE ${table} (id int PRIMARY KEY); INSERT INTO ${table} VALUES (1), (2), (3)`);
  const dir = await migrationsDir({ '0001_t_note.sql': 'ALTER TABLE t ADD COLUMN note text;\n' });
  return { url: db.url, schema, table, dir };
}

async function ledger(url: string, schema: string): Promise<{ version: string; state: string }[]> {
  const [table] = await query<{ exists: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${ident(schema)}.cutover_migrations`]);
  if (!table!.exists) return [];
  return query<{ version: string; state: string }>(url, `SELECT version, state FROM ${ident(schema)}.cutover_migrations ORDER BY version`);
}

async function columns(url: string, schema: string): Promise<string[]> {
  const result = await query<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 't' ORDER BY ordinal_position", [schema]);
  return result.map((r) => r.column_name);
}

/** How pg_locks / format('%I.%I') name the table. */
function relationName(schema: string): string {
  return `${/^[a-z_][a-z0-9_]*$/.test(schema) ? schema : ident(schema)}.t`;
}

/** Fast retries so a test does not sit in back-off. */
const FAST = { lockTimeoutMs: 200, retryDelayMs: 50, retryDelayMaxMs: 200 };

describe('a migration blocked by a lock on a live table', () => {
  it('is retried after lock_timeout and succeeds once the blocker ends', async () => {
    const { url, schema, table, dir } = await setup();
    const blocker = await withPid(url, 'test blocker');
    await blocker.client.query('BEGIN');
    await blocker.client.query(`LOCK TABLE ${table} IN ACCESS SHARE MODE`);

    const events: RunEvent[] = [];
    let released: Promise<unknown> | undefined;
    const report = await migrate({
      url, schema, dir, ...FAST, lockRetries: 50,
      onEvent: (event) => {
        events.push(event);
        // End the blocker after the first retry: the next attempt gets the lock.
        if (event.type === 'migration-retrying' && !released) released = blocker.client.query('ROLLBACK');
      },
    });
    await released;

    const retries = events.filter((e) => e.type === 'migration-retrying');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({
      schema, attempt: 1, migration: { version: '1', file: '0001_t_note.sql' },
      blockers: [{ pid: blocker.pid, applicationName: 'test blocker', mode: 'AccessShareLock', relation: relationName(schema), query: expect.stringContaining('LOCK TABLE') }],
    });
    expect(report.applied).toEqual([expect.objectContaining({ attempts: retries.length + 1 })]);
    expect(events.filter((e) => e.type === 'migration-started')).toHaveLength(retries.length + 1);
    expect(events.at(-1)).toMatchObject({ type: 'migration-finished', attempts: retries.length + 1 });

    expect(await ledger(url, schema)).toEqual([{ version: '1', state: 'applied' }]);
    expect(await columns(url, schema)).toEqual(['id', 'note']);
  }, 30_000);

  it('with the default settings: lock_timeout ramps from 100 ms to 500 ms and never above, and the migration lands once the reader ends', async () => {
    // Issue 16, defect 4: the default was 5 s, stalling the app's requests queued behind the ALTER for 5 s at a time.
    const { url, schema, table, dir } = await setup();
    const blocker = await withPid(url, 'test long read');
    await blocker.client.query('BEGIN');
    await blocker.client.query(`SELECT count(*) FROM ${table}`);
    const events: RunEvent[] = [];
    let released: Promise<unknown> | undefined;
    const report = await migrate({
      url, schema, dir,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'migration-retrying' && event.attempt === 6 && !released) released = blocker.client.query('COMMIT');
      },
    });
    await released;
    const retries = events.flatMap((e) => (e.type === 'migration-retrying' ? [e] : []));
    expect(retries.slice(0, 6).map((e) => e.lockTimeoutMs)).toEqual([100, 100, 200, 300, 400, 500]);
    expect(Math.max(...retries.map((e) => e.lockTimeoutMs))).toBe(500);
    // The sleeps grow (each is its base times a factor in [0.5, 1)).
    retries.slice(0, 6).forEach((e, i) => expect(e.delayMs).toBeLessThanOrEqual(50 * 2 ** i));
    expect(report.applied).toEqual([expect.objectContaining({ attempts: retries.length + 1 })]);
    expect(await ledger(url, schema)).toEqual([{ version: '1', state: 'applied' }]);
  }, 60_000);

  it('fails with LOCK_TIMEOUT after its attempts, naming the blocker; nothing is recorded or changed', async () => {
    const { url, schema, table, dir } = await setup();
    const blocker = await withPid(url, 'test blocker');
    await blocker.client.query('BEGIN');
    await blocker.client.query(`LOCK TABLE ${table} IN ACCESS SHARE MODE`);

    const events: RunEvent[] = [];
    const error = await migrate({ url, schema, dir, ...FAST, lockRetries: 2, onEvent: (event) => events.push(event) }).then(
      () => expect.unreachable('the migration should have failed'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CutoverError);
    const failure = error as CutoverError;
    expect(failure.code).toBe('LOCK_TIMEOUT');
    expect(failure.exitCode).toBe(1);
    expect(failure.details).toMatchObject({
      version: '1', file: '0001_t_note.sql', sqlstate: '55P03', attempts: 3,
      blockers: [{ pid: blocker.pid, applicationName: 'test blocker', mode: 'AccessShareLock', relation: relationName(schema), query: expect.stringContaining('LOCK TABLE') }],
    });
    expect(failure.message).toContain(`pid ${blocker.pid}`);
    expect(failure.message).toContain(`LOCK TABLE ${table} IN ACCESS SHARE MODE`);
    expect(events.filter((e) => e.type === 'migration-retrying').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
    expect(events.at(-1)).toMatchObject({ type: 'migration-failed', migration: { version: '1' } });

    // The command line: exit 1, the blocker named on stderr.
    const run = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--lock-timeout', '200ms', '--lock-retries', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[LOCK_TIMEOUT]');
    expect(run.stderr).toContain(`pid ${blocker.pid}`);
    expect(run.stderr).toContain('LOCK TABLE');

    // Rolled back and not recorded: no ledger row, the table as it was.
    expect(await ledger(url, schema)).toEqual([]);
    expect(await columns(url, schema)).toEqual(['id']);
    expect(await query(url, `SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 3 }]);
    // The blocker was never disturbed.
    const state = await query(url, 'SELECT state FROM pg_stat_activity WHERE pid = $1', [blocker.pid]);
    expect(state).toEqual([{ state: 'idle in transaction' }]);
  }, 30_000);

  it('in a file of several statements, the error names the statement that waited', async () => {
    const { url, schema, table } = await setup();
    const dir = await migrationsDir({ '0001_two.sql': 'CREATE TABLE other (id int);\nALTER TABLE t ADD COLUMN note text;\n' });
    const blocker = await withPid(url, 'test blocker');
    await blocker.client.query('BEGIN');
    await blocker.client.query(`LOCK TABLE ${table} IN ACCESS SHARE MODE`);

    const events: RunEvent[] = [];
    const error = await migrate({ url, schema, dir, ...FAST, lockRetries: 1, onEvent: (event) => events.push(event) }).then(
      () => expect.unreachable('the migration should have failed'),
      (e: unknown) => e,
    );
    const failure = error as CutoverError;
    expect(failure.code).toBe('LOCK_TIMEOUT');
    expect(failure.details).toMatchObject({
      file: '0001_two.sql', line: 2, column: 1, statement: 2, sqlstate: '55P03', attempts: 2,
      blockers: [{ pid: blocker.pid, relation: relationName(schema) }],
    });
    expect(events.find((e) => e.type === 'migration-retrying')).toMatchObject({ blockers: [{ pid: blocker.pid }] });
    expect(await ledger(url, schema)).toEqual([]);
    expect(await query(url, 'SELECT to_regclass($1) IS NULL AS gone', [`${ident(schema)}.other`])).toEqual([{ gone: true }]);
  }, 30_000);

  it('does not queue the application\'s reads behind it for longer than lock_timeout', async () => {
    const { url, schema, table, dir } = await setup();
    // A long read transaction: holds ACCESS SHARE on t until it ends.
    const blocker = await withPid(url, 'test long read');
    await blocker.client.query('BEGIN');
    await blocker.client.query(`SELECT count(*) FROM ${table}`);
    const app = await withPid(url, 'test app');
    const monitor = await withPid(url, 'test monitor');

    const events: RunEvent[] = [];
    let finished = false;
    const migration = migrate({
      url, schema, dir, lockTimeoutMs: 500, lockRetries: 1000, retryDelayMs: 50, retryDelayMaxMs: 100,
      onEvent: (event) => events.push(event),
    }).finally(() => { finished = true; });
    migration.catch(() => {});

    // The migration's ACCESS EXCLUSIVE request, waiting in the lock queue.
    const waitingMigration = async () => {
      const result = await monitor.client.query(
        `SELECT pid FROM pg_locks WHERE relation = to_regclass($1) AND mode = 'AccessExclusiveLock' AND NOT granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [table],
      );
      return result.rows[0]?.pid as number | undefined;
    };

    // Send an application read while the migration waits; it queues behind the
    // migration's request, and must get through when lock_timeout cancels it.
    let queuedBehindMigration = false;
    for (let probe = 0; probe < 10 && !queuedBehindMigration; probe++) {
      const migrationPid = await until(waitingMigration);
      let done = false;
      const read = app.client.query(`SELECT count(*)::int AS n FROM ${table}`).finally(() => { done = true; });
      while (!done) {
        const blocking = await monitor.client.query('SELECT pg_blocking_pids($1) AS pids', [app.pid]);
        if ((blocking.rows[0].pids as number[]).includes(migrationPid)) queuedBehindMigration = true;
      }
      expect((await read).rows[0].n).toBe(3);
      // It got through while the long read still holds its lock and the migration has not finished.
      expect(finished).toBe(false);
      const blockerState = await monitor.client.query('SELECT state FROM pg_stat_activity WHERE pid = $1', [blocker.pid]);
      expect(blockerState.rows).toEqual([{ state: 'idle in transaction' }]);
    }
    expect(queuedBehindMigration).toBe(true);
    // The migration gave up its place in the queue and retries (the read got in as soon as it did).
    await until(async () => events.some((e) => e.type === 'migration-retrying'));
    expect(await ledger(url, schema)).toEqual([]);

    await blocker.client.query('COMMIT');
    const report = await migration;
    expect(report.applied).toHaveLength(1);
    expect(await ledger(url, schema)).toEqual([{ version: '1', state: 'applied' }]);
    expect(await columns(url, schema)).toEqual(['id', 'note']);
  }, 60_000);
});
