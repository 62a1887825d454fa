/**
 * `adopt --from diesel`: `__diesel_schema_migrations(version, run_on)`, the
 * version being the directory name before its first `_` without dashes, so
 * `2017-09-23-182408_x` and `20170925000000_y` names mix; run_on (a
 * timestamp without time zone) becomes applied_at.
 */
import { describe, expect, it } from 'vitest';
import { createHistory, cutover, ledger, snapshot, sql, useDatabase, writeDir } from './support.js';

const db = useDatabase();

const FILES = {
  '00000000000000_diesel_initial_setup/up.sql': 'CREATE OR REPLACE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$ BEGIN END; $$ LANGUAGE plpgsql;\n',
  '00000000000000_diesel_initial_setup/down.sql': 'DROP FUNCTION IF EXISTS diesel_manage_updated_at(_tbl regclass);\n',
  '2017-09-23-182408_create_users/up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
  '2017-09-23-182408_create_users/down.sql': 'DROP TABLE users;\n',
  '20170925000000_create_posts/up.sql': 'CREATE TABLE posts (id bigint PRIMARY KEY);\n',
  '20170925000000_create_posts/down.sql': 'DROP TABLE posts;\n',
  '2017-10-01-000000_create_tags/up.sql': 'CREATE TABLE tags (id bigint);\n',
};

describe('adopt --from diesel', () => {
  it('matches rows to directories by diesel\'s version, with run_on as applied_at', async () => {
    const dir = await writeDir(FILES);
    await createHistory(db().url, 'diesel');
    await sql(db().url, `INSERT INTO __diesel_schema_migrations (version, run_on) VALUES
      ('00000000000000', '2017-09-01 10:00:00'), ('20170923182408', '2017-09-23 18:30:00'), ('20170925000000', DEFAULT)`);
    const before = await snapshot(db().url, '__diesel_schema_migrations');

    const adopted = await cutover(db().url, dir, '--format', 'diesel', 'adopt', '--from', 'diesel');
    expect(adopted.code).toBe(0);
    expect(adopted.json.entries.map((e: any) => [e.version, e.file])).toEqual([
      ['00000000000000', '00000000000000_diesel_initial_setup/up.sql'],
      ['20170923182408', '2017-09-23-182408_create_users/up.sql'],
      ['20170925000000', '20170925000000_create_posts/up.sql'],
    ]);
    expect(adopted.json.pending).toEqual([{ version: '20171001000000', file: '2017-10-01-000000_create_tags/up.sql', position: 'newer' }]);
    const rows = await ledger(db().url);
    // run_on holds the server's local time, as diesel's CURRENT_TIMESTAMP wrote it.
    const [written] = await sql<{ at: Date }>(db().url, "SELECT '2017-09-23 18:30:00'::timestamp::timestamptz AS at");
    expect(rows[1]!.applied_at.toISOString()).toBe(written!.at.toISOString());
    expect(rows.map((r) => r.applied_by)).toEqual(['adopt:diesel', 'adopt:diesel', 'adopt:diesel']);
    expect(await snapshot(db().url, '__diesel_schema_migrations')).toBe(before);

    const migrated = await cutover(db().url, dir, '--format', 'diesel', 'migrate');
    expect(migrated.json.applied.map((s: any) => s.migration.version)).toEqual(['20171001000000']);
  });

  it('refuses a row whose directory is gone (diesel has no failure state to refuse)', async () => {
    const dir = await writeDir(FILES);
    await createHistory(db().url, 'diesel');
    await sql(db().url, "INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20170101000000')");
    const refused = await cutover(db().url, dir, '--format', 'diesel', 'adopt', '--from', 'diesel');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_WITHOUT_FILE', rows: ['20170101000000'] });
    expect(refused.error.report.pending.map((p: any) => [p.version, p.position])).toEqual([
      ['20170923182408', 'newer'], ['20170925000000', 'newer'], ['20171001000000', 'newer'],
    ]);
  });
});
