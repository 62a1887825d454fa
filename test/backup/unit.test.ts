/** The pure parts of src/backup, without a database: naming, manifests, pruning, tool lookup, diffs. */
import { describe, expect, it } from 'vitest';
import { backupForVersion, backupId, describeAge, ledgerVersion, parseManifest, toPrune, type BackupManifest } from '../../src/backup/manifest.js';
import { findPgTools, parseToolVersion, toolConnection } from '../../src/backup/pg-tools.js';
import { diffSchemas } from '../../src/backup/schema-diff.js';
import { rebuildSql } from '../../src/backup/invalid-indexes.js';
import { besideName } from '../../src/backup/restore.js';
import { appQueries, isCheckable } from '../../src/backup/old-queries.js';
import { rowsTouched, type TableStats } from '../../src/backup/rows-touched.js';
import type { BackupFiles, ProcessRunner } from '../../src/backup/ports.js';

const manifest = (over: Partial<BackupManifest>): BackupManifest => ({
  format: 'cutover-backup/1', id: 'x', createdAt: '2026-03-01T12:00:00.000Z', cutoverVersion: '0.1.0', database: 'app', target: 't', schema: 'public',
  serverVersion: '15.18', pgDumpVersion: '15.18', file: 'x.dump', size: 1, sha256: 'ab', ledger: [], tables: [], ...over,
});
const row = (version: string) => ({ version, name: 'n', phase: 'pre', state: 'applied', checksum: 'c' });

describe('manifests', () => {
  it('names backups by time, database and schema', () => {
    expect(backupId(new Date('2026-03-01T12:00:00.123Z'), 'app', 'tenant one')).toMatch(/^20260301T120000123Z_app_tenant-one_[0-9a-f]{10}$/);
    expect(besideName('tenant_1', 'old', new Date('2026-03-01T12:00:00Z'))).toBe('tenant_1_cutover_old_20260301120000');
    expect(besideName('x'.repeat(70), 'restore', new Date()).length).toBeLessThanOrEqual(63);
  });

  it('parses only cutover manifests', () => {
    expect(parseManifest(JSON.stringify(manifest({})), 'm.json').id).toBe('x');
    expect(() => parseManifest('{', 'm.json')).toThrow(expect.objectContaining({ code: 'BACKUP_CORRUPT' }));
    expect(() => parseManifest(JSON.stringify(manifest({ file: '../etc/passwd' })), 'm.json')).toThrow(expect.objectContaining({ code: 'BACKUP_CORRUPT' }));
  });

  it('prunes per database and schema, newest kept', () => {
    const ms = [
      manifest({ id: 'a1', createdAt: '2026-03-01T00:00:00Z' }), manifest({ id: 'a2', createdAt: '2026-03-02T00:00:00Z' }), manifest({ id: 'a3', createdAt: '2026-03-03T00:00:00Z' }),
      manifest({ id: 'b1', schema: 'other', createdAt: '2026-03-01T00:00:00Z' }),
    ];
    expect(toPrune(ms, 2).map((m) => m.id)).toEqual(['a1']);
  });

  it('finds the newest backup whose ledger stops at a version', () => {
    const ms = [
      manifest({ id: 'old', createdAt: '2026-03-01T00:00:00Z', ledger: [row('1')] }),
      manifest({ id: 'new', createdAt: '2026-03-02T00:00:00Z', ledger: [row('1')] }),
      manifest({ id: 'ahead', createdAt: '2026-03-03T00:00:00Z', ledger: [row('1'), row('2')] }),
      manifest({ id: 'empty', createdAt: '2026-03-01T00:00:00Z' }),
    ];
    expect(ledgerVersion(ms[2]!)).toBe('2');
    expect(backupForVersion(ms, { database: 'app', schema: 'public', version: '0001' })?.id).toBe('new');
    expect(backupForVersion(ms, { database: 'app', schema: 'public', version: '0' })?.id).toBe('empty');
    expect(backupForVersion(ms, { database: 'other', schema: 'public', version: '1' })).toBeUndefined();
    expect(describeAge(90 * 60_000)).toBe('1 hour');
  });
});

