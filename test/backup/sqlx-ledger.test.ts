/**
 * `rehearse` and `backup` with `--ledger sqlx` (docs/sqlx-ledger.md), with
 * Debian's pg_dump 15 against PostgreSQL 15: the history sqlx wrote in
 * `_sqlx_migrations` is what the rehearsal plans from (a full copy and a
 * structure-only one) and what the backup manifest lists.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import * as sqlx from '../support/sqlx-emulator.js';
import { backupTestbed } from './support.js';

const schema = testSchema();
const bed = backupTestbed('sqlx-ledger');
const cutover = (dir: string, ...args: string[]) => bed.cutover(dir, ...args, '--schema', schema, '--ledger', 'sqlx');

/** The service's `sqlx::migrate!` run, on a session whose search_path is the app's schema. */
async function runSqlx(dir: string): Promise<bigint[]> {
  await query(bed.db.url, `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  const client = new pg.Client({ connectionString: bed.db.url });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${ident(schema)}`);
    return await sqlx.run(client, sqlx.resolveMigrations(dir));
  } finally {
    await client.end();
  }
}

describe('--ledger sqlx beside backups and rehearsals', () => {
  it('rehearse plans from the rows sqlx wrote, on a full copy and on a structure-only one', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\nINSERT INTO users SELECT generate_series(1, 10);\n' });
    expect(await runSqlx(dir)).toEqual([1n]);
    await writeFile(join(dir, '2_name.sql'), 'ALTER TABLE users ADD COLUMN name text;\n');

    for (const copy of [[], ['--schema-only']]) {
      const rehearsed = await cutover(dir, 'rehearse', ...copy);
      expect(rehearsed.code, rehearsed.stderr).toBe(0);
      expect(rehearsed.json.migrations.map((m: { file: string }) => m.file)).toEqual(['2_name.sql']);
    }
    // Production still has only what sqlx applied.
    expect((await query<{ version: string }>(bed.db.url, `SELECT version::text FROM ${ident(schema)}._sqlx_migrations`)).map((r) => r.version)).toEqual(['1']);
  });

  it('a backup\'s manifest lists the rows of _sqlx_migrations', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n', '2_notes.sql': 'CREATE TABLE notes (id int);\n' });
    await runSqlx(dir);
    const { code, json, stderr } = await cutover(dir, 'backup');
    expect(code, stderr).toBe(0);
    expect(json.backups[0].manifest.ledger.map((r: { version: string; name: string; state: string }) => [r.version, r.name, r.state])).toEqual([['1', 'users', 'applied'], ['2', 'notes', 'applied']]);
  });
});
