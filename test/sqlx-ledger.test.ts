/**
 * `--ledger sqlx` against a real Postgres (issue 7, "Live beside sqlx";
 * docs/sqlx-ledger.md): cutover reads and writes `_sqlx_migrations` as sqlx
 * does, checked both ways against a line-by-line emulation of sqlx's migrator
 * (test/support/sqlx-emulator.ts): sqlx's rows are accepted by cutover, and
 * cutover's by sqlx (checksums, CRLF files, the failed state and its
 * resolution, rollback), and the two wait for each other's lock.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/api.js';
import { migrateFleet } from '../src/fleet/api.js';
import { sqlxLockKey } from '../src/db/advisory-lock.js';
import { ident } from '../src/db/sql.js';
import type { RunEvent } from '../src/run/events.js';
import { cli, migrationsDir } from './support/cli.js';
import { freshDatabase, query, testSchema } from './support/db.js';
import * as sqlx from './support/sqlx-emulator.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const clients: pg.Client[] = [];

beforeEach(async () => {
  db = await freshDatabase();
  // sqlx creates no schema: the app's search_path names one that exists.
  await query(db.url, `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  await db.drop();
});

/** A session as a Rust service's pool gives sqlx: search_path pinned to the app's schema. */
async function session(applicationName = 'sqlx emulator', closedByCaller = false): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url, application_name: applicationName });
  await client.connect();
  if (!closedByCaller) clients.push(client);
  await client.query(`SET search_path TO ${ident(schema)}`);
  return client;
}

/** `sqlx::migrate!(dir).run(&pool)` on a session of its own, closed after (an error keeps nothing locked). */
async function runSqlx(dir: string, options: sqlx.MigratorOptions = {}): Promise<bigint[]> {
  const client = await session('sqlx emulator', true);
  try {
    return await sqlx.run(client, sqlx.resolveMigrations(dir), options);
  } finally {
    await client.end();
  }
}

/** What the emulated sqlx refuses with, or 'ok'. */
async function sqlxVerdict(dir: string): Promise<string> {
  try {
    const applied = await runSqlx(dir);
    return applied.length === 0 ? 'ok' : `applied ${applied.join(', ')}`;
  } catch (error) {
    return (error as Error).message.split(':')[0]!;
  }
}

/** The CLI with --ledger sqlx against this test's database and schema, with `--json`. */
async function cutover(dir: string, ...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--ledger', 'sqlx', '--json']);
  const json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  return { ...result, json, error: json?.error };
}

type SqlxRow = { version: string; description: string; success: boolean; checksum: string; execution_time: string; installed_on: Date };

async function sqlxRows(): Promise<SqlxRow[]> {
  return query<SqlxRow>(db.url, `SELECT version::text, description, success, encode(checksum, 'hex') AS checksum, execution_time::text, installed_on FROM ${ident(schema)}._sqlx_migrations ORDER BY version`);
}

