// The test harness itself: one server per run, an isolated database per test.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { freshDatabase, query, testSchema } from './support/db.js';

describe('test harness', () => {
  it('provides the server and its major version', async () => {
    const [row] = await query<{ version: string }>(inject('adminUrl'), "SELECT current_setting('server_version') AS version");
    expect(row!.version.startsWith(String(inject('serverMajor')))).toBe(true);
  });

  it('gives each test its own database, and drops it', async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    expect(a.name).not.toBe(b.name);
    const schema = pg.escapeIdentifier(testSchema());
    await query(a.url, `CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await query(a.url, `CREATE TABLE ${schema}.only_in_a (id int)`);
    expect(await query(a.url, 'SELECT current_database() AS name')).toEqual([{ name: a.name }]);
    expect(await query(b.url, `SELECT to_regclass($1) AS t`, [`${schema}.only_in_a`])).toEqual([{ t: null }]);

    await Promise.all([a.drop(), b.drop()]);
    const left = await query(inject('adminUrl'), 'SELECT datname FROM pg_database WHERE datname = ANY($1)', [[a.name, b.name]]);
    expect(left).toEqual([]);
  });
});
