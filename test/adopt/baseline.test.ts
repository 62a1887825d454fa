/**
 * `adopt --baseline <version>`: a database no tool recorded. Every migration
 * up to and including the version is recorded as applied without running
 * it; the audit row says so; migrate then runs only the later ones.
 */
import { describe, expect, it } from 'vitest';
import { audit, createHistory, cutover, ledger, sql, tableExists, useDatabase, writeDir } from './support.js';

const db = useDatabase();

const FILES = {
  '0001_create_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
  '0002_create_notes.sql': '-- cutover:phase post\nCREATE TABLE notes (id bigint PRIMARY KEY);\n',
  '0003_create_tags.sql': 'CREATE TABLE tags (id bigint);\n',
};

describe('adopt --baseline', () => {
  it('records every migration up to the version without running it; migrate runs the rest; a re-run is a no-op', async () => {
    const dir = await writeDir(FILES);
    // The schema was built by hand (or by a dump): the files' tables are there, no history is.
    await sql(db().url, 'CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE notes (id bigint PRIMARY KEY)');

    const dry = await cutover(db().url, dir, 'adopt', '--baseline', '0002', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ outcome: 'would-adopt', from: 'baseline', baseline: '2' });
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);

    const adopted = await cutover(db().url, dir, 'adopt', '--baseline', '0002', '--reason', 'schema restored from the old dump');
    expect(adopted.code).toBe(0);
    expect(adopted.json.entries.map((e: any) => [e.version, e.phase, e.because])).toEqual([['1', 'pre', 'adopt-baseline'], ['2', 'post', 'adopt-baseline']]);
    expect((await ledger(db().url)).map((r) => [r.version, r.phase, r.applied_by, r.duration_ms])).toEqual([['1', 'pre', 'adopt:baseline', null], ['2', 'post', 'adopt:baseline', null]]);
    expect(await audit(db().url)).toEqual([expect.objectContaining({
      version: '2', action: 'adopt --baseline', reason: 'schema restored from the old dump',
      details: expect.objectContaining({ baseline: '2', adopted: ['1', '2'], note: expect.stringContaining('without running') }),
    })]);
    expect(await tableExists(db().url, 'tags')).toBe(false);

    expect((await cutover(db().url, dir, 'adopt', '--baseline', '2')).json.outcome).toBe('already-adopted');
    const migrated = await cutover(db().url, dir, 'migrate');
    expect(migrated.json.applied.map((s: any) => s.migration.version)).toEqual(['3']);
  });

  it('refuses a version that is no migration\'s (exit 2, before connecting), and a schema whose ledger has rows', async () => {
    const dir = await writeDir(FILES);
    const unknown = await cutover('postgres://nobody@127.0.0.1:1/none', dir, 'adopt', '--baseline', '4');
    expect(unknown.code).toBe(2);
    expect(unknown.error).toMatchObject({ code: 'UNKNOWN_VERSION', version: '4' });

    expect((await cutover(db().url, dir, 'migrate', '--to', '1')).code).toBe(0);
    const refused = await cutover(db().url, dir, 'adopt', '--baseline', '2');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'ADOPT_CONFLICT', differences: [{ version: '2', kind: 'absent' }] });
    expect((await ledger(db().url)).map((r) => r.version)).toEqual(['1']);
  });

  it('refuses a schema where a tool recorded its history: --from is the way', async () => {
    const dir = await writeDir(FILES);
    await createHistory(db().url, 'sqlx');
    const refused = await cutover(db().url, dir, 'adopt', '--baseline', '2');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'ADOPT_CONFLICT', found: 'sqlx' });
    expect(refused.error.hint).toContain('--from sqlx');
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });
});