async function tableExists(table: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(db.url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${ident(schema)}.${ident(table)}`]);
  return row!.exists;
}

const sha384 = (contents: string | Buffer) => createHash('sha384').update(contents).digest('hex');
const appliedVersions = (json: { applied: { migration: { version: string } }[] }) => json.applied.map((a) => a.migration.version);

const FILES = {
  '20240101000000_create_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n',
  '20240102000000_add_name.up.sql': 'ALTER TABLE users ADD COLUMN name text;\n',
  '20240102000000_add_name.down.sql': 'ALTER TABLE users DROP COLUMN name;\n',
  '20240103000000_index_email.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
  '20240104000000_notes.sql': '-- cutover:phase post\nCREATE TABLE notes (id bigint, body text);\n',
};

describe('rows written by sqlx are accepted by cutover --ledger sqlx', () => {
  it('applies only what sqlx has not, and sqlx then finds nothing to do', async () => {
    const dir = await migrationsDir({ '20240101000000_create_users.sql': FILES['20240101000000_create_users.sql'], '20240102000000_add_name.up.sql': FILES['20240102000000_add_name.up.sql'], '20240102000000_add_name.down.sql': FILES['20240102000000_add_name.down.sql'] });
    expect(await runSqlx(dir)).toEqual([20240101000000n, 20240102000000n]);
    const before = await sqlxRows();

    // A newer release adds two files; cutover's CLI applies them beside the service.
    await writeFile(join(dir, '20240103000000_index_email.sql'), FILES['20240103000000_index_email.sql']);
    await writeFile(join(dir, '20240104000000_notes.sql'), FILES['20240104000000_notes.sql']);
    const planned = await cutover(dir, 'plan');
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.json.planned.map((p: { version: string }) => p.version)).toEqual(['20240103000000', '20240104000000']);
    const run = await cutover(dir, 'migrate');
    expect(run.code, run.stderr).toBe(0);
    expect(appliedVersions(run.json)).toEqual(['20240103000000', '20240104000000']);
    expect(run.json.applied.map((a: { migration: { phase: string; transaction: boolean } }) => [a.migration.phase, a.migration.transaction])).toEqual([['pre', false], ['post', true]]);

    const after = await sqlxRows();
    expect(after.slice(0, 2)).toEqual(before); // sqlx's rows untouched
    expect(after.slice(2).map((r) => [r.version, r.description, r.success])).toEqual([
      ['20240103000000', 'index email', true],
      ['20240104000000', 'notes', true],
    ]);
    for (const row of after.slice(2)) expect(BigInt(row.execution_time)).toBeGreaterThan(0n); // nanoseconds
    expect(after[2]!.checksum).toBe(sha384(FILES['20240103000000_index_email.sql']));

    expect(await sqlxVerdict(dir)).toBe('ok');
    const status = await cutover(dir, 'status');
    expect(status.code).toBe(0);
    expect(status.json.entries.map((e: { state: string; phase: string }) => [e.state, e.phase])).toEqual([['applied', 'pre'], ['applied', 'pre'], ['applied', 'pre'], ['applied', 'post']]);
    expect(status.json.errors).toEqual([]);
  });

  it('takes phases from the files: a post migration sqlx applied still counts as post', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n', '3_b.sql': '-- cutover:phase post\nCREATE TABLE b (id int);\n' });
    await runSqlx(dir);
    // A pre migration numbered below the applied post one is not out of order: phases have their own order.
    await writeFile(join(dir, '2_c.sql'), 'CREATE TABLE c (id int);\n');
    const run = await cutover(dir, 'migrate', '--phase', 'pre');
    expect(run.code, run.stderr).toBe(0);
    expect(appliedVersions(run.json)).toEqual(['2']);
  });

  it('refuses a file sqlx applied and that was edited since (sqlx\'s VersionMismatch), until resolve --checksum, after which sqlx accepts it too', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n' });
    await runSqlx(dir);
    await writeFile(join(dir, '1_users.sql'), '-- the users\nCREATE TABLE users (id int);\n');
    expect(await sqlxVerdict(dir)).toBe('VersionMismatch(1)');
    const refused = await cutover(dir, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'CHECKSUM_MISMATCH', version: '1', file: '1_users.sql' });

    const resolved = await cutover(dir, 'resolve', '1', '--checksum', '--reason', 'a comment');
    expect(resolved.code, resolved.stderr).toBe(0);
    expect((await sqlxRows())[0]!.checksum).toBe(sha384('-- the users\nCREATE TABLE users (id int);\n'));
    expect(await sqlxVerdict(dir)).toBe('ok');
    const [audit] = await query<{ action: string; reason: string }>(db.url, `SELECT action, reason FROM ${ident(schema)}.cutover_audit`);
    expect(audit).toEqual({ action: 'resolve --checksum', reason: 'a comment' });
  });
});

describe('rows written by cutover --ledger sqlx are accepted by sqlx', () => {
  it('sqlx finds no mismatch, nothing dirty and nothing to apply; the table is sqlx\'s own', async () => {
    const dir = await migrationsDir(FILES);
    const run = await cutover(dir, 'migrate');
    expect(run.code, run.stderr).toBe(0);
    expect(appliedVersions(run.json)).toHaveLength(4);
    expect(await tableExists('cutover_migrations')).toBe(false);

    const rows = await sqlxRows();
    const resolved = sqlx.resolveMigrations(dir).filter((m) => m.migrationType !== 'ReversibleDown');
    expect(rows.map((r) => [r.version, r.description, r.checksum, r.success])).toEqual(resolved.map((m) => [m.version.toString(), m.description, m.checksum.toString('hex'), true]));
    expect(await sqlxVerdict(dir)).toBe('ok');

    // The same table as sqlx makes: sqlx creates it in a second schema, and the columns compare equal.
    await query(db.url, 'CREATE SCHEMA sqlx_reference');
    const reference = new pg.Client({ connectionString: db.url });
    await reference.connect();
    clients.push(reference);
    await reference.query('SET search_path TO sqlx_reference');
    await sqlx.run(reference, []);
    const columns = (s: string) => query(db.url, `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = '_sqlx_migrations' ORDER BY ordinal_position`, [s]);
    expect(await columns(schema)).toEqual(await columns('sqlx_reference'));
    const primaryKey = (s: string) => query(db.url, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indisprimary AND i.indrelid = to_regclass($1)`, [`${ident(s)}._sqlx_migrations`]);
    expect(await primaryKey(schema)).toEqual(await primaryKey('sqlx_reference'));
  });

  it('a rolled-back reversible migration loses its row (as sqlx\'s revert deletes it), and sqlx applies it again', async () => {
    const dir = await migrationsDir({
      '1_users.sql': 'CREATE TABLE users (id int);\n',
      '2_add_name.up.sql': 'ALTER TABLE users ADD COLUMN name text;\n',
      '2_add_name.down.sql': 'ALTER TABLE users DROP COLUMN name;\n',
    });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    const rolled = await cutover(dir, 'rollback', '--to', '1');
    expect(rolled.code, rolled.stderr).toBe(0);
    expect((await sqlxRows()).map((r) => r.version)).toEqual(['1']);
    const [audit] = await query<{ version: string; action: string }>(db.url, `SELECT version, action FROM ${ident(schema)}.cutover_audit`);
    expect(audit).toEqual({ version: '2', action: 'rollback' });

    expect(await runSqlx(dir)).toEqual([2n]);
    const status = await cutover(dir, 'status');
    expect(status.json.entries.map((e: { state: string }) => e.state)).toEqual(['applied', 'applied']);
    // And sqlx's own revert is read back by cutover the same way.
    const client = await session();
    expect(await sqlx.undo(client, sqlx.resolveMigrations(dir), 1n)).toEqual([2n]);
    expect((await cutover(dir, 'status')).json.entries.map((e: { state: string }) => e.state)).toEqual(['applied', 'pending']);
  });
});

