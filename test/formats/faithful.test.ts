/**
 * Each tool's files run as the tool runs them (issue 15), against a real
 * Postgres through the CLI: Prisma's one-script files (a lone CREATE INDEX
 * CONCURRENTLY, a CALL whose procedure commits, its own BEGIN/COMMIT in the
 * middle of a file, an empty migration), sqlx files with their own
 * BEGIN/COMMIT, golang-migrate's 0-byte and comment-only files, Flyway's
 * comment-only scripts, sub-folders and Java gaps, diesel's loose files; then
 * `status` and a re-run that applies nothing. Synthetic fixtures: the real
 * sets live outside the repository (`npm run corpus`).
 */
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { cleanup, database } from '../support/fixtures.js';

const schema = testSchema();

/** Apply `files` in `format`, then status and a re-run; returns what each said and the ledger. */
async function applyTwice(format: string, files: Record<string, string>) {
  const url = await database();
  const dir = await migrationsDir(files);
  cleanup(() => rm(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => cli([...args, '--url', url, '--schema', schema, '--dir', dir, '--format', format]);
  const first = await run('migrate');
  const status = await run('status', '--check');
  const again = await run('migrate', '--json');
  const rows = await query<{ version: string; state: string; transactional: boolean }>(url, `SELECT version, state, transactional FROM ${ident(schema)}.cutover_migrations ORDER BY version`).catch(() => []);
  return { url, dir, run, first, status, again, rows };
}

describe('Prisma: each migration.sql as Prisma sends it', () => {
  it('applies a lone CONCURRENTLY index and a committing CALL without a transaction, its own BEGIN/COMMIT mid-file, and an empty migration', async () => {
    const { first, status, again, rows, url } = await applyTwice('prisma', {
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20240101000000_init/migration.sql': '-- CreateTable\nCREATE TABLE "Job" ("id" int PRIMARY KEY, "status" text, "at" timestamptz);\n'
        + 'CREATE PROCEDURE fill() LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "Job" VALUES (1, \'a\', now()); COMMIT; INSERT INTO "Job" VALUES (2, \'b\', now()); END $$;\n',
      '20240102000000_index/migration.sql': '-- CreateIndex\nCREATE INDEX CONCURRENTLY "Job_at_idx" ON "Job"("at");\n',
      '20240103000000_enum/migration.sql': '-- AlterEnum\nALTER TABLE "Job" ADD COLUMN "kind" text;\nBEGIN;\nCREATE TYPE "Status" AS ENUM (\'a\', \'b\');\nALTER TABLE "Job" ALTER COLUMN "status" TYPE "Status" USING "status"::"Status";\nCOMMIT;\n\n-- AlterTable\nALTER TABLE "Job" ADD COLUMN "note" text;\n',
      '20240104000000_empty/migration.sql': '-- This is an empty migration.',
      '20240105000000_call/migration.sql': 'CALL fill();\n',
      'README.md': 'not a migration',
    });
    expect(first.code).toBe(0);
    expect(status.code).toBe(0);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).applied).toEqual([]);
    expect(rows.map((r) => [r.version, r.state, r.transactional])).toEqual([
      ['20240101000000_init', 'applied', true], ['20240102000000_index', 'applied', false], ['20240103000000_enum', 'applied', true],
      ['20240104000000_empty', 'applied', true], ['20240105000000_call', 'applied', false],
    ]);
    const [index] = await query<{ valid: boolean }>(url, `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)`, [`${ident(schema)}."Job_at_idx"`]);
    expect(index!.valid).toBe(true);
    expect(await query(url, `SELECT id FROM ${ident(schema)}."Job" ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('sqlx, golang-migrate, Flyway, diesel: what their tools run, cutover runs', () => {
  it('sqlx: a file with its own BEGIN/COMMIT and an empty file apply; a re-run is a no-op', async () => {
    const { first, again, rows } = await applyTwice('sqlx', {
      '1_subscriptions.sql': 'CREATE TABLE subscriptions (id int, status text);\n',
      '2_status_not_null.sql': '-- atomically, although sqlx wraps it already\nBEGIN;\n    UPDATE subscriptions SET status = \'confirmed\' WHERE status IS NULL;\n    ALTER TABLE subscriptions ALTER COLUMN status SET NOT NULL;\nCOMMIT;',
      '3_template.sql': 'CREATE TABLE templates (id int);\nBEGIN;\nDO $$\nBEGIN\n  CREATE TYPE link AS (id int);\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$;\n',
      '4_nothing.sql': '',
    });
    expect(first.code).toBe(0);
    expect(again.code).toBe(0);
    expect(rows.map((r) => r.version)).toEqual(['1', '2', '3', '4']);
  });

  it('golang-migrate: 0-byte downs and comment-only ups are no-ops, versions 0..1000 in numeric order, a rollback through an empty down', async () => {
    const { first, again, rows, run } = await applyTwice('golang-migrate', {
      '0_extensions.up.sql': 'CREATE TABLE zero (id int);\n',
      '9_a.up.sql': 'CREATE TABLE nine (id int);\nCOMMIT;',
      '100_mysql_only.up.sql': '-- nothing to do on PostgreSQL\n',
      '1000_b.up.sql': 'CREATE TABLE thousand (id int);\n', '1000_b.down.sql': '',
    });
    expect(first.code).toBe(0);
    expect(again.code).toBe(0);
    expect(rows.map((r) => r.version)).toEqual(['0', '100', '1000', '9']); // ORDER BY text; applied in numeric order
    const back = await run('rollback', '--to', '100', '--json');
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout).applied.map((s: any) => s.migration.version)).toEqual(['1000']);
  });

  it('Flyway: comment-only scripts, sub-folders, part-wise versions; a Java migration is said as a gap, other files listed with --verbose', async () => {
    const { first, again, rows, run } = await applyTwice('flyway', {
      'V4_99_1561608282__NOOP.sql': '-- only for MySQL\n',
      'V4_100__a.sql': 'CREATE TABLE a (id int);\n',
      '2.31/V2_31_7__b.sql': 'CREATE TABLE b (id int);\n', '2.31/V2_31_10__c.sql': 'CREATE TABLE c (id int);\n',
      'V3__Populate.java': 'class V3__Populate {}\n',
      'base/base_schema.sql': 'CREATE TABLE never (id int);\n',
    });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('warning: V3__Populate.java (version 3) is not run by cutover');
    expect(first.stderr).not.toContain('base/base_schema.sql');
    expect(again.code).toBe(0);
    expect(rows.map((r) => r.version).sort()).toEqual(['2.31.10', '2.31.7', '4.100', '4.99.1561608282']);
    const plan = await run('plan', '--verbose');
    expect(plan.stderr).toContain('skipped base/base_schema.sql');
  });

  it('diesel: a loose .sql file at the top is ignored, as diesel ignores it, and listed by plan --verbose', async () => {
    const { first, rows, run } = await applyTwice('diesel', {
      '2019-01-01-000000_users/up.sql': 'CREATE TABLE users (id int);\n', '2019-01-01-000000_users/down.sql': '',
      '2019-02-01-000000_noop/up.sql': '-- comment only\n',
      'schema.sql': 'DROP TABLE users;\n',
    });
    expect(first.code).toBe(0);
    expect(rows.map((r) => r.version)).toEqual(['20190101000000', '20190201000000']);
    expect((await run('plan', '--verbose')).stderr).toContain('skipped schema.sql');
  });
});

describe('bad input about layouts', () => {
  it('an unknown --format, or format in cutover.config.json, is exit 2 naming where it was set, with the layouts and a did-you-mean', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    cleanup(() => rm(dir, { recursive: true, force: true }));
    const flag = await cli(['plan', '--dir', dir, '--format', 'flyways', '--json']);
    expect(flag.code).toBe(2);
    expect(JSON.parse(flag.stdout).error).toMatchObject({ code: 'CONFIG', setting: 'format', where: '--format' });
    expect(JSON.parse(flag.stdout).error.hint).toContain('flyway');
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await writeFile(join(dir, 'cutover.config.json'), '{ "format": "diesle" }\n');
    const file = await cli(['plan', '--dir', '.', '--json'], { cwd: dir });
    expect(file.code).toBe(2);
    expect(JSON.parse(file.stdout).error.message).toContain('cutover.config.json');
    expect(JSON.parse(file.stdout).error.hint).toContain('Did you mean "diesel"');
  });

  it('a directory mixing two tools\' layouts is exit 2 before anything runs, naming one file of each', async () => {
    const dir = await migrationsDir({ 'V1__init.sql': 'CREATE TABLE a (id int);\n', '2_users.up.sql': 'CREATE TABLE u (id int);\n', '2_users.down.sql': 'DROP TABLE u;\n' });
    cleanup(() => rm(dir, { recursive: true, force: true }));
    const url = await database();
    const result = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'MIXED_LAYOUT', file: 'V1__init.sql', other: '2_users.down.sql' });
    expect(await query(url, `SELECT 1 FROM pg_namespace WHERE nspname = $1 AND EXISTS (SELECT FROM pg_class WHERE relnamespace = pg_namespace.oid)`, [schema])).toEqual([]);
  });
});
