/**
 * A lost session — pg_terminate_backend, a server restart, a broken socket —
 * is CONNECTION_LOST (exit 1) with "nothing is wrong with your files; run
 * again": never a migration blamed with a caret, never INTERNAL with a stack
 * (issue 16, defects 10 and 11). The restart is simulated by a proxy that
 * cuts the socket mid-query, as a restarting server does.
 */
import { describe, expect, it } from 'vitest';
import { ident } from '../src/db/sql.js';
import { isConnectionLost } from '../src/db/connection-lost.js';
import { CutoverError, migrate, type MigrateReport } from '../src/index.js';
import { cli, migrationsDir } from './support/cli.js';
import { cuttingProxy } from './support/cutting-proxy.js';
import { query, testSchema } from './support/db.js';
import { database, session, until } from './support/fixtures.js';

const files = {
  '0001_base.sql': 'CREATE TABLE base (id int);\n',
  '0002_slow.sql': '-- cutover:lock-timeout 2s\nSELECT pg_sleep(20);\nCREATE TABLE slow (id int);\n',
};

function expectLost(result: { code: number; stdout: string; stderr: string }) {
  expect(result.code, result.stderr).toBe(1);
  const { error } = JSON.parse(result.stdout);
  expect(error).toMatchObject({ code: 'CONNECTION_LOST' });
  expect(error.message).toContain('Nothing is wrong with your files; run again');
  // No code frame: the file is not blamed.
  expect(result.stderr).not.toMatch(/^\s*\^/m);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return error;
}

describe('a lost connection', () => {
  it('the session terminated during a migration: CONNECTION_LOST naming the file, then a rerun completes', async () => {
    const url = await database();
    const schema = testSchema();
    const dir = await migrationsDir(files);
    const watcher = await session(url, 'test monitor');
    const running = cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    await until(async () => (await watcher.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()",
    )).rowCount);
    const error = expectLost(await running);
    expect(error).toMatchObject({ sqlstate: '57P01', file: '0002_slow.sql', version: '2', statement: 1 });

    const slow = (text: string) => text.replace('pg_sleep(20)', 'pg_sleep(0)');
    const rerun = await cli(['migrate', '--url', url, '--schema', schema, '--dir', await migrationsDir({ ...files, '0002_slow.sql': slow(files['0002_slow.sql']) })]);
    // The edited file was never recorded (the transaction was rolled back): it simply runs.
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    expect(await query(url, `SELECT version FROM ${ident(schema)}.cutover_migrations ORDER BY version`)).toEqual([{ version: '1' }, { version: '2' }]);
  });

  it('the socket cut mid-migration (a server restart): CONNECTION_LOST, not MIGRATION_FAILED', async () => {
    const url = await database();
    const proxied = await cuttingProxy(url, 'pg_sleep(20)');
    const dir = await migrationsDir(files);
    const error = expectLost(await cli(['migrate', '--url', proxied, '--schema', testSchema(), '--dir', dir, '--json']));
    expect(error).toMatchObject({ file: '0002_slow.sql', version: '2' });
  });

  it('the socket cut while lint reads the live catalog: CONNECTION_LOST, not INTERNAL', async () => {
    const url = await database();
    const proxied = await cuttingProxy(url, 'pg_inherits');
    const dir = await migrationsDir(files);
    expectLost(await cli(['lint', '--url', proxied, '--schema', testSchema(), '--dir', dir, '--json']));
  });
});

describe('the report after a lost connection (issue 16, defect 12)', () => {
  it('does not count commits that did not wait for the disk and could not be confirmed: they are listed apart, and the message says so', async () => {
    const url = await database();
    const proxied = await cuttingProxy(url, 'pg_sleep(20)');
    const dir = await migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n', '0002_b.sql': 'CREATE TABLE b (id int);\n', '0003_slow.sql': 'SELECT pg_sleep(20);\n' });
    const error = await migrate({ url: proxied, schema: testSchema(), dir }).then(() => expect.unreachable('the run should fail'), (e: unknown) => e as CutoverError);
    expect(error.code).toBe('CONNECTION_LOST');
    const report = error.report as MigrateReport;
    expect(report.applied).toEqual([]);
    expect(report.unconfirmed!.map((r) => r.migration.version)).toEqual(['1', '2']);
    expect(error.details.unconfirmed).toEqual(['1', '2']);
    expect(error.message).toContain('may not have been kept by the server: 0001_a.sql, 0002_b.sql');
  });
});

describe('isConnectionLost', () => {
  it('decides on SQLSTATE class 08 and 57P0x and on socket errors', () => {
    for (const code of ['08006', '08003', '57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE']) expect(isConnectionLost({ code }), code).toBe(true);
    for (const code of ['57014', '55P03', '23505', '42P01', undefined]) expect(isConnectionLost({ code, message: 'Connection terminated unexpectedly' }), String(code)).toBe(false);
  });
});
