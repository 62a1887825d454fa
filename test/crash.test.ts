/**
 * A migrating process killed outright (SIGKILL: no `finally`, no unlock)
 * against a real Postgres (DESIGN §1 "Ledger", "Failure"): a transactional
 * migration leaves nothing behind, a no-transaction one is visible as
 * `failed` and blocks further runs until resolved, and the migration lock
 * goes away with the dead session.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { lockKey } from '../src/db/advisory-lock.js';
import { ident } from '../src/db/sql.js';
import { cli, migrationsDir, spawnCli } from './support/cli.js';
import { query, testSchema } from './support/db.js';
import { cleanup, database, session, until } from './support/fixtures.js';

interface LedgerRow { version: string; state: string; transactional: boolean; error: string | null }

async function ledger(url: string, schema: string): Promise<LedgerRow[] | undefined> {
  if (!(await exists(url, `${ident(schema)}.cutover_migrations`))) return undefined;
  return query<LedgerRow & Record<string, unknown>>(url, `SELECT version, state, transactional, error FROM ${ident(schema)}.cutover_migrations ORDER BY version::bigint`);
}

async function exists(url: string, name: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  return row!.exists;
}

/**
 * Start `cutover migrate` as a child, wait until its session runs `statement`,
 * SIGKILL it, then wait until the server has noticed: the backend is gone and
 * with it the schema's migration lock. Returns the dead backend's pid.
 */
