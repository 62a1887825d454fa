/**
 * goose, drizzle-kit, node-pg-migrate and Supabase CLI directories as those
 * tools leave them, migrated by the CLI (in-process) against a real
 * Postgres: the tool's order and transaction mode (goose's NO TRANSACTION
 * file sent statement by statement), what the tool skips (said, never run),
 * a Go migration reported as a gap, and bad input refused with exit 2
 * before anything runs. Every case asserts what is in the database.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, cliJson, migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { database } from '../support/fixtures.js';

const schema = testSchema();
const S = ident(schema);
let url: string;
beforeEach(async () => {
  url = await database();
});

const cutover = (dir: string, ...args: string[]) => cliJson([...args, '--url', url, '--schema', schema, '--dir', dir]);

async function exists(relation: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${S}.${ident(relation)}`]);
  return row!.exists;
}

async function ledger(): Promise<[string, boolean][]> {
  if (!(await exists('cutover_migrations'))) return [];
  const rows = await query<{ version: string; transactional: boolean }>(url, `SELECT version, transactional FROM ${S}.cutover_migrations WHERE state = 'applied' ORDER BY applied_at, version`);
  return rows.map((r) => [r.version, r.transactional]);
}

describe('goose', () => {
  const files = {
    '20240101000000_init.sql': '-- +goose Up\nCREATE TYPE status AS ENUM (\'new\');\nCREATE TABLE jobs (id int PRIMARY KEY, s status);\n-- +goose StatementBegin\nCREATE FUNCTION jobs_count() RETURNS bigint AS $$\nBEGIN\n  RETURN (SELECT count(*) FROM jobs);\nEND;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n\n-- +goose Down\nDROP FUNCTION jobs_count;\nDROP TABLE jobs;\nDROP TYPE status;\n',
    // As hatchet writes them: lower case, CONCURRENTLY mixed with ALTER TYPE … ADD VALUE and plain DDL,
    // which only work statement by statement (one script would be one implicit transaction).
    '20240102000000_indexes.sql': '-- +goose Up\n-- +goose no transaction\nALTER TYPE status ADD VALUE \'done\';\nCREATE INDEX CONCURRENTLY jobs_s ON jobs (s);\nALTER TABLE jobs ADD note text;\n-- +goose Down\n-- +goose NO TRANSACTION\nDROP INDEX CONCURRENTLY jobs_s;\n',
    '20240103000000_backfill.go': 'package migrations\n',
    '20240104000000_more.sql': '-- +goose Up\nCREATE TABLE more (id int);\n',
  };

  it('applies in version order, the NO TRANSACTION file statement by statement, says the Go migration is not run, rolls back through Down', async () => {
    const dir = await migrationsDir(files);
    const run = await cutover(dir, 'migrate', '--format', 'goose');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: 20240103000000_backfill.go (version 20240103000000) is not run by cutover');
    expect(await ledger()).toEqual([['20240101000000', true], ['20240102000000', false], ['20240104000000', true]]);
    const [index] = await query<{ indisvalid: boolean }>(url, 'SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)', [`${S}.jobs_s`]);
    expect(index?.indisvalid).toBe(true);
    expect(await query(url, 'SELECT to_regprocedure($1) IS NOT NULL AS ok', [`${S}.jobs_count()`])).toEqual([{ ok: true }]);

    const back = await cli(['rollback', '--to', '20240101000000', '--url', url, '--schema', schema, '--dir', dir, '--format', 'goose', '--json', '--backup-dir', dir]);
    expect(back.code, back.stderr).toBe(1); // 20240104000000 has no Down section: refused, nothing touched
    expect(JSON.parse(back.stdout).error).toMatchObject({ code: 'NOT_REVERSIBLE', version: '20240104000000' });
    expect(await exists('more')).toBe(true);
  });

  it('plan names the Go migration as a gap', async () => {
    const dir = await migrationsDir(files);
    const text = await cli(['plan', '--format', 'goose', '--url', url, '--schema', schema, '--dir', dir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toContain('warning: 20240103000000_backfill.go (version 20240103000000) is not run by cutover');
  });

  it('an unbalanced StatementBegin: exit 2 naming the file and line, nothing run', async () => {
    const dir = await migrationsDir({ ...files, '20240105000000_broken.sql': '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n' });
    const run = await cutover(dir, 'migrate', '--format', 'goose');
    expect(run.code).toBe(2);
    expect(run.error).toMatchObject({ code: 'BAD_SECTIONS', file: '20240105000000_broken.sql', line: 2, reason: 'unbalanced-statement-begin' });
    expect(await ledger()).toEqual([]);
  });
});

const journal = (...tags: string[]) => JSON.stringify({ version: '5', dialect: 'pg', entries: tags.map((tag, idx) => ({ idx, version: '7', when: 1700000000000 + idx, tag, breakpoints: true })) }, null, 2);

describe('drizzle-kit', () => {
  const files = {
    'meta/_journal.json': journal('0000_reflective_puck', '0001_striped_tattoo'),
    'meta/_journal.json.backup': journal('0000_reflective_puck'),
    'meta/0000_snapshot.json': '{}',
    // Breakpoints glued to the statement, no final newline, the DO … duplicate_object idiom for enums.
    '0000_reflective_puck.sql': 'DO $$ BEGIN\n CREATE TYPE "role" AS ENUM(\'admin\', \'user\');\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n--> statement-breakpoint\nCREATE TABLE "user" ("id" text PRIMARY KEY, "role" "role");--> statement-breakpoint\nCREATE INDEX "user_role" ON "user" ("role");',
    '0001_striped_tattoo.sql': 'ALTER TABLE "user" ADD COLUMN "email" text;',
    '0001_abandoned_dagger.sql': 'DROP TABLE "user";',
  };

  it('runs what the journal lists, in its order; the orphan file never runs (listed by --verbose)', async () => {
    const dir = await migrationsDir(files);
    const run = await cutover(dir, 'migrate', '--format', 'drizzle', '--verbose');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('skipped 0001_abandoned_dagger.sql: not in meta/_journal.json');
    expect(await ledger()).toEqual([['0000_reflective_puck', true], ['0001_striped_tattoo', true]]);
    expect(await query(url, `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'user' ORDER BY ordinal_position`, [schema]))
      .toEqual([{ column_name: 'id' }, { column_name: 'role' }, { column_name: 'email' }]);
  });

  it('plan lists the skipped files: in --json always, said with --verbose', async () => {
    const dir = await migrationsDir(files);
    const planned = await cutover(dir, 'plan', '--format', 'drizzle');
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.json.notices).toEqual([
      { kind: 'ignored', file: '0001_abandoned_dagger.sql', reason: 'not in meta/_journal.json: drizzle never runs it' },
      { kind: 'ignored', file: 'meta/_journal.json.backup', reason: 'only meta/_journal.json is read' },
    ]);
    const text = await cli(['plan', '--format', 'drizzle', '--verbose', '--url', url, '--schema', schema, '--dir', dir]);
    expect(text.stderr).toContain('skipped 0001_abandoned_dagger.sql: not in meta/_journal.json');
    const quiet = await cli(['plan', '--format', 'drizzle', '--url', url, '--schema', schema, '--dir', dir]);
    expect(quiet.stderr).not.toContain('abandoned_dagger');
  });

  it('a journal naming a missing file: exit 2 naming the journal line, nothing run', async () => {
    const dir = await migrationsDir({ ...files, 'meta/_journal.json': journal('0000_reflective_puck', '0001_striped_tattoo', '0002_gone') });
    const run = await cutover(dir, 'migrate', '--format', 'drizzle');
    expect(run.code).toBe(2);
    expect(run.error).toMatchObject({ code: 'BAD_JOURNAL', file: 'meta/_journal.json', reason: 'missing-file', missing: '0002_gone.sql' });
    expect(await ledger()).toEqual([]);
  });
});

describe('node-pg-migrate and Supabase CLI', () => {
  it('node-pg-migrate: the up section runs, the down section does not; versions are the names', async () => {
    const dir = await migrationsDir({
      '1700000000000_create-users.sql': '-- Up Migration\nCREATE TABLE users (id int);\n\n-- Down Migration\nDROP TABLE users;\n',
      '1700000100000_notes.sql': 'CREATE TABLE notes (id int);\n',
    });
    const run = await cutover(dir, 'migrate', '--format', 'node-pg-migrate');
    expect(run.code, run.stderr).toBe(0);
    expect(await ledger()).toEqual([['1700000000000_create-users', true], ['1700000100000_notes', true]]);
    expect(await exists('users')).toBe(true);
  });

  it('Supabase: name order, a name outside the pattern skipped and said with --verbose', async () => {
    const dir = await migrationsDir({
      '20240103173626_init.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
      '20240104000000_b.sql': 'CREATE TABLE b (id int REFERENCES a);\n',
      'local_20240107152745_ollama.sql': 'CREATE TABLE c (id int);\n',
    });
    const run = await cutover(dir, 'migrate', '--format', 'supabase', '--verbose');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('skipped local_20240107152745_ollama.sql');
    expect(await ledger()).toEqual([['20240103173626', true], ['20240104000000', true]]);
    expect(await exists('c')).toBe(false);
  });
});
