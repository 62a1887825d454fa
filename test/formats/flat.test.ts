/**
 * sqlx, golang-migrate and dbmate directories as those tools leave them,
 * migrated by the CLI (in-process) against a real Postgres, with
 * `--format <layout>` and with `auto`: the tool's order, its no-transaction
 * files (CREATE INDEX CONCURRENTLY), `status`, `rollback --to` through the
 * down scripts, and a bad file refused with exit 2 before anything runs.
 * Every case asserts what is in the database, not only what was printed.
 */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';

const schema = testSchema();
const S = ident(schema);
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  await db.drop();
});

/** Run the CLI against this test's database and schema with `--json`; `error` is the JSON error, if any. */
async function cutover(dir: string, ...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
  const json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  return { ...result, json, error: json?.error };
}

/** `rollback` with an empty backup directory: down scripts or nothing. */
async function rollback(dir: string, to: string, ...args: string[]) {
  return cutover(dir, 'rollback', '--to', to, '--backup-dir', await mkdtemp(join(tmpdir(), 'cutover-no-backups-')), ...args);
}

async function exists(relation: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(db.url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${S}.${ident(relation)}`]);
  return row!.exists;
}

/** The ledger rows as (version, name, transactional), in the order they were applied. */
async function ledger(): Promise<[string, string, boolean][]> {
  if (!(await exists('cutover_migrations'))) return [];
  const rows = await query<{ version: string; name: string; transactional: boolean }>(db.url, `SELECT version, name, transactional FROM ${S}.cutover_migrations WHERE state = 'applied' ORDER BY applied_at, version`);
  return rows.map((r) => [r.version, r.name, r.transactional]);
}

async function indexIsValid(index: string): Promise<boolean | undefined> {
  const [row] = await query<{ indisvalid: boolean }>(db.url, 'SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)', [`${S}.${ident(index)}`]);
  return row?.indisvalid;
}

const applied = (json: any) => json.applied.map((s: any) => [s.migration.version, s.migration.direction, s.migration.transaction]);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sqlx', () => {
  const files = {
    '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
    // A space in the description: not a cutover name; sqlx reads it (`auto` refuses it: defect 16.15).
    '2_users email.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n',
    '9_tags.up.sql': 'CREATE TABLE tags (id int);\n', // no down: sqlx allows it
    '10_notes.up.sql': 'CREATE TABLE notes (id int, user_id int REFERENCES users);\n',
    '10_notes.down.sql': 'DROP TABLE notes;\n',
    '0011_seed.up.sql': "INSERT INTO users VALUES (1, 'ann@example.com');\n",
    '0011_seed.down.sql': 'DELETE FROM users WHERE id = 1;\n',
    'README.md': 'sqlx migrations\n',
  };

  it('applies in numeric order with sqlx\'s descriptions, runs -- no-transaction files outside a transaction, rolls back through .down.sql', async () => {
    const dir = await migrationsDir(files);
    const planned = await cutover(dir, 'plan', '--format', 'sqlx');
    expect(planned.code, planned.stderr).toBe(0);
    const guessed = await cutover(dir, 'plan');
    expect(guessed.code).toBe(2);
    expect(guessed.error).toMatchObject({ code: 'BAD_FILENAME', file: '2_users email.sql' });

    const run = await cutover(dir, 'migrate', '--format', 'sqlx');
    expect(run.code, run.stderr).toBe(0);
    expect(applied(run.json)).toEqual([['1', 'up', true], ['2', 'up', false], ['9', 'up', true], ['10', 'up', true], ['11', 'up', true]]);
    expect(await ledger()).toEqual([['1', 'users', true], ['2', 'users email', false], ['9', 'tags', true], ['10', 'notes', true], ['11', 'seed', true]]);
    expect(await indexIsValid('users_email')).toBe(true);

    const status = await cutover(dir, 'status', '--check', '--format', 'sqlx');
    expect(status.code, status.stderr).toBe(0);
    expect(status.json.entries.map((e: any) => [e.version, e.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['9', 'applied'], ['10', 'applied'], ['11', 'applied']]);

    const back = await rollback(dir, '0009', '--format', 'sqlx');
    expect(back.code, back.stderr).toBe(0);
    expect(applied(back.json)).toEqual([['11', 'down', true], ['10', 'down', true]]);
    expect(await exists('notes')).toBe(false);
    expect((await ledger()).map(([version]) => version)).toEqual(['1', '2', '9']);

    // 9 has no down file: refused, nothing touched.
    const refused = await rollback(dir, '1', '--format', 'sqlx');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'NOT_REVERSIBLE', version: '9', file: '9_tags.up.sql' });
    expect(await exists('tags')).toBe(true);
    expect((await ledger()).map(([version]) => version)).toEqual(['1', '2', '9']);
  });
});

describe('golang-migrate', () => {
  const files = {
    '000001_create_users.up.sql': 'BEGIN;\nCREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE TABLE audit (id int);\nCOMMIT;\n',
    '000001_create_users.down.sql': 'BEGIN;\nDROP TABLE audit;\nDROP TABLE users;\nCOMMIT;\n',
    '000002_users_email.up.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);\n',
    '000002_users_email.down.sql': 'DROP INDEX CONCURRENTLY IF EXISTS users_email;\n',
    '000003_seed.up.sql': "INSERT INTO users VALUES (1, 'ann@example.com');\n",
    '000003_seed.down.sql': 'DELETE FROM users WHERE id = 1;\n',
    // A space in the name: cutover's names reject it, so `auto` picks golang-migrate.
    '000010_add notes.up.sql': 'CREATE TABLE notes (id int);\n',
    '000010_add notes.down.sql': 'DROP TABLE notes;\n',
  };

  it('applies BEGIN/COMMIT files as one transaction and CONCURRENTLY files without one, in numeric order, and rolls back', async () => {
    const dir = await migrationsDir(files);
    const run = await cutover(dir, 'migrate');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('as golang-migrate');
    expect(applied(run.json)).toEqual([['1', 'up', true], ['2', 'up', false], ['3', 'up', true], ['10', 'up', true]]);
    expect(await ledger()).toEqual([['1', 'create_users', true], ['2', 'users_email', false], ['3', 'seed', true], ['10', 'add notes', true]]);
    expect(await indexIsValid('users_email')).toBe(true);
    const [row] = await query<{ checksum: string }>(db.url, `SELECT checksum FROM ${S}.cutover_migrations WHERE version = '1'`);
    expect(row!.checksum).toBe(sha256(files['000001_create_users.up.sql']));

    const status = await cutover(dir, 'status', '--check', '--format', 'golang-migrate');
    expect(status.code, status.stderr).toBe(0);
    expect(status.json.entries.every((e: any) => e.state === 'applied')).toBe(true);

    const back = await rollback(dir, '1', '--format', 'golang-migrate');
    expect(back.code, back.stderr).toBe(0);
    expect(applied(back.json)).toEqual([['10', 'down', true], ['3', 'down', true], ['2', 'down', false]]);
    expect(await indexIsValid('users_email')).toBeUndefined();
    expect(await exists('notes')).toBe(false);
    expect((await ledger()).map(([version]) => version)).toEqual(['1']);

    // Down to nothing, through a down file wrapped in BEGIN/COMMIT.
    const all = await rollback(dir, '0', '--format', 'golang-migrate');
    expect(all.code, all.stderr).toBe(0);
    expect(await exists('users')).toBe(false);
    expect(await ledger()).toEqual([]);
  });

  it('a failing statement inside a BEGIN/COMMIT file rolls the whole file back, at the file\'s line', async () => {
    const dir = await migrationsDir({
      '1_a.up.sql': 'BEGIN;\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1 / 0);\nCOMMIT;\n',
    });
    const run = await cutover(dir, 'migrate', '--format', 'golang-migrate');
    expect(run.code).toBe(1);
    expect(run.error).toMatchObject({ code: 'MIGRATION_FAILED', file: '1_a.up.sql', line: 3, sqlstate: '22012' });
    expect(await exists('a')).toBe(false);
    expect(await ledger()).toEqual([]);
  });
});

describe('dbmate', () => {
  const files = {
    '20240101000000_create_users.sql': '-- the users\n-- migrate:up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n\n-- migrate:down\nDROP TABLE users;\n',
    '20240102000000_users_email.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY users_email;\n',
    '20240103000000_email_required.sql': '-- migrate:up\n-- cutover:phase post\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\n-- migrate:down\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n',
    '20240104000000_seed.sql': "-- migrate:up\nINSERT INTO users VALUES (1, 'ann@example.com');\n\n-- migrate:down\n-- irreversible\n",
    // Ordered as text, as dbmate sorts file names: "9" comes after "2024…".
    '9_comment.sql': "-- migrate:up\nCOMMENT ON TABLE users IS 'people';\n-- migrate:down\nCOMMENT ON TABLE users IS NULL;\n",
  };

  it('applies sections in text order with transaction:false and cutover directives, and rolls back through down sections', async () => {
    const dir = await migrationsDir(files);
    const pre = await cutover(dir, 'migrate', '--phase', 'pre');
    expect(pre.code, pre.stderr).toBe(0);
    expect(pre.stderr).toContain('as dbmate');
    expect(applied(pre.json)).toEqual([['20240101000000', 'up', true], ['20240102000000', 'up', false], ['20240104000000', 'up', true], ['9', 'up', true]]);
    expect(pre.json.deferred.map((m: any) => [m.version, m.phase])).toEqual([['20240103000000', 'post']]);
    expect(await indexIsValid('users_email')).toBe(true);

    const post = await cutover(dir, 'migrate', '--format', 'dbmate');
    expect(post.code, post.stderr).toBe(0);
    expect(applied(post.json)).toEqual([['20240103000000', 'up', true]]);
    expect((await ledger()).map(([version, name]) => [version, name])).toEqual([
      ['20240101000000', 'create_users'], ['20240102000000', 'users_email'], ['20240104000000', 'seed'], ['9', 'comment'], ['20240103000000', 'email_required'],
    ]);

    const status = await cutover(dir, 'status', '--check');
    expect(status.code, status.stderr).toBe(0);
    expect(status.json.entries.map((e: any) => e.version)).toEqual(['20240101000000', '20240102000000', '20240103000000', '20240104000000', '9']);

    const back = await rollback(dir, '20240104000000');
    expect(back.code, back.stderr).toBe(0);
    expect(applied(back.json)).toEqual([['9', 'down', true]]);
    const [comment] = await query<{ comment: string | null }>(db.url, 'SELECT obj_description(to_regclass($1), \'pg_class\') AS comment', [`${S}.users`]);
    expect(comment!.comment).toBeNull();

    // The seed's down section holds only a comment: no down script, so the rollback refuses.
    const refused = await rollback(dir, '20240101000000');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'NOT_REVERSIBLE', version: '20240104000000' });
    expect(await indexIsValid('users_email')).toBe(true);
  });

  it('a failing statement in the down section is reported at the file\'s line', async () => {
    const dir = await migrationsDir({ '1_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\nSELECT 1 / 0;\n' });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    const back = await rollback(dir, '0');
    expect(back.code).toBe(1);
    expect(back.error).toMatchObject({ code: 'MIGRATION_FAILED', file: '1_a.sql', line: 6, sqlstate: '22012' });
    expect(await exists('a')).toBe(true);
  });
});

describe('a bad file is refused with exit 2 and nothing is applied', () => {
  const good = 'CREATE TABLE good (id int);\n';
  it.each([
    ['sqlx', { '1_good.sql': good, '99999999999999999999_big.sql': good }, { code: 'BAD_FILENAME', file: '99999999999999999999_big.sql' }],
    ['golang-migrate', { '1_good.up.sql': good, '2_stray.down.sql': 'DROP TABLE good;\n' }, { code: 'MISSING_UP', file: '2_stray.down.sql' }],
    ['golang-migrate', { '1_good.up.sql': good, '2_index.up.sql': 'CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n' }, { code: 'NEEDS_NO_TRANSACTION', file: '2_index.up.sql', line: 2 }],
    ['dbmate', { '1_good.sql': `-- migrate:up\n${good}-- migrate:down\n`, '2_bad.sql': 'CREATE TYPE s AS ENUM (\'a\');\n-- migrate:up\nSELECT 1;\n-- migrate:down\n' }, { code: 'BAD_SECTIONS', file: '2_bad.sql', line: 1, reason: 'statement-before-up' }],
  ] as const)('%s', async (format, files, expected) => {
    const dir = await migrationsDir(files);
    const run = await cutover(dir, 'migrate', '--format', format);
    expect(run.code, run.stderr).toBe(2);
    expect(run.error).toMatchObject(expected);
    expect(await exists('good')).toBe(false);
    expect(await ledger()).toEqual([]);
  });
});