describe('checksums are sqlx\'s: SHA-384 of the raw file', () => {
  it('a CRLF file gets the same checksum from cutover as from sqlx, in both directions', async () => {
    const crlf = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'));
    const dir = await migrationsDir({ '1_users.sql': crlf('CREATE TABLE users (id int);\n') });
    await runSqlx(dir); // sqlx writes 1
    await writeFile(join(dir, '2_notes.sql'), crlf('CREATE TABLE notes (id int);\nCREATE TABLE more_notes (id int);\n'));
    const run = await cutover(dir, 'migrate'); // cutover accepts 1 (not "edited") and writes 2
    expect(run.code, run.stderr).toBe(0);
    expect(appliedVersions(run.json)).toEqual(['2']);
    const [one, two] = await sqlxRows();
    expect(one!.checksum).toBe(sha384(crlf('CREATE TABLE users (id int);\n')));
    expect(two!.checksum).toBe(sqlx.resolveMigrations(dir)[1]!.checksum.toString('hex'));
    // Not cutover's own rule, which normalises CRLF.
    expect(two!.checksum).not.toBe(sha384('CREATE TABLE notes (id int);\nCREATE TABLE more_notes (id int);\n'));
    expect(await sqlxVerdict(dir)).toBe('ok');
  });

  it('refuses, before touching the database, a no-transaction marker sqlx does not read, and a layout whose versions are not numbers', async () => {
    const dir = await migrationsDir({ '1_idx.sql': '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n' });
    const marker = await cutover(dir, 'migrate');
    expect(marker.code).toBe(2);
    expect(marker.error).toMatchObject({ code: 'BAD_DIRECTIVE', file: '1_idx.sql', line: 1 });
    expect(marker.error.hint).toContain('-- no-transaction');
    expect(await tableExists('_sqlx_migrations')).toBe(false);

    const flyway = await cli(['migrate', '--url', db.url, '--schema', schema, '--dir', dir, '--ledger', 'sqlx', '--format', 'flyway', '--json']);
    expect(flyway.code).toBe(2);
    const error = JSON.parse(flyway.stdout).error;
    expect(error).toMatchObject({ code: 'CONFIG', setting: 'ledger', format: 'flyway' });
    expect(error.message).toMatch(/ledger "sqlx".*format "flyway"/);
  });
});

