/**
 * `adopt --from goose | drizzle | knex | kysely`, and node-pg-migrate's
 * combined files read with `--format node-pg-migrate`: each tool's history
 * table made with its own DDL and filled as the tool fills it, then matched
 * to the files; the next `migrate` runs only what the tool had not run.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHistory, cutover, ledger, snapshot, sql, useDatabase, writeDir } from './support.js';

const db = useDatabase();
const versions = (json: any) => json.entries.map((e: any) => e.version);
const migrated = async (dir: string, ...args: string[]) => (await cutover(db().url, dir, ...args, 'migrate')).json.applied.map((s: any) => s.migration.version);

describe('adopt --from goose', () => {
  const files = {
    '00001_users.sql': '-- +goose Up\nCREATE TABLE users (id int);\n-- +goose Down\nDROP TABLE users;\n',
    '00002_notes.sql': '-- +goose Up\nCREATE TABLE notes (id int);\n',
    '00003_tags.sql': '-- +goose Up\nCREATE TABLE tags (id int);\n',
  };

  it('the newest row of each version decides (2 was rolled back); the version-0 marker is set aside; migrate runs the rest', async () => {
    const dir = await writeDir(files);
    await createHistory(db().url, 'goose');
    await sql(db().url, 'CREATE TABLE users (id int); INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true), (2, true), (2, false)');
    const before = await snapshot(db().url, 'goose_db_version');

    const adopted = await cutover(db().url, dir, '--format', 'goose', 'adopt', '--from', 'goose');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(versions(adopted.json)).toEqual(['1']);
    expect(adopted.json.ignored.map((i: any) => i.key)).toEqual(['2', '0']);
    expect(adopted.json.pending.map((p: any) => p.version)).toEqual(['2', '3']);
    expect((await ledger(db().url)).map((r) => [r.version, r.applied_by])).toEqual([['1', 'adopt:goose']]);
    expect(await snapshot(db().url, 'goose_db_version')).toBe(before);
    expect(await migrated(dir, '--format', 'goose')).toEqual(['2', '3']);
  });
});

describe('adopt --from drizzle', () => {
  const journal = JSON.stringify({ version: '7', dialect: 'postgresql', entries: ['0000_users', '0001_notes', '0002_tags'].map((tag, idx) => ({ idx, version: '7', when: 1700000000000 + idx, tag, breakpoints: true })) });
  const files = {
    'meta/_journal.json': journal,
    '0000_users.sql': 'CREATE TABLE "users" ("id" integer);\r\n',
    '0001_notes.sql': 'CREATE TABLE "notes" ("id" integer);--> statement-breakpoint\nCREATE INDEX ON "notes" ("id");',
    '0002_tags.sql': 'CREATE TABLE "tags" ("id" integer);',
  };
  /** drizzle's hash: SHA-256 of the text with CRLF turned into LF. */
  const hash = (text: string) => createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');

  async function ranByDrizzle(tags: ('0000_users' | '0001_notes')[]) {
    await createHistory(db().url, 'drizzle');
    await sql(db().url, 'CREATE TABLE users (id integer); CREATE TABLE notes (id integer)');
    for (const [i, tag] of tags.entries()) {
      await sql(db().url, 'INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', [hash(files[`${tag}.sql`]), 1700000000000 + i]);
    }
  }

  it('rows (in schema drizzle) name their migration by the journal\'s `when`; hashes are checked; migrate runs the rest', async () => {
    const dir = await writeDir(files);
    await ranByDrizzle(['0000_users', '0001_notes']);
    const adopted = await cutover(db().url, dir, '--format', 'drizzle', 'adopt', '--from', 'drizzle');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.json.table).toBe('"drizzle"."__drizzle_migrations"');
    expect(versions(adopted.json)).toEqual(['0000_users', '0001_notes']);
    expect(await migrated(dir, '--format', 'drizzle')).toEqual(['0002_tags']);
  });

  it('a file edited since drizzle applied it is refused (HISTORY_EDITED), nothing written', async () => {
    const dir = await writeDir({ ...files, '0001_notes.sql': 'CREATE TABLE "notes" ("id" bigint);' });
    await ranByDrizzle(['0000_users', '0001_notes']);
    const refused = await cutover(db().url, dir, '--format', 'drizzle', 'adopt', '--from', 'drizzle');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_EDITED' });
    expect(await ledger(db().url)).toEqual([]);
  });
});