async function killDuring(url: string, schema: string, dir: string, statement: string): Promise<number> {
  const watcher = await session(url, 'test monitor');
  const { child, done } = spawnCli(['migrate', '--url', url, '--schema', schema, '--dir', dir]);
  cleanup(() => child.kill('SIGKILL'));
  const pid = await until(async () => {
    const result = await watcher.query(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover migrate' AND state = 'active' AND query LIKE $1",
      [`%${statement}%`],
    );
    return result.rows[0]?.pid as number | undefined;
  });
  // While the statement runs, the dying process holds the schema's lock (advisory locks are per database).
  const locks = () => watcher.query(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [lockKey(schema)],
  );
  expect((await locks()).rows).toEqual([{ pid }]);

  child.kill('SIGKILL');
  const result = await done;
  expect(result.code).not.toBe(0);
  // The server notices the dead client once the statement ends; its session, and the lock, go.
  await until(async () => (await watcher.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0);
  // A backend leaves pg_stat_activity a moment before its locks leave pg_locks: wait for both.
  await until(async () => (await locks()).rows.length === 0);
  return pid;
}

describe('a migrating process killed with SIGKILL', () => {
  it('in a transactional migration: nothing half-applied, the ledger agrees with the schema, the rerun completes', async () => {
    const url = await database();
    const schema = testSchema();
    const dir = await migrationsDir({
      '0001_base.sql': 'CREATE TABLE base (id int);\n',
      // A statement follows the sleep: the kill lands while the transaction is open.
      '0002_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(3);\nINSERT INTO slow VALUES (1);\n',
    });

    await killDuring(url, schema, dir, 'pg_sleep(3)');

    // The whole transaction went in one round trip (issue 19.2), COMMIT included: the server may
    // finish it after the client is gone. Either way it is all or nothing, with its ledger row.
    const slow = await exists(url, `${ident(schema)}.slow`);
    expect(await ledger(url, schema)).toEqual([
      { version: '1', state: 'applied', transactional: true, error: null },
      ...(slow ? [{ version: '2', state: 'applied', transactional: true, error: null }] : []),
    ]);
    expect(await exists(url, `${ident(schema)}.base`)).toBe(true);
    if (slow) expect(await query(url, `SELECT id FROM ${ident(schema)}.slow`)).toEqual([{ id: 1 }]);

    const rerun = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir]);
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    expect(await ledger(url, schema)).toEqual([
      { version: '1', state: 'applied', transactional: true, error: null },
      { version: '2', state: 'applied', transactional: true, error: null },
    ]);
    expect(await query(url, `SELECT id FROM ${ident(schema)}.slow`)).toEqual([{ id: 1 }]);
  }, 60_000);

  it('during the last statement of a transactional migration: all or nothing, and the rerun settles it', async () => {
    const url = await database();
    const schema = testSchema();
    // The statements share their round trip with the ledger row and COMMIT,
    // so the server may still commit after the client is gone: either way the
    // table and the ledger row must agree.
    const dir = await migrationsDir({ '0001_last.sql': 'CREATE TABLE last_one (id int);\nSELECT pg_sleep(2);\n' });

    await killDuring(url, schema, dir, 'pg_sleep(2)');

    const recorded = ((await ledger(url, schema)) ?? []).filter((r) => r.version === '1');
    const created = await exists(url, `${ident(schema)}.last_one`);
    expect(recorded.map((r) => r.state)).toEqual(created ? ['applied'] : []);

    const rerun = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir]);
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    expect(await ledger(url, schema)).toEqual([{ version: '1', state: 'applied', transactional: true, error: null }]);
    expect(await exists(url, `${ident(schema)}.last_one`)).toBe(true);
  }, 60_000);

  const noTransactionFiles = {
    '0001_items.sql': 'CREATE TABLE items (id int, v text);\nINSERT INTO items SELECT g, g::text FROM generate_series(1, 100) AS g;\n',
    '0002_items_v.sql': '-- cutover:no-transaction\nSELECT pg_sleep(3);\nCREATE INDEX CONCURRENTLY items_v_idx ON items (v);\n',
    '0003_after.sql': 'CREATE TABLE after_index (id int);\n',
  };

  async function killNoTransaction(): Promise<{ url: string; schema: string; dir: string }> {
    const url = await database();
    const schema = testSchema();
    const dir = await migrationsDir(noTransactionFiles);
    await killDuring(url, schema, dir, 'pg_sleep(3)');

    // Recorded before it ran: visible as failed.
    const rows = await ledger(url, schema);
    expect(rows).toEqual([
      { version: '1', state: 'applied', transactional: true, error: null },
      { version: '2', state: 'failed', transactional: false, error: expect.stringContaining('did not finish') },
    ]);
    expect(await exists(url, `${ident(schema)}.items_v_idx`)).toBe(false);
    expect(await exists(url, `${ident(schema)}.after_index`)).toBe(false);

    // Further runs refuse, and touch nothing.
    const refused = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'UNRESOLVED_FAILURE', version: '2', file: '0002_items_v.sql' } });
    expect(refused.stderr).toContain('cutover resolve 2');
    expect(await ledger(url, schema)).toEqual(rows);
    expect(await exists(url, `${ident(schema)}.after_index`)).toBe(false);
    return { url, schema, dir };
  }

  it('in a no-transaction migration: recorded failed, runs refuse until resolve --rolled-back, then it runs again', async () => {
    const { url, schema, dir } = await killNoTransaction();

    const resolved = await cli(['resolve', '2', '--rolled-back', '--reason', 'killed before the index was built', '--url', url, '--schema', schema, '--dir', dir]);
    expect(resolved, resolved.stderr).toMatchObject({ code: 0 });
    expect(await ledger(url, schema)).toEqual([{ version: '1', state: 'applied', transactional: true, error: null }]);
    const audit = await query(url, `SELECT version, action, reason FROM ${ident(schema)}.cutover_audit`);
    expect(audit).toEqual([{ version: '2', action: 'resolve --rolled-back', reason: 'killed before the index was built' }]);

    const rerun = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir]);
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    expect((await ledger(url, schema))!.map((r) => [r.version, r.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['3', 'applied']]);
    const index = await query(url, 'SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)', [`${ident(schema)}.items_v_idx`]);
    expect(index).toEqual([{ indisvalid: true }]);
    expect(await exists(url, `${ident(schema)}.after_index`)).toBe(true);
  }, 60_000);

  it('in a no-transaction migration: resolve --applied after finishing it by hand, then the rest runs', async () => {
    const { url, schema, dir } = await killNoTransaction();

    await query(url, `CREATE INDEX CONCURRENTLY items_v_idx ON ${ident(schema)}.items (v)`);
    const resolved = await cli(['resolve', '2', '--applied', '--url', url, '--schema', schema, '--dir', dir]);
    expect(resolved, resolved.stderr).toMatchObject({ code: 0 });
    expect((await ledger(url, schema))!.map((r) => [r.version, r.state, r.error])).toEqual([['1', 'applied', null], ['2', 'applied', null]]);

    const rerun = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    // Only the rest ran: the resolved migration was not run again.
    expect(JSON.parse(rerun.stdout).applied.map((a: { migration: { version: string } }) => a.migration.version)).toEqual(['3']);
    expect((await ledger(url, schema))!.map((r) => [r.version, r.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['3', 'applied']]);
    expect(await exists(url, `${ident(schema)}.after_index`)).toBe(true);
  }, 60_000);
});

