/**
 * Concurrency against a real Postgres (DESIGN §1 "Concurrency"): many
 * replicas booting at once apply each migration exactly once, a
 * `CREATE INDEX CONCURRENTLY` run by the lock holder does not deadlock with
 * the waiters (they poll `pg_try_advisory_lock`, never block in
 * `pg_advisory_lock`), and the lock is per schema.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { lockKey } from '../src/db/advisory-lock.js';
import { ident } from '../src/db/sql.js';
import { cli, migrationsDir, spawnCli } from './support/cli.js';
import { query, testSchema } from './support/db.js';
import { cleanup, database, session, until } from './support/fixtures.js';


async function ledger(url: string, schema: string): Promise<{ version: string; state: string }[]> {
  if (!(await exists(url, `${ident(schema)}.cutover_migrations`))) return [];
  return query<{ version: string; state: string }>(url, `SELECT version, state FROM ${ident(schema)}.cutover_migrations ORDER BY version::bigint`);
}

async function exists(url: string, name: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  return row!.exists;
}

function migrateArgs(url: string, schema: string, dir: string, ...more: string[]): string[] {
  return ['migrate', '--url', url, '--schema', schema, '--dir', dir, ...more];
}

describe('concurrent runs', () => {
  it('ten processes started at once apply every migration exactly once', async () => {
    const url = await database();
    const schema = testSchema();
    // Migration 1 creates the table without IF NOT EXISTS: a second application would fail.
    const files: Record<string, string> = { '0001_events.sql': 'CREATE TABLE events (version int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());\nINSERT INTO events (version) VALUES (1);\n' };
    for (let v = 2; v <= 10; v++) files[`${String(v).padStart(4, '0')}_step_${v}.sql`] = `INSERT INTO events (version) VALUES (${v});\nSELECT pg_sleep(0.02);\n`;
    const dir = await migrationsDir(files);

    const runs = Array.from({ length: 10 }, () => spawnCli(migrateArgs(url, schema, dir, '--json')));
    for (const run of runs) cleanup(() => run.child.kill('SIGKILL'));
    const results = await Promise.all(runs.map((run) => run.done));

    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    // Exactly one run applied anything, and between them every migration was applied once.
    const applied = results.map((r) => (JSON.parse(r.stdout) as { applied: { migration: { version: string } }[] }).applied.map((a) => a.migration.version));
    expect(applied.flat().sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1);

    expect(await ledger(url, schema)).toEqual(Array.from({ length: 10 }, (_, i) => ({ version: String(i + 1), state: 'applied' })));
    const events = await query(url, `SELECT version, count(*)::int AS n FROM ${ident(schema)}.events GROUP BY version ORDER BY version`);
    expect(events).toEqual(Array.from({ length: 10 }, (_, i) => ({ version: i + 1, n: 1 })));
    // Nobody still holds the migration lock.
    const [locks] = await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    expect(locks!.n).toBe(0);
  }, 60_000);

  it('CREATE INDEX CONCURRENTLY by the lock holder does not deadlock with runs waiting for the lock', async () => {
    const url = await database();
    const schema = testSchema();
    const dir = await migrationsDir({
      '0001_items.sql': 'CREATE TABLE items (id bigint PRIMARY KEY, v text NOT NULL);\nINSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 50000) AS g;\n',
      '0002_items_v.sql': '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY items_v_idx ON items (v);\n',
      '0003_after.sql': 'CREATE TABLE after_index (id int);\n',
    });

    // Hold the schema's lock ourselves until every run is waiting for it, so the
    // index is built while the others wait (with a blocking pg_advisory_lock
    // they would sit in a transaction the CREATE INDEX CONCURRENTLY waits for).
    const holder = await session(url, 'test holder');
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey(schema)]);
    const runs = Array.from({ length: 5 }, () => spawnCli(migrateArgs(url, schema, dir)));
    for (const run of runs) cleanup(() => run.child.kill('SIGKILL'));
    await until(async () => {
      const waiting = await holder.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover migrate'");
      return waiting.rows[0].n === runs.length;
    });
    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(schema)]);

    const results = await Promise.all(runs.map((run) => run.done));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(results.filter((r) => /applied 3 migrations/.test(r.stdout))).toHaveLength(1);

    expect(await ledger(url, schema)).toEqual([
      { version: '1', state: 'applied' }, { version: '2', state: 'applied' }, { version: '3', state: 'applied' },
    ]);
    const index = await query(url, 'SELECT i.indisvalid, i.indisready FROM pg_index i WHERE i.indexrelid = to_regclass($1)', [`${ident(schema)}.items_v_idx`]);
    expect(index).toEqual([{ indisvalid: true, indisready: true }]);
  }, 60_000);

  it('the lock is per schema: another schema migrates while this one is locked; --lock-wait names the holder', async () => {
    const url = await database();
    const schemaA = testSchema();
    const schemaB = `${testSchema()} b`;
    const dir = await migrationsDir({ '0001_notes.sql': 'CREATE TABLE notes (id int PRIMARY KEY, body text);\n' });

    const holder = await session(url, 'test holder');
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey(schemaA)]);
    const holderPid: number = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const other = await cli(migrateArgs(url, schemaB, dir));
    expect(other, other.stderr).toMatchObject({ code: 0 });
    expect(await ledger(url, schemaB)).toEqual([{ version: '1', state: 'applied' }]);
    expect(await exists(url, `${ident(schemaB)}.notes`)).toBe(true);

    const blocked = await cli(migrateArgs(url, schemaA, dir, '--lock-wait', '1s', '--json'));
    expect(blocked.code).toBe(1);
    const error = (JSON.parse(blocked.stdout) as { ok: boolean; error: { code: string; schema: string; holders: { pid: number; applicationName: string }[] } }).error;
    expect(error).toMatchObject({ code: 'LOCK_WAIT_TIMEOUT', schema: schemaA, holders: [{ pid: holderPid, applicationName: 'test holder' }] });
    expect(blocked.stderr).toContain('LOCK_WAIT_TIMEOUT');
    expect(blocked.stderr).toContain(`pid ${holderPid}`);
    // Nothing ran in schema A (the ledger is read only once the lock is held).
    expect(await ledger(url, schemaA)).toEqual([]);
    expect(await exists(url, `${ident(schemaA)}.notes`)).toBe(false);

    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(schemaA)]);
    const after = await cli(migrateArgs(url, schemaA, dir));
    expect(after, after.stderr).toMatchObject({ code: 0 });
    expect(await ledger(url, schemaA)).toEqual([{ version: '1', state: 'applied' }]);
  }, 60_000);
});
