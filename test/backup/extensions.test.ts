/**
 * Backups, restores, rollbacks and copies of a schema whose objects use
 * extensions (issue 15, "found on real schemas"): citext and pgcrypto
 * installed IN the schema (`public` in one CI run, `tenant one` in the
 * other), uuid-ossp in another schema. After each, every object works as
 * before: the citext column compares without case, the function calling
 * `digest()` unqualified still finds it, the uuid default still fills.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';
import { backupTestbed, fingerprint, schemasOf } from './support.js';

const schema = testSchema();
const S = ident(schema);
const bed = backupTestbed('extensions');

const SETUP = `CREATE SCHEMA IF NOT EXISTS ${S}; CREATE SCHEMA shared_ext;
  CREATE EXTENSION citext SCHEMA ${S}; CREATE EXTENSION pgcrypto SCHEMA ${S}; CREATE EXTENSION "uuid-ossp" SCHEMA shared_ext`;
const MIGRATIONS = {
  '0001_users.sql': [
    'CREATE TABLE users (id uuid PRIMARY KEY DEFAULT shared_ext.uuid_generate_v4(), email citext UNIQUE NOT NULL, pw text);',
    "CREATE FUNCTION hash_pw(text) RETURNS text LANGUAGE sql AS $$ SELECT encode(digest($1, 'sha256'), 'hex') $$;",
    "INSERT INTO users (email, pw) SELECT 'User' || g || '@x', hash_pw('pw' || g) FROM generate_series(1, 40) g;",
    '',
  ].join('\n'),
};

/** What the app does with the extensions, on `url` with search_path = the schema (as cutover's pool pins it). */
async function appWorks(url: string): Promise<{ found: number; hashed: boolean; inserted: boolean }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${S}`);
    const { rows: [row] } = await client.query<{ found: number; hashed: boolean }>(
      `SELECT (SELECT count(*)::int FROM users WHERE email = 'USER7@X') AS found, hash_pw('pw7') = (SELECT pw FROM users WHERE email = 'user7@x') AS hashed`,
    );
    const { rows: [added] } = await client.query<{ id: string }>(`INSERT INTO users (email) VALUES ('new' || clock_timestamp() || '@x') RETURNING id::text`);
    return { found: row!.found, hashed: row!.hashed, inserted: /^[0-9a-f-]{36}$/.test(added!.id) };
  } finally {
    await client.end();
  }
}

/** The extensions installed, the schema migrated: a migrations directory for the CLI. */
async function migrated(): Promise<string> {
  await query(bed.db.url, SETUP);
  const dir = await migrationsDir(MIGRATIONS);
  expect((await bed.cutover(dir, 'migrate', '--schema', schema)).code).toBe(0);
  return dir;
}

const extensionSchemas = async (url: string) =>
  Object.fromEntries((await query<{ name: string; schema: string }>(url, `SELECT extname AS name, extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname <> 'plpgsql'`)).map((r) => [r.name, r.schema.replace(/^"|"$/g, '')]));

describe('extensions', () => {
  it('restore: the restored schema takes over the extensions installed in it; digest() still resolves; the old schema drops cleanly', async () => {
    const dir = await migrated();
    const backedUp = await bed.cutover(dir, 'backup', '--schema', schema);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(backedUp.json.backups[0].manifest.extensions.map((e: { name: string; schema: string }) => [e.name, e.schema])).toEqual([['citext', schema], ['pgcrypto', schema], ['uuid-ossp', 'shared_ext']]);
    const before = await fingerprint(bed.db.url, `${S}.users`);
    await query(bed.db.url, `DELETE FROM ${S}.users WHERE email > 'User3'`);

    const restored = await bed.cutover(dir, 'restore', backedUp.json.backups[0].manifestPath, '--yes', '--schema', schema);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await fingerprint(bed.db.url, `${S}.users`)).toEqual(before);
    expect(await extensionSchemas(bed.db.url)).toEqual({ citext: schema, pgcrypto: schema, 'uuid-ossp': 'shared_ext' });
    expect(await appWorks(bed.db.url)).toEqual({ found: 1, hashed: true, inserted: true });
    // The replaced schema goes without taking an extension along.
    await query(bed.db.url, `DROP SCHEMA ${ident(restored.json.previous.schema)} CASCADE`);
    expect(await extensionSchemas(bed.db.url)).toEqual({ citext: schema, pgcrypto: schema, 'uuid-ossp': 'shared_ext' });
    expect((await appWorks(bed.db.url)).found).toBe(1);
  });

  it('restore into a database that lacks the extensions creates them where they were first', async () => {
    const dir = await migrated();
    const backedUp = await bed.cutover(dir, 'backup', '--schema', schema);
    const before = await fingerprint(bed.db.url, `${S}.users`);
    // The schema and the extensions gone (a database recreated).
    await query(bed.db.url, `DROP SCHEMA ${S} CASCADE; DROP SCHEMA shared_ext CASCADE`);
    expect(await extensionSchemas(bed.db.url)).toEqual({});
    const restored = await bed.cutover(dir, 'restore', backedUp.json.backups[0].manifestPath, '--yes', '--schema', schema);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await fingerprint(bed.db.url, `${S}.users`)).toEqual(before);
    expect(await extensionSchemas(bed.db.url)).toEqual({ citext: schema, pgcrypto: schema, 'uuid-ossp': 'shared_ext' });
    expect(await appWorks(bed.db.url)).toEqual({ found: 1, hashed: true, inserted: true });
  });

  it('rollback via a backup puts the extensions back with the schema', async () => {
    const dir = await migrated();
    await writeFile(join(dir, '0002_contract.sql'), '-- cutover:phase post\nALTER TABLE users DROP COLUMN pw;\n');
    const upgraded = await bed.cutover(dir, 'migrate', '--backup', '--schema', schema);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    const rolled = await bed.cutover(dir, 'rollback', '--to', '1', '--yes', '--schema', schema);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.json).toMatchObject({ via: 'backup', ledgerVersion: '1' });
    expect(await extensionSchemas(bed.db.url)).toEqual({ citext: schema, pgcrypto: schema, 'uuid-ossp': 'shared_ext' });
    expect(await appWorks(bed.db.url)).toEqual({ found: 1, hashed: true, inserted: true });
  });

  it('copy creates the extensions on the target, in their schemas, before the schema (the suite\'s server: PG15 or PG18)', async () => {
    const dir = await migrated();
    const target = await freshDatabase();
    try {
      const copied = await cli(['copy', '--from', bed.db.url, '--to', target.url, '--schemas', schema, '--json'], { env: { PATH: process.env.PATH ?? '' } });
      expect(copied.code, copied.stderr).toBe(0);
      const report = JSON.parse(copied.stdout);
      expect(report.ok).toBe(true);
      expect(report.extensions).toEqual([
        { name: 'citext', schema, status: 'created' }, { name: 'pgcrypto', schema, status: 'created' }, { name: 'uuid-ossp', schema: 'shared_ext', status: 'created' },
      ]);
      expect(report.warnings).toEqual([]);
      expect(await fingerprint(target.url, `${S}.users`)).toEqual(await fingerprint(bed.db.url, `${S}.users`));
      expect(await extensionSchemas(target.url)).toEqual({ citext: schema, pgcrypto: schema, 'uuid-ossp': 'shared_ext' });
      expect(await appWorks(target.url)).toEqual({ found: 1, hashed: true, inserted: true });
      expect((await schemasOf(target.url)).sort()).toEqual([...new Set(['public', schema, 'shared_ext'])].sort());
    } finally {
      await target.drop();
    }
  });
});