/** The CLI's backend for the migration, and when it waits in CREATE INDEX CONCURRENTLY. */
async function cicBackend(watcher: pg.Client): Promise<number> {
  return until(async () => {
    const result = await watcher.query(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover migrate' AND query LIKE '%CONCURRENTLY%' AND wait_event_type = 'Lock'",
    );
    return result.rows[0]?.pid as number | undefined;
  });
}

async function indexValid(url: string, schema: string, name: string): Promise<boolean | undefined> {
  const [row] = await query<{ valid: boolean }>(url, 'SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)', [`${ident(schema)}.${ident(name)}`]);
  return row?.valid;
}

describe('a crash during CREATE INDEX CONCURRENTLY (issue 16, defect 5)', () => {
  const files = {
    '0001_items.sql': 'CREATE TABLE items (id int PRIMARY KEY, v text);\nINSERT INTO items SELECT g, g::text FROM generate_series(1, 100) AS g;\n',
    '0002_items_v.sql': '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS items_v_idx ON items (v);\n',
  };

  /** Apply 0001, then start 0002 while a writer holds the table: the build waits, its INVALID index already in the catalog. */
  async function waitingBuild() {
    const url = await database();
    const schema = testSchema();
    const dir = await migrationsDir(files);
    expect(await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--to', '1'])).toMatchObject({ code: 0 });
    const writer = await session(url, 'test writer');
    await writer.query('BEGIN');
    await writer.query(`UPDATE ${ident(schema)}.items SET v = v WHERE id = 1`);
    const watcher = await session(url, 'test monitor');
    const { child, done } = spawnCli(['migrate', '--url', url, '--schema', schema, '--dir', dir]);
    cleanup(() => child.kill('SIGKILL'));
    const pid = await cicBackend(watcher);
    expect(await indexValid(url, schema, 'items_v_idx')).toBe(false);
    return { url, schema, dir, writer, watcher, child, done, pid };
  }

  it('cut off half-way: the documented recovery (resolve --rolled-back, migrate) rebuilds the INVALID index, never records it applied', async () => {
    const { url, schema, dir, writer, watcher, child, done, pid } = await waitingBuild();
    child.kill('SIGKILL');
    await done;
    await watcher.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(async () => (await watcher.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0);
    await writer.query('COMMIT');
    expect(await indexValid(url, schema, 'items_v_idx')).toBe(false);

    const refused = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'UNRESOLVED_FAILURE', version: '2' } });
    expect(await cli(['resolve', '2', '--rolled-back', '--url', url, '--schema', schema, '--dir', dir])).toMatchObject({ code: 0 });
    const rerun = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir]);
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    expect(await indexValid(url, schema, 'items_v_idx')).toBe(true);
    expect((await ledger(url, schema))!.map((r) => [r.version, r.state])).toEqual([['1', 'applied'], ['2', 'applied']]);
  }, 60_000);

  it('killed while the build went on to finish: the next run recognises it as done (valid index, same definition)', async () => {
    const { url, schema, dir, writer, watcher, child, done, pid } = await waitingBuild();
    child.kill('SIGKILL');
    await done;
    // The backend does not notice its client is gone while it waits: the build finishes once the writer commits.
    await writer.query('COMMIT');
    await until(async () => (await watcher.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0);
    expect(await indexValid(url, schema, 'items_v_idx')).toBe(true);
    expect((await ledger(url, schema))!.map((r) => [r.version, r.state])).toEqual([['1', 'applied'], ['2', 'failed']]);

    const rerun = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(rerun.stdout).recognized).toEqual([expect.objectContaining({ version: '2', file: '0002_items_v.sql' })]);
    expect(rerun.stderr).toContain('recorded 0002_items_v.sql as applied');
    expect((await ledger(url, schema))!.map((r) => [r.version, r.state, r.error])).toEqual([['1', 'applied', null], ['2', 'applied', null]]);
    expect(await query(url, `SELECT version, action FROM ${ident(schema)}.cutover_audit`)).toEqual([{ version: '2', action: 'recognised applied' }]);
  }, 60_000);

  it('an index of the same name but another definition is not taken for the migration\'s', async () => {
    const url = await database();
    const schema = testSchema();
    const dir = await migrationsDir(files);
    expect(await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--to', '1'])).toMatchObject({ code: 0 });
    await query(url, `CREATE INDEX items_v_idx ON ${ident(schema)}.items (id)`);
    await query(url, `INSERT INTO ${ident(schema)}.cutover_migrations (version, name, phase, checksum, state, applied_by, transactional, failed_statement, error)
      SELECT '2', 'items_v', 'pre', checksum, 'failed', 'test', false, 0, 'started and did not finish' FROM (SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS checksum) AS c`, [files['0002_items_v.sql']]);
    const refused = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'UNRESOLVED_FAILURE', version: '2' } });
  }, 60_000);
});

