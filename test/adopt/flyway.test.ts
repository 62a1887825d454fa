/**
 * `adopt --from flyway` against `flyway_schema_history` as Flyway writes it:
 * the `<< Flyway Schema Creation >>` SCHEMA row, a BASELINE row covering
 * the versions at or below it, versioned SQL rows with Flyway's CRC32, a
 * repeatable's rows (version NULL), a failed row, and edited files (CRLF is
 * no edit for Flyway).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHistory, cutover, ledger, snapshot, sql, tableExists, useDatabase, writeDir, schema } from './support.js';

const db = useDatabase();

const FILES = {
  'V1__create_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
  'V1_1__add_email.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
  'V2__create_notes.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);\n',
  'R__users_view.sql': 'CREATE OR REPLACE VIEW users_view AS SELECT id FROM users;\n',
};

/** Flyway's ChecksumCalculator: CRC32 over the lines without terminators, signed. */
const flywayCrc = (text: string) => crc32(text.replace(/^\uFEFF/, '').replace(/[\r\n]/g, '')) | 0;

let rank = 0;
async function row(values: { version: string | null; description: string; type: string; script: string; checksum: number | null; success?: boolean; rank?: number }): Promise<void> {
  await sql(db().url, `INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
    VALUES ($1, $2, $3, $4, $5, $6, 'postgres', 7, $7)`, [values.rank ?? ++rank, values.version, values.description, values.type, values.script, values.checksum, values.success ?? true]);
}

/** A database Flyway baselined at 1, then migrated to 1.1 with the repeatable. */
async function flywayDatabase(dir: string, options: { viewChecksumOf?: string } = {}): Promise<void> {
  rank = 0;
  await createHistory(db().url, 'flyway');
  await row({ rank: 0, version: null, description: '<< Flyway Schema Creation >>', type: 'SCHEMA', script: `"${schema}"`, checksum: null });
  await row({ version: '1', description: '<< Flyway Baseline >>', type: 'BASELINE', script: '<< Flyway Baseline >>', checksum: null });
  await sql(db().url, 'CREATE TABLE users (id bigint PRIMARY KEY); ALTER TABLE users ADD COLUMN email text; CREATE VIEW users_view AS SELECT id FROM users');
  await row({ version: '1.1', description: 'add email', type: 'SQL', script: 'V1_1__add_email.sql', checksum: flywayCrc(await readFile(join(dir, 'V1_1__add_email.sql'), 'utf8')) });
  await row({ version: null, description: 'users view', type: 'SQL', script: 'R__users_view.sql', checksum: flywayCrc(options.viewChecksumOf ?? FILES['R__users_view.sql']) });
}

describe('adopt --from flyway', () => {
  it('skips the schema marker, covers the baseline, matches versions and the repeatable; migrate then runs V2 only', async () => {
    const dir = await writeDir(FILES);
    await flywayDatabase(dir);
    const before = await snapshot(db().url, 'flyway_schema_history');

    const adopted = await cutover(db().url, dir, '--format', 'flyway', 'adopt', '--from', 'flyway');
    expect(adopted.code).toBe(0);
    expect(adopted.json.entries.map((e: any) => [e.version, e.because])).toEqual([['1', 'baseline'], ['1.1', 'row'], ['R__users_view', 'row']]);
    expect(adopted.json.pending).toEqual([{ version: '2', file: 'V2__create_notes.sql', position: 'newer' }]);
    expect(adopted.json.ignored).toEqual([{ key: '<< Flyway Schema Creation >>', why: expect.stringContaining('SCHEMA') }]);
    expect((await ledger(db().url)).map((r) => [r.version, r.name, r.duration_ms]).sort()).toEqual([['1', 'create users', null], ['1.1', 'add email', 7], ['R__users_view', 'users view', 7]]);
    expect(await snapshot(db().url, 'flyway_schema_history')).toBe(before);

    const migrated = await cutover(db().url, dir, '--format', 'flyway', 'migrate');
    expect(migrated.code).toBe(0);
    expect(migrated.json.applied.map((s: any) => s.migration.version)).toEqual(['2']);
  });

  it('records a repeatable changed since Flyway ran it so that migrate runs it again, as Flyway would', async () => {
    const dir = await writeDir(FILES);
    await flywayDatabase(dir, { viewChecksumOf: 'CREATE OR REPLACE VIEW users_view AS SELECT 1 AS id;\n' });

    const adopted = await cutover(db().url, dir, '--format', 'flyway', 'adopt', '--from', 'flyway');
    expect(adopted.code).toBe(0);
    expect(adopted.json.edited).toEqual([]);
    expect(adopted.json.entries.find((e: any) => e.version === 'R__users_view')).toMatchObject({ rerun: true, checksum: expect.stringMatching(/^flyway:crc32:/) });

    const migrated = await cutover(db().url, dir, '--format', 'flyway', 'migrate');
    expect(migrated.json.applied.map((s: any) => s.migration.version)).toEqual(['2', 'R__users_view']);
  });

  it('refuses a failed row with the flyway repair fix, changing nothing', async () => {
    const dir = await writeDir(FILES);
    await flywayDatabase(dir);
    await row({ version: '2', description: 'create notes', type: 'SQL', script: 'V2__create_notes.sql', checksum: flywayCrc(FILES['V2__create_notes.sql']), success: false });

    const refused = await cutover(db().url, dir, '--format', 'flyway', 'adopt', '--from', 'flyway');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_DIRTY', from: 'flyway', version: '2' });
    expect(refused.error.hint).toContain('flyway repair');
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });

  it('refuses a versioned file edited since Flyway applied it, but not one whose line endings changed', async () => {
    const dir = await writeDir(FILES);
    await flywayDatabase(dir);
    await writeFile(join(dir, 'R__users_view.sql'), FILES['R__users_view.sql'].replace(/\n/g, '\r\n'));
    await writeFile(join(dir, 'V1_1__add_email.sql'), FILES['V1_1__add_email.sql'].replace(/\n/g, '\r\n'));
    expect((await cutover(db().url, dir, '--format', 'flyway', 'adopt', '--from', 'flyway', '--dry-run')).json).toMatchObject({ outcome: 'would-adopt', edited: [] });

    await writeFile(join(dir, 'V1_1__add_email.sql'), 'ALTER TABLE users ADD COLUMN email text NOT NULL;\n');
    const refused = await cutover(db().url, dir, '--format', 'flyway', 'adopt', '--from', 'flyway');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_EDITED', files: ['V1_1__add_email.sql'] });
    expect(refused.error.edited[0].recorded).toBe(`crc32:${flywayCrc(FILES['V1_1__add_email.sql'])}`);
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });
});
