/**
 * `adopt --from sqlx` against `_sqlx_migrations` built and filled as sqlx
 * does (sqlx-postgres migrate.rs: the row inserted with the SHA-384 of the
 * file, execution_time in nanoseconds): the adoption itself, the old table
 * left alone, a re-run, the next migrate, a failed row, an edited file
 * (and a CRLF file, which is not edited), and rows without files.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, createHistory, cutover, ledger, snapshot, sql, tableExists, useDatabase, writeDir } from './support.js';

const db = useDatabase();

const FILES = {
  '20240101000000_create_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
  '20240102000000_create_notes.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY, body text);\r\nCREATE INDEX notes_body ON notes (body);\r\n',
  '20240103000000_create_tags.sql': 'CREATE TABLE tags (id bigint);\n',
};

const sha256 = (text: string) => createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');

/** Run a file and record it as `sqlx migrate run` does. */
async function applyAsSqlx(dir: string, file: string, options: { success?: boolean; executionNs?: number } = {}): Promise<void> {
  const bytes = await readFile(join(dir, file));
  const [version, ...rest] = file.replace(/\.sql$/, '').split('_');
  await createHistory(db().url, 'sqlx');
  if (options.success !== false) await sql(db().url, bytes.toString('utf8'));
  await sql(db().url, 'INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, $2, $3, $4, $5)', [
    version, rest.join(' '), options.success ?? true, createHash('sha384').update(bytes).digest(), options.executionNs ?? 2_500_000,
  ]);
}

describe('adopt --from sqlx', () => {
  it('records every row, leaves _sqlx_migrations untouched; a re-run is a no-op and migrate runs only the file without a row', async () => {
    const dir = await writeDir(FILES);
    await applyAsSqlx(dir, '20240101000000_create_users.sql', { executionNs: 12_000_000 });
    await applyAsSqlx(dir, '20240102000000_create_notes.sql');
    await sql(db().url, "UPDATE _sqlx_migrations SET installed_on = '2024-01-02 03:04:05+00' WHERE version = 20240101000000");
    const before = await snapshot(db().url, '_sqlx_migrations');

    const adopted = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx', '--reason', 'switching to cutover');
    expect(adopted.code).toBe(0);
    expect(adopted.json).toMatchObject({ ok: true, outcome: 'adopted', from: 'sqlx', table: expect.stringContaining('_sqlx_migrations'), rowsWithoutFiles: [], edited: [] });
    expect(adopted.json.pending).toEqual([{ version: '20240103000000', file: '20240103000000_create_tags.sql', position: 'newer' }]);

    const rows = await ledger(db().url);
    expect(rows.map((r) => [r.version, r.state, r.phase, r.applied_by, r.checksum])).toEqual([
      ['20240101000000', 'applied', 'pre', 'adopt:sqlx', sha256(FILES['20240101000000_create_users.sql'])],
      ['20240102000000', 'applied', 'pre', 'adopt:sqlx', sha256(FILES['20240102000000_create_notes.sql'])],
    ]);
    expect(rows[0]!.applied_at.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(rows.map((r) => r.duration_ms)).toEqual([12, 3]);
    const [entry, ...more] = await audit(db().url);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ action: 'adopt --from sqlx', reason: 'switching to cutover', version: '20240102000000' });
    expect(entry!.details).toMatchObject({ from: 'sqlx', adopted: ['20240101000000', '20240102000000'] });
    expect(await snapshot(db().url, '_sqlx_migrations')).toBe(before);

    const again = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx');
    expect(again.code).toBe(0);
    expect(again.json.outcome).toBe('already-adopted');
    expect(await audit(db().url)).toHaveLength(1);

    const migrated = await cutover(db().url, dir, 'migrate', '--format', 'sqlx');
    expect(migrated.code).toBe(0);
    expect(migrated.json.applied.map((s: any) => s.migration.version)).toEqual(['20240103000000']);
    expect(await tableExists(db().url, 'tags')).toBe(true);

    // After cutover applied more, adopting again is still a no-op.
    expect((await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx')).json.outcome).toBe('already-adopted');
    expect(await snapshot(db().url, '_sqlx_migrations')).toBe(before);
  });

  it('refuses a failed row (success = false) with sqlx\'s fix, changing nothing', async () => {
    const dir = await writeDir(FILES);
    await applyAsSqlx(dir, '20240101000000_create_users.sql');
    await applyAsSqlx(dir, '20240102000000_create_notes.sql', { success: false });

    const refused = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_DIRTY', from: 'sqlx', version: '20240102000000' });
    expect(refused.error.hint).toContain('WHERE version = 20240102000000');
    expect(refused.error.hint).toContain('SET success = true');
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });

  it('refuses a file edited since sqlx applied it; --accept-edited adopts it and says so in cutover_audit', async () => {
    const dir = await writeDir(FILES);
    await applyAsSqlx(dir, '20240101000000_create_users.sql');
    await applyAsSqlx(dir, '20240102000000_create_notes.sql');
    const edited = '-- users of the app\nCREATE TABLE users (id bigint PRIMARY KEY);\n';
    await writeFile(join(dir, '20240101000000_create_users.sql'), edited);

    const refused = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx');
    expect(refused.code).toBe(1);
    // The CRLF file is hashed as its bytes, as sqlx hashes it: not edited.
    expect(refused.error).toMatchObject({ code: 'HISTORY_EDITED', files: ['20240101000000_create_users.sql'] });
    expect(refused.error.hint).toContain('--accept-edited');
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);

    const accepted = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx', '--accept-edited');
    expect(accepted.code).toBe(0);
    expect(accepted.json.entries[0]).toMatchObject({ version: '20240101000000', edited: true, checksum: sha256(edited) });
    const [entry] = await audit(db().url);
    expect(entry!.details.editedAccepted).toEqual([expect.objectContaining({ file: '20240101000000_create_users.sql', recorded: expect.stringMatching(/^sha384:/) })]);
    expect((await cutover(db().url, dir, 'status', '--format', 'sqlx', '--check')).code).toBe(3); // only the pending third file
  });

  it('refuses rows without files; --allow-missing records them, and migrate then warns that the database is ahead', async () => {
    const dir = await writeDir(FILES);
    for (const file of Object.keys(FILES)) await applyAsSqlx(dir, file);
    await rm(join(dir, '20240103000000_create_tags.sql'));

    const refused = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_WITHOUT_FILE', rows: ['20240103000000'] });
    expect(refused.error.hint).toContain('--allow-missing');
    expect(refused.error.report.rowsWithoutFiles).toEqual([expect.objectContaining({ key: '20240103000000', description: 'create tags' })]);
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);

    const allowed = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--format', 'sqlx', '--allow-missing');
    expect(allowed.code).toBe(0);
    expect((await ledger(db().url)).map((r) => [r.version, r.name, r.checksum])).toEqual([
      ['20240101000000', 'create users', sha256(FILES['20240101000000_create_users.sql'])],
      ['20240102000000', 'create notes', sha256(FILES['20240102000000_create_notes.sql'])],
      ['20240103000000', 'create tags', 'adopt:sqlx:no-file'],
    ]);
    const migrated = await cutover(db().url, dir, 'migrate', '--format', 'sqlx');
    expect(migrated.code).toBe(0);
    expect(migrated.json.warnings).toEqual([expect.objectContaining({ code: 'MISSING_ON_DISK', version: '20240103000000' })]);
  });
});
