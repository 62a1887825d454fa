/**
 * `adopt --from dbmate`: one `schema_migrations(version)` row per applied
 * file (no time, no checksum). A file older than the newest row that dbmate
 * never applied is reported as out of order; the next migrate refuses it.
 */
import { describe, expect, it } from 'vitest';
import { createHistory, cutover, ledger, snapshot, sql, tableExists, useDatabase, writeDir } from './support.js';

const db = useDatabase();

const dbmate = (up: string, down: string) => `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`;
const FILES = {
  '20240101000000_create_users.sql': dbmate('CREATE TABLE users (id bigint PRIMARY KEY);', 'DROP TABLE users;'),
  '20240105000000_create_notes.sql': dbmate('CREATE TABLE notes (id bigint PRIMARY KEY);', 'DROP TABLE notes;'),
  '20240109000000_create_tags.sql': dbmate('CREATE TABLE tags (id bigint);', 'DROP TABLE tags;'),
};

describe('adopt --from dbmate', () => {
  it('records each row\'s file; a file older than the newest row is reported out of order, and migrate refuses it', async () => {
    const dir = await writeDir(FILES);
    await createHistory(db().url, 'dbmate');
    await sql(db().url, 'CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE tags (id bigint)');
    // dbmate applies any file without a row, in any order: notes is still to run.
    await sql(db().url, "INSERT INTO schema_migrations (version) VALUES ('20240101000000'), ('20240109000000')");
    const before = await snapshot(db().url, 'schema_migrations');

    const adopted = await cutover(db().url, dir, '--format', 'dbmate', 'adopt', '--from', 'dbmate');
    expect(adopted.code).toBe(0);
    expect(adopted.json.entries.map((e: any) => e.version)).toEqual(['20240101000000', '20240109000000']);
    expect(adopted.json.pending).toEqual([{ version: '20240105000000', file: '20240105000000_create_notes.sql', position: 'older' }]);
    expect((await ledger(db().url)).map((r) => [r.version, r.name, r.applied_by])).toEqual([
      ['20240101000000', 'create_users', 'adopt:dbmate'],
      ['20240109000000', 'create_tags', 'adopt:dbmate'],
    ]);
    expect(await snapshot(db().url, 'schema_migrations')).toBe(before);

    const human = await cutover(db().url, dir, '--format', 'dbmate', 'adopt', '--from', 'dbmate', '--dry-run');
    expect(human.json.outcome).toBe('already-adopted');

    const refused = await cutover(db().url, dir, '--format', 'dbmate', 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'OUT_OF_ORDER', version: '20240105000000' });
    const allowed = await cutover(db().url, dir, '--format', 'dbmate', 'migrate', '--allow-out-of-order');
    expect(allowed.json.applied.map((s: any) => s.migration.version)).toEqual(['20240105000000']);
    expect(await tableExists(db().url, 'notes')).toBe(true);
  });

  it('says where to look when the schema has no dbmate table', async () => {
    const dir = await writeDir(FILES);
    const missing = await cutover(db().url, dir, '--format', 'dbmate', 'adopt', '--from', 'dbmate');
    expect(missing.code).toBe(2);
    expect(missing.error).toMatchObject({ code: 'HISTORY_NOT_FOUND', table: 'schema_migrations', from: 'dbmate' });
    expect(missing.error.hint).toContain('--baseline');

    // The table in another schema is named: a wrong --schema.
    await sql(db().url, 'CREATE SCHEMA elsewhere; CREATE TABLE elsewhere.schema_migrations (version varchar primary key)');
    const wrongSchema = await cutover(db().url, dir, '--format', 'dbmate', 'adopt', '--from', 'dbmate');
    expect(wrongSchema.error).toMatchObject({ code: 'HISTORY_NOT_FOUND', elsewhere: ['elsewhere'] });
    expect(wrongSchema.error.hint).toContain('--schema elsewhere');
    await sql(db().url, 'DROP SCHEMA elsewhere CASCADE');

    // Another tool's table in the schema is named.
    await createHistory(db().url, 'sqlx');
    const other = await cutover(db().url, dir, '--format', 'dbmate', 'adopt', '--from', 'dbmate');
    expect(other.error).toMatchObject({ code: 'HISTORY_NOT_FOUND', found: ['sqlx'] });
    expect(other.error.hint).toContain('--from sqlx');
  });
});