describe('a failed no-transaction migration', () => {
  const failing = '-- no-transaction\nCREATE TABLE events (id int);\nCREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);\n';

  it('is recorded success = false, which sqlx refuses as Dirty; resolve --applied settles it for both', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n', '2_events.sql': failing });
    const failed = await cutover(dir, 'migrate');
    expect(failed.code).toBe(1);
    expect(failed.error).toMatchObject({ code: 'MIGRATION_FAILED', file: '2_events.sql', statement: 2 });
    expect((await sqlxRows()).map((r) => [r.version, r.success])).toEqual([['1', true], ['2', false]]);
    expect(await sqlxVerdict(dir)).toBe('Dirty(2)');
    expect((await cutover(dir, 'migrate')).error).toMatchObject({ code: 'UNRESOLVED_FAILURE', version: '2' });

    // Finished by hand (the column was meant to exist), then settled.
    await query(db.url, `ALTER TABLE ${ident(schema)}.events ADD COLUMN kind text; CREATE INDEX events_kind_idx ON ${ident(schema)}.events (kind)`);
    const resolved = await cutover(dir, 'resolve', '2', '--applied', '--reason', 'finished by hand');
    expect(resolved.code, resolved.stderr).toBe(0);
    expect((await sqlxRows()).map((r) => [r.version, r.success, r.checksum])).toEqual([['1', true, sha384('CREATE TABLE users (id int);\n')], ['2', true, sha384(failing)]]);
    expect(await sqlxVerdict(dir)).toBe('ok');
    const status = await cutover(dir, 'status');
    expect(status.json.errors).toEqual([]);
    expect(status.json.entries.map((e: { state: string }) => e.state)).toEqual(['applied', 'applied']);
  });

  it('resolve --rolled-back removes the row: sqlx then runs the (fixed) file itself', async () => {
    const dir = await migrationsDir({ '1_events.sql': 'CREATE TABLE events (id int);\n', '2_idx.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);\n' });
    expect((await cutover(dir, 'migrate')).code).toBe(1);
    expect(await sqlxVerdict(dir)).toBe('Dirty(2)');
    expect((await cutover(dir, 'resolve', '2', '--rolled-back', '--reason', 'nothing was built')).code).toBe(0);
    expect((await sqlxRows()).map((r) => r.version)).toEqual(['1']);
    await writeFile(join(dir, '2_idx.sql'), '-- no-transaction\nCREATE INDEX CONCURRENTLY events_id_idx ON events (id);\n');
    expect(await runSqlx(dir)).toEqual([2n]);
    expect((await cutover(dir, 'status')).json.entries.map((e: { state: string }) => e.state)).toEqual(['applied', 'applied']);
  });

  it('documented difference: sqlx sends a no-transaction file as one query, which Postgres runs as one implicit transaction', async () => {
    const file = '-- no-transaction\nCREATE TABLE events (id int);\nCREATE INDEX CONCURRENTLY events_id_idx ON events (id);\n';
    const bySqlx = await migrationsDir({ '1_events.sql': file });
    expect(await sqlxVerdict(bySqlx)).toBe('ExecuteMigration(1)');
    // cutover runs the statements one by one; sqlx then accepts its row.
    const run = await cutover(bySqlx, 'migrate');
    expect(run.code, run.stderr).toBe(0);
    expect(await sqlxVerdict(bySqlx)).toBe('ok');
  });
});