describe('client programs', () => {
  it('parses versions and keeps the password off the command line', () => {
    expect(parseToolVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).toEqual({ version: '15.18', major: 15 });
    expect(parseToolVersion('pg_dump (PostgreSQL) 18beta1')).toEqual({ version: '18', major: 18 });
    const c = toolConnection('postgres://app:s%40cret@db:5432/app', 'cutover backup');
    expect(c.dbname).not.toContain('cret');
    expect(c.env).toEqual({ PGPASSWORD: 's@cret' });
  });

  it('takes every connection string migrate takes: keyword strings and socket URLs, the password in PGPASSWORD only (17)', () => {
    const keywords = toolConnection("host=/run/pg port=5433 dbname='my app' user=app password='a b\\'c' sslmode=no-verify", 'cutover backup');
    expect(keywords).toEqual({ dbname: "host='/run/pg' port='5433' user='app' sslmode='require' dbname='my app' application_name='cutover backup'", env: { PGPASSWORD: "a b'c" } });
    const socket = toolConnection('postgres://app:pw@/app?host=/cloudsql/p:r:i', 'cutover restore');
    expect(socket).toEqual({ dbname: "host='/cloudsql/p:r:i' user='app' dbname='app' application_name='cutover restore'", env: { PGPASSWORD: 'pw' } });
    expect(() => toolConnection('mysql://app:secret@db/app', 'cutover backup')).toThrow(expect.objectContaining({ code: 'INVALID_URL', message: expect.not.stringContaining('secret') }));
  });

  const files = (dirs: string[]) => ({ list: async () => dirs } as unknown as BackupFiles);
  const runner = (versions: Record<string, string>): ProcessRunner => ({
    run: async (command) => (versions[command] ? { code: 0, stdout: `pg_dump (PostgreSQL) ${versions[command]}`, stderr: '' } : { code: null, stdout: '', stderr: '', missing: true }),
  });

  it('takes the first pg_dump at least as new as the server: PATH, then /usr/lib/postgresql newest first', async () => {
    const found = await findPgTools(runner({ pg_dump: '15.1', '/usr/lib/postgresql/18/bin/pg_dump': '18.1' }), files(['15', '18']), { serverMajor: 18, target: 't' });
    expect(found).toMatchObject({ major: 18, pgRestore: '/usr/lib/postgresql/18/bin/pg_restore' });
    await expect(findPgTools(runner({ pg_dump: '15.1' }), files([]), { serverMajor: 18, target: 't' })).rejects.toMatchObject({ code: 'PG_DUMP_TOO_OLD', details: { pgDumpMajor: 15, serverMajor: 18 } });
    await expect(findPgTools(runner({}), files([]), { serverMajor: 15, target: 't' })).rejects.toMatchObject({ code: 'PG_DUMP_MISSING' });
    // --pg-bin: only there.
    await expect(findPgTools(runner({ pg_dump: '18.1' }), files([]), { serverMajor: 15, target: 't', pgBin: '/opt/pg' })).rejects.toMatchObject({ code: 'PG_DUMP_MISSING' });
  });
});

