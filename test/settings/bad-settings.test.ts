/**
 * Bad settings are caught before the database is touched (issue 16, defect 13; issue 17,
 * durations need a unit): exit 2, the setting named, no schema or ledger created.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => db.drop());

/** Schemas other than Postgres's own and public, and any ledger table. */
async function touched(): Promise<unknown[]> {
  return query(db.url, "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public') UNION ALL SELECT relname FROM pg_class WHERE relname LIKE 'cutover%'");
}

async function migrate(extra: string[], env: Record<string, string> = {}) {
  const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
  const result = await cli(['migrate', '--url', db.url, '--dir', dir, '--json', ...extra], { env });
  return { ...result, error: JSON.parse(result.stdout).error, dir };
}

describe('bad settings: exit 2, named, nothing touched', () => {
  it.each([
    [['--lock-timeout', '99999999d'], {}, 'lockTimeout', /too long/],
    [['--lock-timeout', '5'], {}, 'lockTimeout', /no unit/],
    [['--statement-timeout', '30'], {}, 'statementTimeout', /no unit/],
    [['--lock-wait', '10'], {}, 'lockWait', /no unit/],
    [[], { CUTOVER_LOCK_TIMEOUT: '5000' }, 'lockTimeout', /no unit/],
    [[], { DB_SCHEMA: 'tenant\u0007one' }, 'schema', /control character/],
    [[], { DB_SCHEMA: 'tenant\none' }, 'schema', /control character/],
    [['--schema', 'pg_x'], {}, 'schema', /pg_ prefix is reserved/],
    [['--schema', ''], {}, 'schema', /empty/],
  ] as const)('%j %j', async (args, env, setting, message) => {
    const result = await migrate([...args], { ...env });
    expect(result.code).toBe(2);
    expect(result.error).toMatchObject({ code: 'CONFIG', setting });
    expect(result.error.message).toMatch(message);
    expect(result.error.hint).toBeTruthy();
    expect(await touched()).toEqual([]);
  });

  it('a bare number tells which unit to add', async () => {
    const result = await migrate(['--lock-timeout', '5']);
    expect(result.error.hint).toContain('5s');
  });

  it('--wait without a unit is a usage error', async () => {
    const result = await migrate(['--wait', '10']);
    expect(result.code).toBe(2);
    expect(result.error).toMatchObject({ code: 'USAGE', setting: '--wait' });
  });

  it('--dir naming a file says so, not "does not exist"', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const result = await cli(['migrate', '--url', db.url, '--dir', join(dir, '1_a.sql'), '--json']);
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error).toMatchObject({ code: 'CONFIG', setting: 'dir' });
    expect(error.message).toContain('is a file, not a directory');
  });

  it('an empty DB_SCHEMA is unset: the default schema', async () => {
    const result = await migrate([], { DB_SCHEMA: '' });
    expect(result.code).toBe(0);
    expect(await query(db.url, "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'a'")).toHaveLength(1);
  });

  it('units are accepted, in the config file too', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    await writeFile(join(dir, 'c.json'), JSON.stringify({ lockTimeout: '2s', lockWait: '1m' }));
    const result = await cli(['migrate', '--url', db.url, '--dir', dir, '--schema', testSchema(), '--config', join(dir, 'c.json'), '--statement-timeout', '0']);
    expect(result.code).toBe(0);
    const bare = await cli(['config', '--config', join(dir, 'c.json')], { env: { CUTOVER_LOCK_WAIT: '1000' } });
    expect(bare.code).toBe(2);
  });
});