describe('adopt --from knex and kysely, with the migrations now SQL files of the same names', () => {
  const files = {
    '20240101120000_create_users.sql': 'CREATE TABLE users (id int);\n',
    '20240102120000_create_notes.sql': 'CREATE TABLE notes (id int);\n',
  };

  it('knex rows carry the old extension (.js): matched by name', async () => {
    const dir = await writeDir(files);
    await createHistory(db().url, 'knex');
    await sql(db().url, "CREATE TABLE users (id int); INSERT INTO knex_migrations (name, batch, migration_time) VALUES ('20240101120000_create_users.js', 1, now())");
    const adopted = await cutover(db().url, dir, 'adopt', '--from', 'knex');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(versions(adopted.json)).toEqual(['20240101120000']);
    expect(await migrated(dir)).toEqual(['20240102120000']);
  });

  it('kysely rows name the file without its extension', async () => {
    const dir = await writeDir(files);
    await createHistory(db().url, 'kysely');
    await sql(db().url, "CREATE TABLE users (id int); CREATE TABLE notes (id int); INSERT INTO kysely_migration (name, timestamp) VALUES ('20240101120000_create_users', '2024-01-01T12:00:00.000Z'), ('20240102120000_create_notes', '2024-01-02T12:00:00.000Z')");
    const adopted = await cutover(db().url, dir, 'adopt', '--from', 'kysely');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(versions(adopted.json)).toEqual(['20240101120000', '20240102120000']);
    expect((await ledger(db().url))[1]!.applied_at.toISOString()).toBe('2024-01-02T12:00:00.000Z');
    expect(await migrated(dir)).toEqual([]);
  });
});

describe('adopt --from node-pg-migrate with --format node-pg-migrate', () => {
  it('reads combined -- Up Migration / -- Down Migration files as they are; versions are the names', async () => {
    const dir = await writeDir({
      '1700000000000_create-users.sql': '-- Up Migration\nCREATE TABLE users (id int);\n\n-- Down Migration\nDROP TABLE users;\n',
      '1700000100000_create-notes.sql': '-- Up Migration\nCREATE TABLE notes (id int);\n',
    });
    await createHistory(db().url, 'node-pg-migrate');
    await sql(db().url, "CREATE TABLE users (id int); INSERT INTO pgmigrations (name, run_on) VALUES ('1700000000000_create-users', now())");
    const adopted = await cutover(db().url, dir, '--format', 'node-pg-migrate', 'adopt', '--from', 'node-pg-migrate');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(versions(adopted.json)).toEqual(['1700000000000_create-users']);
    expect(await migrated(dir, '--format', 'node-pg-migrate')).toEqual(['1700000100000_create-notes']);
  });
});

describe('adopt --from supabase', () => {
  it('reads supabase_migrations.schema_migrations, whatever the target schema; versions are the file names\' digits', async () => {
    const dir = await writeDir({
      '20240103173626_init.sql': 'CREATE TABLE a (id int);\n',
      '20240104000000_b.sql': 'CREATE TABLE b (id int);\n',
      'local_20240107152745_ollama.sql': 'CREATE TABLE c (id int);\n',
    });
    await createHistory(db().url, 'supabase');
    await sql(db().url, "CREATE TABLE a (id int); INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES ('20240103173626', 'init', ARRAY['CREATE TABLE a (id int)'])");
    const adopted = await cutover(db().url, dir, '--format', 'supabase', 'adopt', '--from', 'supabase');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.json.table).toBe('"supabase_migrations"."schema_migrations"');
    expect(versions(adopted.json)).toEqual(['20240103173626']);
    expect(await migrated(dir, '--format', 'supabase')).toEqual(['20240104000000']);
  });
});