describe('diffs and fixes', () => {
  it('diffs schema objects', () => {
    const before = [{ kind: 'column' as const, name: 'users.email', definition: 'text' }, { kind: 'column' as const, name: 'users.id', definition: 'integer' }];
    const after = [{ kind: 'column' as const, name: 'users.id', definition: 'bigint' }, { kind: 'column' as const, name: 'users.login', definition: 'text' }];
    expect(diffSchemas(before, after)).toEqual({
      added: [after[1]], removed: [before[0]], changed: [{ kind: 'column', name: 'users.id', before: 'integer', after: 'bigint' }],
    });
  });

  it('rebuilds an index concurrently from its definition', () => {
    expect(rebuildSql('tenant one', 'users_email', 'CREATE UNIQUE INDEX users_email ON "tenant one".users USING btree (email)')).toEqual([
      'DROP INDEX CONCURRENTLY IF EXISTS "tenant one"."users_email"',
      'CREATE UNIQUE INDEX CONCURRENTLY users_email ON "tenant one".users USING btree (email)',
    ]);
  });

  it('checks only reads and writes of the app', () => {
    expect(isCheckable('SELECT 1')).toBe(true);
    expect(isCheckable('with x as (select 1) select * from x')).toBe(true);
    expect(isCheckable('SET search_path = x')).toBe(false);
    expect(isCheckable('SELECT * FROM cutover_migrations')).toBe(false);
    expect(isCheckable('SELECT /* cutover */ 0 AS i, count(*)::bigint AS n FROM "public"."users"')).toBe(false);
  });

  it('leaves out pg_dump\'s and cutover\'s catalog queries, keeps anything that reads a user table', async () => {
    const { queries, own } = await appQueries([
      'SELECT tableoid, oid, datname, daticulocale FROM pg_database WHERE datname = current_database()',
      'SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1',
      'WITH x AS (SELECT oid FROM pg_class) SELECT * FROM x',
      'SELECT column_name FROM information_schema.columns WHERE table_name = $1',
      'SELECT email FROM users WHERE id = $1',
      'SELECT u.email FROM users u JOIN pg_class c ON c.relname = $1',
      'SELECT $1',
      'SET search_path = x',
    ]);
    expect(queries).toEqual(['SELECT email FROM users WHERE id = $1', 'SELECT u.email FROM users u JOIN pg_class c ON c.relname = $1', 'SELECT $1']);
    expect(own).toBe(4);
  });
});

describe('rows touched', () => {
  const stats = (entries: Record<string, [relid: number, inserted: number, updated: number, deleted: number]>) =>
    new Map(Object.entries(entries).map(([name, [relid, inserted, updated, deleted]]): [string, TableStats] => [name, { relid, inserted, updated, hotUpdated: 0, deleted }]));

  it('subtracts the counters, keeps the counts, and leaves out untouched tables and the ledger', () => {
    const before = { counts: [{ name: 'a', rows: 10 }, { name: 'b', rows: 5 }, { name: 'cutover_migrations', rows: 1 }], stats: stats({ a: [1, 10, 0, 0], b: [2, 5, 0, 0], cutover_migrations: [3, 1, 0, 0] }) };
    const after = { counts: [{ name: 'a', rows: 10 }, { name: 'b', rows: 5 }, { name: 'cutover_migrations', rows: 2 }], stats: stats({ a: [1, 10, 4, 0], b: [2, 5, 0, 0], cutover_migrations: [3, 2, 0, 0] }) };
    expect(rowsTouched(before, after)).toEqual([{ table: 'a', inserted: 0, updated: 4, hotUpdated: 0, deleted: 0, before: 10, after: 10 }]);
  });

  it('a new table, or one dropped and created again under its name, starts from nothing; a TRUNCATE shows in the counts', () => {
    const before = { counts: [{ name: 'a', rows: 3 }, { name: 't', rows: 7 }], stats: stats({ a: [1, 3, 0, 0], t: [5, 7, 0, 0] }) };
    const after = { counts: [{ name: 'a', rows: 2 }, { name: 'n', rows: 1 }, { name: 't', rows: 0 }], stats: stats({ a: [9, 2, 0, 0], n: [10, 1, 0, 0], t: [5, 7, 0, 0] }) };
    expect(rowsTouched(before, after)).toEqual([
      { table: 'a', inserted: 2, updated: 0, hotUpdated: 0, deleted: 0, before: 3, after: 2 },
      { table: 'n', inserted: 1, updated: 0, hotUpdated: 0, deleted: 0, before: 0, after: 1 },
      { table: 't', inserted: 0, updated: 0, hotUpdated: 0, deleted: 0, before: 7, after: 0 },
    ]);
  });

  it('without counters (track_counts off): only tables whose count changed, with the counts', () => {
    expect(rowsTouched({ counts: [{ name: 'a', rows: 1 }, { name: 'b', rows: 1 }] }, { counts: [{ name: 'a', rows: 2 }, { name: 'b', rows: 1 }] })).toEqual([{ table: 'a', before: 1, after: 2 }]);
  });
});
