/**
 * `cutover backup` and `cutover restore` with Debian's pg_dump 15 against
 * a PostgreSQL 15 server (test/backup/support.ts): exact rows back,
 * one tenant restored with the others untouched, a restore failing
 * mid-way losing nothing, manifests and file modes, pruning, a corrupt
 * dump, and pg_dump missing or too old.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { backup } from '../../src/backup/api.js';
import { ident } from '../../src/db/sql.js';
import { migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { backupTestbed, fingerprint, keywordString, schemasOf } from './support.js';
import { cli } from '../support/cli.js';

const schema = testSchema();
const S = ident(schema);
const bed = backupTestbed('backup');
let dir: string;

beforeEach(async () => {
  dir = await migrationsDir({
    '0001_notes.sql': 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, at timestamptz DEFAULT now());\nINSERT INTO notes (body) SELECT md5(g::text) FROM generate_series(1, 500) g;\n',
    '0002_tags.sql': "CREATE TABLE tags (note_id int REFERENCES notes, tag text);\nINSERT INTO tags SELECT id, 'x' FROM notes WHERE id % 3 = 0;\n",
  });
});

const cutover = (...args: string[]) => bed.cutover(dir, ...args);

describe('backup', () => {
  it('writes a 0600 dump and manifest (ledger, row counts, SHA-256) in a 0700 directory', async () => {
    expect((await cutover('migrate', '--schema', schema)).code).toBe(0);
    const { code, json } = await cutover('backup', '--schema', schema);
    expect(code).toBe(0);
    const [written] = json.backups;
    const m = written.manifest;
    expect(m).toMatchObject({ format: 'cutover-backup/1', database: bed.db.name, schema, pgDumpVersion: expect.stringMatching(/^15\./), serverVersion: expect.stringMatching(/^15\./) });
    expect(m.ledger.map((r: { version: string }) => r.version)).toEqual(['1', '2']);
    expect(m.tables).toContainEqual({ name: 'notes', rows: 500 });
    expect(m.tables).toContainEqual({ name: 'tags', rows: 166 });
    const bytes = await readFile(written.dumpPath);
    expect(m.size).toBe(bytes.length);
    expect(m.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await stat(written.dumpPath)).mode & 0o777).toBe(0o600);
    expect((await stat(written.manifestPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(bed.work, '.cutover/backups'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(written.manifestPath, 'utf8'))).toEqual(m);
  });

  it('--keep N prunes older backups of the same schema only', async () => {
    await cutover('migrate', '--schema', schema);
    await query(bed.db.url, 'CREATE SCHEMA other');
    await cutover('backup', '--schemas', 'other');
    for (let i = 0; i < 3; i++) expect((await cutover('backup', '--schema', schema, '--keep', '2')).code).toBe(0);
    const files = await readdir(join(bed.work, '.cutover/backups'));
    expect(files.filter((f) => f.endsWith('.json')).length).toBe(3); // two of the schema, one of "other"
    expect(files.filter((f) => f.endsWith('.dump')).length).toBe(3);
    const list = await cutover('backup', '--list');
    expect(list.json.backups.map((b: { schema: string }) => b.schema).sort()).toEqual(['other', schema, schema].sort());
  });

  it("schemas whose readable prefixes collide get their own files: --schemas 'tü,té,t-' and long names differing at the end (16.1)", async () => {
    const long = 'tenant_'.repeat(8); // 56 bytes: the readable prefix keeps 40
    const names = ['tü', 'té', 't-', `${long}a`, `${long}b`];
    for (const name of names) await query(bed.db.url, `CREATE SCHEMA ${ident(name)}; CREATE TABLE ${ident(name)}.t (id int)`);
    const { code, json } = await cutover('backup', '--schemas', names.join(','));
    expect(code).toBe(0);
    const files = await readdir(join(bed.work, '.cutover/backups'));
    expect(files.filter((f) => f.endsWith('.dump')).length).toBe(names.length);
    expect(new Set(json.backups.map((b: any) => b.manifest.id)).size).toBe(names.length);
    for (const name of names) {
      const written = json.backups.find((b: any) => b.manifest.schema === name);
      expect(JSON.parse(await readFile(written.manifestPath, 'utf8')).schema).toBe(name);
    }
  });

  it('--schemas takes names and globs, as every command reads it; a name that is not there, or nothing matched, is SCHEMA_NOT_FOUND (17)', async () => {
    await query(bed.db.url, ['tenant_a', 'tenant_b', 'audit', 'other'].map((name) => `CREATE SCHEMA ${ident(name)}`).join(';'));
    const { code, json, stderr } = await cutover('backup', '--schemas', 'tenant_*, audit');
    expect(code, stderr).toBe(0);
    expect(json.backups.map((b: { manifest: { schema: string } }) => b.manifest.schema).sort()).toEqual(['audit', 'tenant_a', 'tenant_b']);
    const typo = await cutover('backup', '--schemas', 'tenant_*,adit');
    expect(typo.code).toBe(2);
    expect(typo.error).toMatchObject({ code: 'SCHEMA_NOT_FOUND', schemas: ['adit'] });
    expect((await cutover('backup', '--schemas', 'nobody_*')).error.code).toBe('SCHEMA_NOT_FOUND');
  });

  it('on a terminal: a live line of the schemas (bar, done/total, elapsed); piped and --json: no line, the output as before (17.6)', async () => {
    await query(bed.db.url, ['p_a', 'p_b', 'p_c'].map((name) => `CREATE SCHEMA ${ident(name)}; CREATE TABLE ${ident(name)}.t AS SELECT generate_series(1, 100) AS id`).join(';'));
    const run = (tty: boolean, ...extra: string[]) => cli(['backup', '--schemas', 'p_*', '--url', bed.db.url, '--dir', dir, ...extra], { cwd: bed.work, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, tty });
    const done = /^backed up schema "p_a" [^\n]*\nbacked up schema "p_b" [^\n]*\nbacked up schema "p_c" [^\n]*\ndone in \S+\n$/;
    const live = await run(true);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stderr).toMatch(/^\r\x1b\[2Kbackup \[·{20}\] 0\/3 · 0 failed · \S+ · schema "p_a"/);
    expect(live.stderr.endsWith('\r\x1b[2K')).toBe(true); // gone before the result is printed
    expect(live.stdout).toMatch(done);
    const piped = await run(false);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(done);
    const json = await run(true, '--json');
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout).backups).toHaveLength(3);
    // restore: its four steps on the same line
    const restored = await cli(['restore', JSON.parse(json.stdout).backups[0].manifestPath, '--yes', '--url', bed.db.url, '--dir', dir], { cwd: bed.work, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, tty: true });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(/^\r\x1b\[2Krestore \[·{20}\] 0\/4 · 0 failed · \S+ · checking the dump/);
    expect(restored.stderr.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('never writes over a backup: the same id again is BACKUP_EXISTS and the first files stay as they were (16.1)', async () => {
    await cutover('migrate', '--schema', schema);
    const out = join(bed.work, 'same');
    const clock = () => new Date('2026-03-01T12:00:00.123Z');
    const first = await backup({ url: bed.db.url, schema, out, clock });
    const [written] = first.backups;
    const before = [await readFile(written!.dumpPath), await readFile(written!.manifestPath)];
    await query(bed.db.url, `INSERT INTO ${S}.notes (body) VALUES ('after the first backup')`);
    await expect(backup({ url: bed.db.url, schema, out, clock })).rejects.toMatchObject({ code: 'BACKUP_EXISTS', details: { file: written!.dumpPath, schema } });
    expect([await readFile(written!.dumpPath), await readFile(written!.manifestPath)]).toEqual(before);
    expect((await readdir(out)).length).toBe(2);
  });

  it('pg_dump missing: PG_DUMP_MISSING, naming where it looked', async () => {
    await cutover('migrate', '--schema', schema);
    const { code, error } = await cutover('backup', '--schema', schema, '--pg-bin', join(bed.work, 'nowhere'));
    expect(code).toBe(1);
    expect(error).toMatchObject({ code: 'PG_DUMP_MISSING', pgBin: join(bed.work, 'nowhere') });
    expect(error.hint).toContain('postgresql-client-15');
  });

  it('pg_dump older than the server: PG_DUMP_TOO_OLD with both versions and the fix', async () => {
    await cutover('migrate', '--schema', schema);
    const bin = join(bed.work, 'old-bin');
    await mkdir(bin);
    await writeFile(join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 12.22"\n');
    await chmod(join(bin, 'pg_dump'), 0o755);
    const { code, error } = await cutover('backup', '--schema', schema, '--pg-bin', bin);
    expect(code).toBe(1);
    expect(error).toMatchObject({ code: 'PG_DUMP_TOO_OLD', pgDumpMajor: 12, serverMajor: 15 });
    expect(error.message).toContain('pg_dump 12.22');
    expect(error.hint).toContain('--pg-bin');
    expect(await readdir(join(bed.work, '.cutover/backups')).catch(() => [])).toEqual([]);
  });
});

describe('any connection string libpq takes (17)', () => {
  it('backup and restore with a keyword string: pg_dump and psql get the connection, the password shows nowhere', async () => {
    expect((await cutover('migrate', '--schema', schema)).code).toBe(0);
    const before = await fingerprint(bed.db.url, `${S}.notes`);
    const url = keywordString(bed.db.url);
    const run = (...args: string[]) => cli([...args, '--url', url, '--dir', dir, '--schema', schema], { cwd: bed.work, env: { PATH: process.env.PATH ?? '' } });
    const backedUp = await run('backup');
    expect(backedUp.code, backedUp.stderr).toBe(0);
    const manifest = (await readdir(join(bed.work, '.cutover/backups'))).find((f) => f.endsWith('.json'))!;
    await query(bed.db.url, `DELETE FROM ${S}.tags; DELETE FROM ${S}.notes WHERE id > 10`);
    const restored = await run('restore', join(bed.work, '.cutover/backups', manifest), '--yes');
    expect(restored.code, restored.stderr).toBe(0);
    expect(await fingerprint(bed.db.url, `${S}.notes`)).toEqual(before);
    const password = decodeURIComponent(new URL(bed.db.url).password);
    for (const output of [backedUp, restored]) expect(`${output.stdout}${output.stderr}`).not.toMatch(new RegExp(`password='?${password}`));
  });
});

describe('restore', () => {
  it('gives back the exact rows, keeps the previous schema until --drop-old, and needs --yes off a terminal', async () => {
    await cutover('migrate', '--schema', schema);
    const before = { notes: await fingerprint(bed.db.url, `${S}.notes`), tags: await fingerprint(bed.db.url, `${S}.tags`) };
    const { json } = await cutover('backup', '--schema', schema);
    const manifestPath = json.backups[0].manifestPath;
    await query(bed.db.url, `DELETE FROM ${S}.tags; UPDATE ${S}.notes SET body = 'changed' WHERE id < 100; INSERT INTO ${S}.notes (body) VALUES ('new')`);

    const refused = await cutover('restore', manifestPath);
    expect(refused.code).toBe(2);
    expect(refused.error.code).toBe('CONFIRMATION_REQUIRED');
    expect((await fingerprint(bed.db.url, `${S}.tags`)).rows).toBe(0);

    const restored = await cutover('restore', manifestPath, '--yes');
    expect(restored.code, restored.stderr).toBe(0);
    expect({ notes: await fingerprint(bed.db.url, `${S}.notes`), tags: await fingerprint(bed.db.url, `${S}.tags`) }).toEqual(before);
    const old = restored.json.previous.schema as string;
    expect(old).toMatch(/_cutover_old_\d{14}$/);
    expect((await fingerprint(bed.db.url, `${ident(old)}.tags`)).rows).toBe(0); // the replaced data, kept
    // The sequence came back too: the next id follows the backup's rows.
    const [next] = await query<{ id: number }>(bed.db.url, `INSERT INTO ${S}.notes (body) VALUES ('after') RETURNING id`);
    expect(next!.id).toBe(501);
    expect((await cutover('status', '--schema', schema, '--check')).code).toBe(0);

    // An id works too; --drop-old removes the replaced schema.
    await new Promise((resolve) => setTimeout(resolve, 1100)); // dated names have one-second resolution
    const again = await cutover('restore', json.backups[0].manifest.id, '--yes', '--drop-old');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.previous.dropped).toBe(true);
    expect((await schemasOf(bed.db.url)).filter((s) => s.includes('_cutover_'))).toEqual([old]);
  });

  it('restoring one tenant leaves every other schema untouched', async () => {
    const tenants = ['tenant one', 'tenant_two'];
    for (const tenant of tenants) expect((await cutover('migrate', '--schema', tenant)).code).toBe(0);
    const { json } = await cutover('backup', '--schemas', tenants.join(','));
    expect(json.backups.map((b: { manifest: { schema: string } }) => b.manifest.schema)).toEqual(tenants);
    const one = await fingerprint(bed.db.url, '"tenant one".notes');
    await query(bed.db.url, 'DELETE FROM "tenant one".notes WHERE id > 10 AND id NOT IN (SELECT note_id FROM "tenant one".tags); DELETE FROM tenant_two.tags');
    const two = await fingerprint(bed.db.url, 'tenant_two.tags');
    expect(two.rows).toBe(0);

    const restored = await cutover('restore', json.backups[0].manifestPath, '--yes', '--drop-old');
    expect(restored.code, restored.stderr).toBe(0);
    expect(await fingerprint(bed.db.url, '"tenant one".notes')).toEqual(one);
    expect(await fingerprint(bed.db.url, 'tenant_two.tags')).toEqual(two);
    expect(await schemasOf(bed.db.url)).toEqual(['public', 'tenant one', 'tenant_two']);
  });

  it('a restore failing mid-way leaves the live schema intact and nothing beside it', async () => {
    // A foreign key into another schema: the dump's data loads, then its constraint fails.
    await query(bed.db.url, `CREATE SCHEMA ref; CREATE TABLE ref.owners (id int PRIMARY KEY); INSERT INTO ref.owners SELECT generate_series(1, 3)`);
    await cutover('migrate', '--schema', schema);
    await query(bed.db.url, `CREATE TABLE ${S}.owned (owner_id int REFERENCES ref.owners); INSERT INTO ${S}.owned VALUES (1), (3)`);
    const { json } = await cutover('backup', '--schema', schema);
    await query(bed.db.url, `DELETE FROM ${S}.owned WHERE owner_id = 3; DELETE FROM ref.owners WHERE id = 3; DELETE FROM ${S}.tags`);
    const live = { notes: await fingerprint(bed.db.url, `${S}.notes`), tags: await fingerprint(bed.db.url, `${S}.tags`), owned: await fingerprint(bed.db.url, `${S}.owned`) };
    const schemas = await schemasOf(bed.db.url);

    const failed = await cutover('restore', json.backups[0].manifestPath, '--yes');
    expect(failed.code).toBe(1);
    expect(failed.error.code).toBe('RESTORE_FAILED');
    expect(failed.error.stderr).toContain('foreign key');
    expect({ notes: await fingerprint(bed.db.url, `${S}.notes`), tags: await fingerprint(bed.db.url, `${S}.tags`), owned: await fingerprint(bed.db.url, `${S}.owned`) }).toEqual(live);
    expect(await schemasOf(bed.db.url)).toEqual(schemas);
  });

  it('a dump that does not match its manifest is refused before anything changes', async () => {
    await cutover('migrate', '--schema', schema);
    const { json } = await cutover('backup', '--schema', schema);
    const dumpPath = json.backups[0].dumpPath as string;
    const bytes = await readFile(dumpPath);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    await writeFile(dumpPath, bytes);
    await query(bed.db.url, `DELETE FROM ${S}.tags`);
    const { code, error } = await cutover('restore', dumpPath, '--yes');
    expect(code).toBe(2);
    expect(error).toMatchObject({ code: 'BACKUP_CORRUPT', file: dumpPath, expected: json.backups[0].manifest.sha256 });
    expect((await fingerprint(bed.db.url, `${S}.tags`)).rows).toBe(0);
    expect((await cutover('restore', join(bed.work, 'nope.json'), '--yes')).error.code).toBe('BACKUP_NOT_FOUND');
  });
});
