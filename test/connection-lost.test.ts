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

describe('isConnectionLost', () => {
  it('decides on SQLSTATE class 08 and 57P0x and on socket errors', () => {
    for (const code of ['08006', '08003', '57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE']) expect(isConnectionLost({ code }), code).toBe(true);
    for (const code of ['57014', '55P03', '23505', '42P01', undefined]) expect(isConnectionLost({ code, message: 'Connection terminated unexpectedly' }), String(code)).toBe(false);
  });
});