describe('the lock: cutover also takes sqlx\'s per-database advisory lock', () => {
  /** A gate the migrations wait on: an advisory lock a third session holds until `open()`. */
  async function gate() {
    const holder = await session('gate');
    await holder.query('SELECT pg_advisory_lock(4242)');
    return { open: () => holder.query('SELECT pg_advisory_unlock(4242)') };
  }

  async function sqlxKey(): Promise<string> {
    return sqlxLockKey(db.name);
  }

  /** The sessions holding (granted) or waiting for (not granted) an advisory lock key. */
  async function lockSessions(key: string): Promise<{ pid: number; granted: boolean; application_name: string }[]> {
    return query(db.url, `SELECT l.pid, l.granted, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint ORDER BY l.granted DESC`, [key]);
  }

  async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('sqlx\'s key is 0x3d32ad9e × crc32(current_database()), as sqlx computes it', () => {
    expect(sqlxLockKey(db.name)).toBe(sqlx.generateLockId(db.name).toString());
  });

  it('while cutover migrates, a booting sqlx waits in pg_advisory_lock; then finds everything applied', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n', '2_slow.sql': '-- cutover:lock-timeout 0\nSELECT pg_advisory_xact_lock(4242);\nCREATE TABLE slow (id int);\n' });
    const gated = await gate();
    const running = cutover(dir, 'migrate');
    const key = await sqlxKey();
    // cutover holds sqlx's key while its second migration waits at the gate.
    const holder = await until(async () => (await lockSessions(key)).find((s) => s.granted && s.application_name === 'cutover migrate'));
    const booting = runSqlx(dir);
    const waiting = await until(async () => (await lockSessions(key)).find((s) => !s.granted));
    expect(waiting.application_name).toBe('sqlx emulator');
    expect(holder.pid).not.toBe(waiting.pid);
    await gated.open();
    const run = await running;
    expect(run.code, run.stderr).toBe(0);
    expect(appliedVersions(run.json)).toEqual(['1', '2']);
    expect(await booting).toEqual([]); // nothing applied twice
  });

  it('while sqlx migrates, cutover waits without blocking, saying who holds the lock; then applies only the rest', async () => {
    const dir = await migrationsDir({ '1_slow.sql': 'SELECT pg_advisory_xact_lock(4242);\nCREATE TABLE slow (id int);\n' });
    const gated = await gate();
    const client = await session();
    const sqlxPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const booting = sqlx.run(client, sqlx.resolveMigrations(dir));
    const key = await sqlxKey();
    await until(async () => (await lockSessions(key)).find((s) => s.granted && s.pid === sqlxPid));

    await writeFile(join(dir, '2_more.sql'), 'CREATE TABLE more (id int);\n');
    const events: RunEvent[] = [];
    let sawWait!: () => void;
    const waited = new Promise<void>((resolve) => (sawWait = resolve));
    const running = migrate({
      url: db.url, schema, dir, ledger: 'sqlx',
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'lock-waiting') sawWait();
      },
    });
    await waited;
    const wait = events.find((e) => e.type === 'lock-waiting');
    expect(wait).toMatchObject({ type: 'lock-waiting', lock: 'sqlx', schema });
    expect(wait!.type === 'lock-waiting' && wait!.holders.map((h) => h.pid)).toEqual([sqlxPid]);
    // Polling, never queued: no cutover session waits in pg_locks.
    expect((await lockSessions(key)).filter((s) => !s.granted)).toEqual([]);

    await gated.open();
    expect(await booting).toEqual([1n]);
    const report = await running;
    expect(report.applied.map((a) => a.migration.version)).toEqual(['2']);
  });

  it('--lock-wait gives up with LOCK_WAIT_TIMEOUT naming sqlx\'s lock and its holder, and lets go of the schema\'s lock', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n' });
    const holder = await session('a rust service');
    await sqlx.lock(holder);
    const run = await cutover(dir, 'migrate', '--lock-wait', '200ms');
    expect(run.code).toBe(1);
    expect(run.error).toMatchObject({ code: 'LOCK_WAIT_TIMEOUT', lock: 'sqlx', database: db.name });
    expect(run.error.message).toContain('sqlx\'s migration lock');
    expect(run.error.holders.map((h: { applicationName: string }) => h.applicationName)).toEqual(['a rust service']);
    expect(await tableExists('_sqlx_migrations')).toBe(false);
    // Nothing of cutover's is still held: once sqlx lets go, the next run goes ahead.
    await sqlx.unlock(holder);
    expect((await cutover(dir, 'migrate')).code).toBe(0);
  });
});

