/**
 * `adopt --from node-pg-migrate`: `pgmigrations(id, name, run_on)` rows
 * named by file name without extension. Its SQL files hold `-- Up Migration`
 * and `-- Down Migration` sections, which cutover would run as one script:
 * adoption refuses them (exit 2, before the database is touched) until they
 * are split into .up.sql and .down.sql.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHistory, cutover, ledger, snapshot, sql, tableExists, useDatabase, writeDir } from './support.js';

const db = useDatabase();

const COMBINED = '-- Up Migration\nCREATE TABLE users (id bigint PRIMARY KEY);\n\n-- Down Migration\nDROP TABLE users;\n';
const SPLIT = {
  '1700000000000_create-users.up.sql': '-- Up Migration\nCREATE TABLE users (id bigint PRIMARY KEY);\n',
  '1700000000000_create-users.down.sql': '-- Down Migration\nDROP TABLE users;\n',
  '1700000100000_create-notes.sql': '-- Up Migration\nCREATE TABLE notes (id bigint PRIMARY KEY);\n',
  '1700000200000_create-tags.sql': 'CREATE TABLE tags (id bigint);\n',
};

async function ranByNodePgMigrate(names: string[]): Promise<void> {
  await createHistory(db().url, 'node-pg-migrate');
  await sql(db().url, 'CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE notes (id bigint PRIMARY KEY)');
  for (const name of names) await sql(db().url, 'INSERT INTO pgmigrations (name, run_on) VALUES ($1, NOW())', [name]);
}

describe('adopt --from node-pg-migrate', () => {
  it('refuses a file with a "-- Down Migration" section, naming its line, before touching the database', async () => {
    const dir = await writeDir({ '1700000000000_create-users.sql': COMBINED });
    await ranByNodePgMigrate(['1700000000000_create-users']);
    const before = await snapshot(db().url, 'pgmigrations');

    const refused = await cutover(db().url, dir, '--format', 'cutover', 'adopt', '--from', 'node-pg-migrate');
    expect(refused.code).toBe(2);
    expect(refused.error).toMatchObject({ code: 'COMBINED_UP_DOWN', file: '1700000000000_create-users.sql', line: 4 });
    expect(refused.error.hint).toContain('1700000000000_create-users.down.sql');
    expect(refused.error.hint).toContain('1700000000000_create-users.up.sql');
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
    expect(await snapshot(db().url, 'pgmigrations')).toBe(before);
  });

  it('once split, matches rows by name (with or without .up); migrate runs only the file without a row', async () => {
    const dir = await writeDir(SPLIT);
    await ranByNodePgMigrate(['1700000000000_create-users', '1700000100000_create-notes']);

    const adopted = await cutover(db().url, dir, '--format', 'cutover', 'adopt', '--from', 'node-pg-migrate');
    expect(adopted.code).toBe(0);
    expect(adopted.json.entries.map((e: any) => [e.version, e.file])).toEqual([
      ['1700000000000', '1700000000000_create-users.up.sql'],
      ['1700000100000', '1700000100000_create-notes.sql'],
    ]);
    expect(adopted.json.pending).toEqual([{ version: '1700000200000', file: '1700000200000_create-tags.sql', position: 'newer' }]);
    expect((await ledger(db().url)).map((r) => [r.version, r.name, r.applied_by])).toEqual([
      ['1700000000000', 'create-users', 'adopt:node-pg-migrate'],
      ['1700000100000', 'create-notes', 'adopt:node-pg-migrate'],
    ]);
    expect((await cutover(db().url, dir, '--format', 'cutover', 'migrate')).json.applied.map((s: any) => s.migration.version)).toEqual(['1700000200000']);
  });

  it('a row whose migration is not a .sql file here (a JavaScript migration) has no file: refused unless --allow-missing', async () => {
    const dir = await writeDir(SPLIT);
    await writeFile(join(dir, '1690000000000_seed.js'), 'exports.up = (pgm) => {};\n');
    await rm(join(dir, '1700000200000_create-tags.sql'));
    await ranByNodePgMigrate(['1690000000000_seed', '1700000000000_create-users', '1700000100000_create-notes']);

    const refused = await cutover(db().url, dir, '--format', 'cutover', 'adopt', '--from', 'node-pg-migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_WITHOUT_FILE', rows: ['1690000000000_seed'] });

    const allowed = await cutover(db().url, dir, '--format', 'cutover', 'adopt', '--from', 'node-pg-migrate', '--allow-missing');
    expect(allowed.code).toBe(0);
    expect((await ledger(db().url)).map((r) => [r.version, r.name, r.checksum])).toEqual([
      ['1690000000000', 'seed', 'adopt:node-pg-migrate:no-file'],
      ['1700000000000', 'create-users', expect.any(String)],
      ['1700000100000', 'create-notes', expect.any(String)],
    ]);
  });
});
