/**
 * `cutover rehearse` (issue 6, item 4) and `cutover copy` (item 6) with
 * Debian's pg_dump 15 against PostgreSQL 15: a failing migration reported
 * with its location, a broken old query found, the schema diff, the
 * scratch database dropped; a copy between two servers verified.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { backupTestbed, databaseOn, expectScenarioRows, fingerprint, keywordString, ROWS_SCENARIO, startPg15, type Pg15Server } from './support.js';

const schema = testSchema();
const S = ident(schema);
const bed = backupTestbed('rehearse');
const cutover = (dir: string, ...args: string[]) => bed.cutover(dir, ...args, '--schema', schema);

const scratchDatabases = async () => (await query<{ name: string }>(bed.server.adminUrl, `SELECT datname AS name FROM pg_database WHERE datname LIKE 'cutover_rehearse_%'`)).map((r) => r.name);

describe('rehearse', () => {
  it('reports each migration, the schema diff and an old query that breaks; production is untouched', async () => {
    const dir = await migrationsDir({ '0001_users.sql': "CREATE TABLE users (id int PRIMARY KEY, email text, name text);\nINSERT INTO users SELECT g, g || '@x', 'n' FROM generate_series(1, 50) g;\n" });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    await writeFile(join(dir, '0002_expand.sql'), 'ALTER TABLE users ADD COLUMN login text;\nUPDATE users SET login = email;\nCREATE INDEX users_login ON users (login);\nINSERT INTO users VALUES (51);\n');
    await writeFile(join(dir, '0003_contract.sql'), '-- cutover:phase post\nALTER TABLE users DROP COLUMN email;\n');
    await writeFile(join(bed.work, 'queries.sql'), 'SELECT id, email FROM users WHERE id = $1;\nSELECT name FROM users;\nSELECT nonsense FROM nowhere;\n');
    const before = await fingerprint(bed.db.url, `${S}.users`);

    const { code, error } = await cutover(dir, 'rehearse', '--queries', join(bed.work, 'queries.sql'));
    expect(code).toBe(3);
    expect(error.code).toBe('REHEARSAL_FAILED');
    const report = error.report;
    expect(report.migrations.map((m: { file: string; error?: unknown }) => [m.file, m.error === undefined])).toEqual([['0002_expand.sql', true], ['0003_contract.sql', true]]);
    expect(report.migrations[0].rows).toEqual([{ table: 'users', inserted: 1, updated: 50, hotUpdated: expect.any(Number), deleted: 0, before: 50, after: 51 }]);
    expect(report.migrations[1].rows).toEqual([]); // DROP COLUMN writes no rows
    expect(report.scratch.serverVersion).toMatch(/^15\./);
    expect(report.diff.added).toContainEqual({ kind: 'column', name: 'users.login', definition: 'text' });
    expect(report.diff.added).toContainEqual(expect.objectContaining({ kind: 'index', name: 'users.users_login' }));
    expect(report.diff.removed).toEqual([{ kind: 'column', name: 'users.email', definition: 'text' }]);
    expect(report.oldCode).toMatchObject({ source: 'file', checked: 2, skipped: 1 });
    expect(report.oldCode.broken).toEqual([expect.objectContaining({ query: 'SELECT id, email FROM users WHERE id = $1', sqlstate: '42703' })]);
    // Production: nothing ran, nothing changed; the scratch database is gone.
    expect(await fingerprint(bed.db.url, `${S}.users`)).toEqual(before);
    expect((await query<{ version: string }>(bed.db.url, `SELECT version FROM ${S}.cutover_migrations`)).map((r) => r.version)).toEqual(['1']);
    expect(await scratchDatabases()).not.toContain(report.scratch.database);
  });

  it('a migration failing on the real data is reported with file:line:column; --schema-only and --keep', async () => {
    const dir = await migrationsDir({ '0001_users.sql': "CREATE TABLE users (id int PRIMARY KEY, email text);\nINSERT INTO users VALUES (1, 'a@x'), (2, NULL);\n" });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    await writeFile(join(dir, '0002_not_null.sql'), '-- cutover:phase post\nUPDATE users SET email = lower(email);\n\nALTER TABLE users\n  ALTER COLUMN email SET NOT NULL;\n');
    await writeFile(join(dir, '0003_later.sql'), 'CREATE TABLE later (id int);\n');

    const failed = await cutover(dir, 'rehearse');
    expect(failed.code).toBe(3);
    const m = failed.error.report.migrations;
    expect(m).toHaveLength(1);
    expect(m[0].error).toMatchObject({ code: 'MIGRATION_FAILED', file: '0002_not_null.sql', line: 4, column: 1, sqlstate: '23502' });
    // What it did before failing counts, though it was rolled back: the counts show nothing left.
    expect(m[0].rows).toEqual([{ table: 'users', inserted: 0, updated: 2, hotUpdated: expect.any(Number), deleted: 0, before: 2, after: 2 }]);
    expect(failed.error.report.notRun).toEqual(['0003_later.sql']);
    expect(failed.error.report.oldCode.source).toMatch(/none|pg_stat_statements/);

    // The structure alone passes: only the data makes it fail. --keep leaves the copy for a look.
    const structural = await cutover(dir, 'rehearse', '--schema-only', '--keep');
    expect(structural.code, structural.stderr).toBe(0);
    expect(structural.json.migrations.map((x: { file: string }) => x.file)).toEqual(['0002_not_null.sql', '0003_later.sql']);
    expect(await scratchDatabases()).not.toContain(failed.error.report.scratch.database);
    expect(await scratchDatabases()).toContain(structural.json.scratch.database);
    await query(bed.server.adminUrl, `DROP DATABASE ${ident(structural.json.scratch.database)} WITH (FORCE)`);
  });
});

describe('rehearse with a keyword string (17)', () => {
  it('copies through pg_dump/pg_restore and runs the pending migrations on the scratch database', async () => {
    const dir = await migrationsDir({ '0001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\nINSERT INTO users SELECT generate_series(1, 20);\n' });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    await writeFile(join(dir, '0002_name.sql'), 'ALTER TABLE users ADD COLUMN name text;\n');
    const result = await cli(['rehearse', '--url', keywordString(bed.db.url), '--schema', schema, '--dir', dir, '--json'], { cwd: bed.work, env: { PATH: process.env.PATH ?? '' } });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.migrations.map((m: { file: string }) => m.file)).toEqual(['0002_name.sql']);
    expect(report.diff.added).toContainEqual({ kind: 'column', name: 'users.name', definition: 'text' });
    expect(await scratchDatabases()).not.toContain(report.scratch.database);
  });
});

describe('rehearse: rows touched', () => {
  it('reports rows inserted, updated and deleted per table for each migration, with the counts before and after', async () => {
    const dir = await migrationsDir(ROWS_SCENARIO.applied);
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    for (const [file, sql] of Object.entries(ROWS_SCENARIO.pending)) await writeFile(join(dir, file), sql);
    const rehearsed = await cutover(dir, 'rehearse');
    expect(rehearsed.code, rehearsed.stderr).toBe(0);
    expectScenarioRows(rehearsed.json);
    expect(rehearsed.json.rowsNote).toBeUndefined();
    expect(rehearsed.json.migrations.map((m: { attempts: number }) => m.attempts)).toEqual([1, 1, 1, 1]);

    // The same run for people: an UPDATE that leaves the count alone is still seen.
    const pretty = await cli(['rehearse', '--url', bed.db.url, '--schema', schema, '--dir', dir], { cwd: bed.work, env: { PATH: process.env.PATH ?? '' } });
    expect(pretty.code, pretty.stderr).toBe(0);
    expect(pretty.stdout).toMatch(/rows {2}accounts: 0 inserted, 30 updated( \(\d+ HOT\))?, 0 deleted; 200 → 200 rows/);
    expect(pretty.stdout).toContain('rows  scratchpad: 0 inserted, 0 updated, 0 deleted; 40 → 0 rows');
  });
});

describe('rehearse with pg_stat_statements', () => {
  let stats: Pg15Server;
  beforeAll(async () => {
    stats = await startPg15({ shared_preload_libraries: 'pg_stat_statements' });
  }, 180_000);
  afterAll(async () => {
    await stats?.stop();
  });

  it('takes the old code\'s queries from pg_stat_statements on the source', async () => {
    const source = await databaseOn(stats.adminUrl);
    try {
      const dir = await migrationsDir({ '0001_users.sql': "CREATE TABLE users (id int PRIMARY KEY, email text, name text);\nINSERT INTO users VALUES (1, 'a@x', 'a');\n" });
      expect((await cli(['migrate', '--url', source.url, '--schema', schema, '--dir', dir])).code).toBe(0);
      await query(source.url, 'CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()'); // as after a deploy: the migrations' own statements forgotten
      // What the running app sends (pg_stat_statements keeps them normalised: `id = $1`).
      await query(source.url, `SET search_path TO ${S}; SELECT email FROM users WHERE id = 1; SELECT name FROM users WHERE id = 1`);
      await writeFile(join(dir, '0002_contract.sql'), '-- cutover:phase post\nALTER TABLE users DROP COLUMN email;\n');
      const result = await cli(['rehearse', '--url', source.url, '--schema', schema, '--dir', dir, '--json'], { cwd: bed.work, env: { PATH: process.env.PATH ?? '' } });
      expect(result.code, result.stderr).toBe(3);
      const { oldCode } = JSON.parse(result.stdout).error.report;
      expect(oldCode.source).toBe('pg_stat_statements');
      expect(oldCode.broken).toEqual([expect.objectContaining({ query: expect.stringMatching(/SELECT email FROM users WHERE id = \$1/), sqlstate: '42703' })]);
    } finally {
      await source.drop();
    }
  });

  it('a clean rehearsal on a scratch server of another major passes: its own and pg_dump\'s queries are not the app\'s', async () => {
    const source = await databaseOn(stats.adminUrl);
    const sibling = await databaseOn(stats.adminUrl);
    try {
      const dir = await migrationsDir({ '0001_users.sql': "CREATE TABLE users (id int PRIMARY KEY, email text);\nINSERT INTO users VALUES (1, 'a@x');\nCREATE TABLE old_log (id int);\n" });
      expect((await cli(['migrate', '--url', source.url, '--schema', schema, '--dir', dir])).code).toBe(0);
      await query(source.url, 'CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()');
      await query(source.url, `SET search_path TO ${S}; SELECT email FROM users WHERE id = 1`);
      // Another database's queries on the same server are not this app's either.
      await query(sibling.url, 'CREATE TABLE old_log (id int); SELECT id FROM old_log');
      // A backup first: pg_dump's catalog queries land in pg_stat_statements, and a PG15 pg_dump's do not all plan on PG18.
      expect((await cli(['backup', '--url', source.url, '--schema', schema, '--json'], { cwd: bed.work, env: { PATH: process.env.PATH ?? '' } })).code).toBe(0);
      await writeFile(join(dir, '0002_contract.sql'), '-- cutover:phase post\nDROP TABLE old_log;\nALTER TABLE users ADD COLUMN name text;\n');
      const result = await cli(['rehearse', '--url', source.url, '--schema', schema, '--dir', dir, '--scratch-embedded', '--json'], { cwd: bed.work, env: { PATH: process.env.PATH ?? '' } });
      const body = JSON.parse(result.stdout);
      expect(body.error?.report?.oldCode?.broken ?? [], result.stderr).toEqual([]);
      expect(result.code, result.stderr).toBe(0);
      expect(body.scratch.serverVersion).toMatch(/^18\./);
      expect(body.oldCode).toMatchObject({ source: 'pg_stat_statements', broken: [] });
      expect(body.oldCode.checked).toBeGreaterThanOrEqual(1);
    } finally {
      await source.drop();
      await sibling.drop();
    }
  });
});

describe('copy', () => {
  let other: Pg15Server;
  beforeAll(async () => {
    other = await startPg15();
  }, 180_000);
  afterAll(async () => {
    await other?.stop();
  });

  it('dumps and reloads into another server, then verifies ledger, tables and row counts', async () => {
    const dir = await migrationsDir({ '0001_notes.sql': "CREATE TABLE notes (id serial PRIMARY KEY, body text);\nINSERT INTO notes (body) SELECT md5(g::text) FROM generate_series(1, 300) g;\n" });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    expect((await cli(['migrate', '--url', bed.db.url, '--schema', 'tenant_b', '--dir', dir])).code).toBe(0);
    const target = await databaseOn(other.adminUrl);
    try {
      // The target as a libpq keyword string: pg_restore and psql take it as migrate does (17).
      const copied = await cli(['copy', '--from', bed.db.url, '--to', keywordString(target.url), '--schemas', `${schema},tenant_b`, '--json'], { env: { PATH: process.env.PATH ?? '' } });
      expect(copied.code, copied.stderr).toBe(0);
      const report = JSON.parse(copied.stdout);
      expect(report.ok).toBe(true);
      expect(report.schemas.map((s: { schema: string; differences: string[] }) => [s.schema, s.differences])).toEqual([[schema, []], ['tenant_b', []]]);
      expect(await fingerprint(target.url, `${S}.notes`)).toEqual(await fingerprint(bed.db.url, `${S}.notes`));
      expect((await cli(['status', '--check', '--url', target.url, '--schema', 'tenant_b', '--dir', dir])).code).toBe(0);

      // Copying again would overwrite: refused.
      const again = await cli(['copy', '--from', bed.db.url, '--to', target.url, '--schemas', 'tenant_b', '--json'], { env: { PATH: process.env.PATH ?? '' } });
      expect(again.code).toBe(1);
      expect(JSON.parse(again.stdout).error.code).toBe('COPY_FAILED');
    } finally {
      await target.drop();
    }
  });
});