describe('the other ledger', () => {
  it('a schema with history in _sqlx_migrations is refused without --ledger sqlx, and the reverse (OTHER_LEDGER)', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n' });
    await runSqlx(dir);
    const plain = await cli(['migrate', '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
    expect(plain.code).toBe(1);
    expect(JSON.parse(plain.stdout).error).toMatchObject({ code: 'OTHER_LEDGER', table: '_sqlx_migrations', rows: 1, ledger: 'cutover' });
    expect(await tableExists('cutover_migrations')).toBe(false);
    // A fleet run, which probes a schema without cutover's ledger instead of reading it, refuses it the same way.
    const fleet = await migrateFleet({ targets: [{ url: db.url, schemas: [schema] }], dir }).then(() => undefined, (error: { report?: { targets: { error?: { code: string; details: unknown } }[] } }) => error.report?.targets[0]?.error);
    expect(fleet).toMatchObject({ code: 'OTHER_LEDGER', details: { table: '_sqlx_migrations', rows: 1 } });
    expect(await tableExists('cutover_migrations')).toBe(false);

    const other = await freshDatabase();
    try {
      expect((await cli(['migrate', '--url', other.url, '--schema', schema, '--dir', dir])).code).toBe(0);
      const shared = await cli(['migrate', '--url', other.url, '--schema', schema, '--dir', dir, '--ledger', 'sqlx', '--json']);
      expect(JSON.parse(shared.stdout).error).toMatchObject({ code: 'OTHER_LEDGER', table: 'cutover_migrations', ledger: 'sqlx' });
    } finally {
      await other.drop();
    }
  });
});

describe('fleet status in sqlx mode', () => {
  it('finds the schemas holding _sqlx_migrations and reads their rows', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n', '2_notes.sql': '-- cutover:phase post\nCREATE TABLE notes (id int);\n' });
    for (const tenant of ['tenant_a', 'tenant_b']) await query(db.url, `CREATE SCHEMA ${tenant}`);
    const a = await cli(['migrate', '--url', db.url, '--schema', 'tenant_a', '--dir', dir, '--ledger', 'sqlx', '--phase', 'pre']);
    expect(a.code, a.stderr).toBe(0);
    const b = await cli(['migrate', '--url', db.url, '--schema', 'tenant_b', '--dir', dir, '--ledger', 'sqlx']);
    expect(b.code, b.stderr).toBe(0);
    const status = await cli(['status', '--url', db.url, '--all-schemas', '--dir', dir, '--ledger', 'sqlx', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.targets.map((t: { schema: string; version: string; pending: unknown }) => [t.schema, t.version, t.pending])).toEqual([
      ['tenant_a', '1', { pre: 0, post: 1 }],
      ['tenant_b', '2', { pre: 0, post: 0 }],
    ]);
  });
});
