/**
 * `adopt --from golang-migrate`: its one-row `schema_migrations(version,
 * dirty)` means "every file at or below this version is applied"; a dirty
 * row is refused with the `migrate force` fix; a current version without a
 * file is a row without a file; dbmate's table of the same name is told apart.
 */
import { describe, expect, it } from 'vitest';
import { createHistory, cutover, ledger, snapshot, sql, tableExists, useDatabase, writeDir } from './support.js';

const db = useDatabase();

// golang-migrate's names, with its zero-padded sequence numbers and optional downs.
const FILES = {
  '000001_create_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
  '000001_create_users.down.sql': 'DROP TABLE users;\n',
  '000002_create_notes.up.sql': 'BEGIN;\nCREATE TABLE notes (id bigint PRIMARY KEY);\nCOMMIT;\n',
  '000002_create_notes.down.sql': 'DROP TABLE notes;\n',
  '000010_create_tags.up.sql': 'CREATE TABLE tags (id bigint);\n',
};

async function migratedTo(version: number, dirty = false): Promise<void> {
  await createHistory(db().url, 'golang-migrate');
  await sql(db().url, 'CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE notes (id bigint PRIMARY KEY)');
  await sql(db().url, 'INSERT INTO schema_migrations (version, dirty) VALUES ($1, $2)', [version, dirty]);
}

describe('adopt --from golang-migrate', () => {
  it('records every file at or below the current version; the rest runs on the next migrate, and rollback uses the downs', async () => {
    const dir = await writeDir(FILES);
    await migratedTo(2);
    const before = await snapshot(db().url, 'schema_migrations');

    const adopted = await cutover(db().url, dir, 'adopt', '--from', 'golang-migrate', '--format', 'golang-migrate');
    expect(adopted.code).toBe(0);
    expect(adopted.json.entries.map((e: any) => [e.version, e.because])).toEqual([['1', 'current-version'], ['2', 'current-version']]);
    expect(adopted.json.pending).toEqual([{ version: '10', file: '000010_create_tags.up.sql', position: 'newer' }]);
    const rows = await ledger(db().url);
    expect(rows.map((r) => [r.version, r.applied_by, r.duration_ms])).toEqual([['1', 'adopt:golang-migrate', null], ['2', 'adopt:golang-migrate', null]]);
    expect(await snapshot(db().url, 'schema_migrations')).toBe(before);

    // The adopted rows are cutover's now: a rollback runs golang-migrate's down file.
    const rolledBack = await cutover(db().url, dir, 'rollback', '--to', '1', '--format', 'golang-migrate');
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.json.applied.map((s: any) => [s.migration.version, s.migration.direction])).toEqual([['2', 'down']]);
    expect(await tableExists(db().url, 'notes')).toBe(false);

    const migrated = await cutover(db().url, dir, 'migrate', '--format', 'golang-migrate');
    expect(migrated.code).toBe(0);
    expect(migrated.json.applied.map((s: any) => s.migration.version)).toEqual(['2', '10']);
    expect(await tableExists(db().url, 'tags')).toBe(true);
  });

  it('refuses a dirty version with the migrate force fix, changing nothing', async () => {
    const dir = await writeDir(FILES);
    await migratedTo(2, true);

    const refused = await cutover(db().url, dir, 'adopt', '--from', 'golang-migrate', '--format', 'golang-migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_DIRTY', from: 'golang-migrate', version: '2' });
    expect(refused.error.hint).toContain('force 2');
    expect(refused.error.hint).toContain('force 1');
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });

  it('refuses a current version that has no file, and an empty table adopts nothing', async () => {
    const dir = await writeDir(FILES);
    await migratedTo(3);
    const refused = await cutover(db().url, dir, 'adopt', '--from', 'golang-migrate', '--format', 'golang-migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_WITHOUT_FILE', rows: ['3'] });

    await sql(db().url, 'DELETE FROM schema_migrations');
    const empty = await cutover(db().url, dir, 'adopt', '--from', 'golang-migrate', '--format', 'golang-migrate');
    expect(empty.code).toBe(0);
    expect(empty.json).toMatchObject({ outcome: 'nothing-to-adopt', entries: [] });
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });

  it('tells golang-migrate\'s schema_migrations from dbmate\'s by its columns', async () => {
    const dir = await writeDir(FILES);
    await migratedTo(2);
    const wrong = await cutover(db().url, dir, 'adopt', '--from', 'dbmate', '--format', 'golang-migrate');
    expect(wrong.code).toBe(2);
    expect(wrong.error).toMatchObject({ code: 'HISTORY_NOT_FOUND', looksLike: 'golang-migrate' });
    expect(wrong.error.hint).toContain('--from golang-migrate');
  });
});