describe('SIGTERM and SIGINT (issue 16, defect 5)', () => {
  async function signalDuring(signal: NodeJS.Signals, files: Record<string, string>) {
    const url = await database();
    const schema = testSchema();
    const dir = await migrationsDir(files);
    const watcher = await session(url, 'test monitor');
    const { child, done } = spawnCli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    cleanup(() => child.kill('SIGKILL'));
    await until(async () => (await watcher.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover migrate' AND query LIKE '%pg_sleep(30)%' AND state = 'active'")).rowCount);
    child.kill(signal);
    const result = await done;
    // No session of the run is left, and with it no lock.
    // Other test files run in other databases of the same server: only this one's sessions and locks count.
    await until(async () => (await watcher.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover migrate'")).rowCount === 0);
    const locks = await watcher.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND ((classid::bigint << 32) | objid::bigint) = $1::bigint
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [lockKey(schema)],
    );
    expect(locks.rowCount).toBe(0);
    return { url, schema, result };
  }

  it('SIGTERM in a transactional migration: the statement is cancelled, rolled back, not recorded; INTERRUPTED, exit 1', async () => {
    const { url, schema, result } = await signalDuring('SIGTERM', {
      '0001_base.sql': 'CREATE TABLE base (id int);\n',
      '0002_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n',
    });
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'INTERRUPTED', signal: 'SIGTERM' });
    expect((await ledger(url, schema))!.map((r) => [r.version, r.state])).toEqual([['1', 'applied']]);
    expect(await exists(url, `${ident(schema)}.slow`)).toBe(false);
  }, 60_000);

  it('SIGINT in a no-transaction migration: recorded failed at the statement it reached, saying so', async () => {
    const { url, schema, result } = await signalDuring('SIGINT', {
      '0001_nt.sql': '-- cutover:no-transaction\nCREATE TABLE first_part (id int);\nSELECT pg_sleep(30);\nCREATE TABLE never (id int);\n',
    });
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'INTERRUPTED', signal: 'SIGINT' });
    const rows = await query<{ state: string; failed_statement: number; error: string }>(url, `SELECT state, failed_statement, error FROM ${ident(schema)}.cutover_migrations`);
    expect(rows).toEqual([{ state: 'failed', failed_statement: 2, error: expect.stringContaining('SIGINT') }]);
    expect(await exists(url, `${ident(schema)}.first_part`)).toBe(true);
    expect(await exists(url, `${ident(schema)}.never`)).toBe(false);
  }, 60_000);
});
