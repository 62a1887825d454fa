/**
 * diesel's, Flyway's and Prisma's layouts against a real Postgres, through
 * the CLI in-process: fixture directories written as those tools write them,
 * applied in their tool's order (with `--format` and with `auto`), a
 * repeatable applied again after its file changes (and not before),
 * no-transaction migrations from metadata.toml / .sql.conf, rollback through
 * down.sql and U files, status, bad input refused with nothing applied, and
 * `cutover bundle` of these layouts read back as the directory.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/api.js';
import { checksum } from '../../src/migrations/checksum.js';
import { ident } from '../../src/db/sql.js';
import { cli } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  await db.drop();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A temp migrations directory holding `files` (paths may have one directory). */
async function layoutDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-layout-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** Run the CLI against this test's database and schema, with `--json`. */
async function cutover(dir: string, ...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
  const json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  return { ...result, json, error: json?.error };
}

const appliedSteps = (json: any) => json.applied.map((step: any) => [step.migration.version, step.migration.direction]);

async function ledger(): Promise<{ version: string; name: string; checksum: string; transactional: boolean }[]> {
  const [exists] = await query<{ exists: boolean }>(db.url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${ident(schema)}.cutover_migrations`]);
  if (!exists!.exists) return [];
  return query(db.url, `SELECT version, name, checksum, transactional FROM ${ident(schema)}.cutover_migrations ORDER BY applied_at, version`);
}

/** Relations and functions of the schema: what the migrations made. */
async function objects(): Promise<string[]> {
  const rows = await query<{ name: string }>(db.url, `
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'i') AND c.relname NOT LIKE 'cutover%'
    UNION ALL SELECT p.proname || '()' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
    ORDER BY 1`, [schema]);
  return rows.map((row) => row.name);
}

async function validIndex(name: string): Promise<boolean | undefined> {
  const [row] = await query<{ valid: boolean }>(db.url, `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, [schema, name]);
  return row?.valid;
}

// diesel's own first migration, as `diesel setup` writes it.
const DIESEL_SETUP_UP = `-- This file was automatically created by Diesel to setup helper functions
-- and other internal bookkeeping. This file is safe to edit, any future
-- changes will be added to existing projects as new migrations.

CREATE OR REPLACE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s
                    FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()', _tbl);
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION diesel_set_updated_at() RETURNS trigger AS $$
BEGIN
    IF (
        NEW IS DISTINCT FROM OLD AND
        NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
    ) THEN
        NEW.updated_at := current_timestamp;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
`;
const DIESEL_SETUP_DOWN = 'DROP FUNCTION IF EXISTS diesel_manage_updated_at(_tbl regclass);\nDROP FUNCTION IF EXISTS diesel_set_updated_at();\n';

/**
 * A diesel project mixing dashed and undashed names. By directory name the
 * dashed 2017-09-23 one would run before 20170309122510, and fail: it
 * references the posts table that one creates.
 */
const diesel = {
  '00000000000000_diesel_initial_setup/up.sql': DIESEL_SETUP_UP,
  '00000000000000_diesel_initial_setup/down.sql': DIESEL_SETUP_DOWN,
  '20170309122510_create_posts/up.sql': 'CREATE TABLE posts (id int PRIMARY KEY, title text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());\nSELECT diesel_manage_updated_at(\'posts\');\n',
  '20170309122510_create_posts/down.sql': 'DROP TABLE posts;\n',
  '2017-09-23-182408_add_author/up.sql': 'ALTER TABLE posts ADD COLUMN author text;\n',
  '2017-09-23-182408_add_author/down.sql': 'ALTER TABLE posts DROP COLUMN author;\n',
  '2017-10-01-090000_index_author/up.sql': 'CREATE INDEX CONCURRENTLY posts_author ON posts (author);\n',
  '2017-10-01-090000_index_author/down.sql': 'DROP INDEX CONCURRENTLY posts_author;\n',
  '2017-10-01-090000_index_author/metadata.toml': 'run_in_transaction = false\n',
  '.keep': '',
};
const dieselOrder = ['00000000000000', '20170309122510', '20170923182408', '20171001090000'];

describe('diesel', () => {
  it.each([['--format diesel', ['--format', 'diesel']], ['auto', []]])('applies in diesel\'s order (%s), metadata.toml runs without a transaction, status, rollback through down.sql', async (_, format) => {
    const dir = await layoutDir(diesel);
    const run = await cutover(dir, 'migrate', ...format);
    expect(run.code, run.stderr).toBe(0);
    expect(appliedSteps(run.json)).toEqual(dieselOrder.map((v) => [v, 'up']));
    if (format.length === 0) expect(run.stderr).toContain('as diesel: directories holding up.sql');
    expect((await ledger()).map((r) => [r.version, r.name, r.transactional])).toEqual([
      ['00000000000000', 'diesel_initial_setup', true], ['20170309122510', 'create_posts', true],
      ['20170923182408', 'add_author', true], ['20171001090000', 'index_author', false],
    ]);
    expect(await validIndex('posts_author')).toBe(true);
    // diesel's helper works: the trigger it made keeps updated_at.
    await query(db.url, `INSERT INTO ${ident(schema)}.posts (id, title, updated_at) VALUES (1, 'a', '2000-01-01')`);
    await query(db.url, `UPDATE ${ident(schema)}.posts SET title = 'b'`);
    const [post] = await query<{ fresh: boolean }>(db.url, `SELECT updated_at > '2001-01-01' AS fresh FROM ${ident(schema)}.posts`);
    expect(post!.fresh).toBe(true);

    const status = await cutover(dir, 'status', ...format);
    expect(status.json.entries.map((e: any) => [e.version, e.state])).toEqual(dieselOrder.map((v) => [v, 'applied']));
    expect((await cutover(dir, 'status', '--check', ...format)).code).toBe(0);

    // The dashed form of a version is accepted too.
    const back = await cutover(dir, 'rollback', '--to', '2017-03-09-122510', ...format);
    expect(back.code, back.stderr).toBe(0);
    expect(appliedSteps(back.json)).toEqual([['20171001090000', 'down'], ['20170923182408', 'down']]);
    expect(await validIndex('posts_author')).toBeUndefined();
    expect((await ledger()).map((r) => r.version)).toEqual(dieselOrder.slice(0, 2));

    const all = await cutover(dir, 'rollback', '--to', '0', ...format);
    expect(all.code, all.stderr).toBe(0);
    expect(await objects()).toEqual([]);
  });

  it('refuses a directory without up.sql and a malformed metadata.toml (exit 2), applying nothing', async () => {
    const dir = await layoutDir({
      ...diesel,
      '2018-01-01-000000_oops/down.sql': 'SELECT 1;\n',
      '2017-10-01-090000_index_author/metadata.toml': 'run_in_transaction = "no"\n',
    });
    const refused = await cutover(dir, 'migrate', '--format', 'diesel');
    expect(refused.code).toBe(2);
    expect(refused.error.problems.map((p: any) => [p.code, p.file])).toEqual([
      ['MISSING_UP', '2018-01-01-000000_oops/'],
      ['BAD_METADATA', '2017-10-01-090000_index_author/metadata.toml'],
    ]);
    expect(await ledger()).toEqual([]);
    expect(await objects()).toEqual([]);
  });
});

const VIEW_V1 = 'CREATE OR REPLACE VIEW user_count AS SELECT count(*) AS n FROM users;\n';
const VIEW_V2 = 'CREATE OR REPLACE VIEW user_count AS SELECT count(*) AS n, max(id) AS last FROM users;\n';

/** A Flyway project: dotted and underscored versions, an undo, a repeatable, per-script config. */
const flyway = {
  'V1__create_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
  'V1_1__add_name.sql': 'ALTER TABLE users ADD COLUMN name text;\n',
  'V1.2__create_notes.sql': 'CREATE TABLE notes (id int PRIMARY KEY, user_id int REFERENCES users);\n',
  // After 1.2 as numbers, before it as text: it needs the notes table.
  'V1.10__add_body.sql': 'ALTER TABLE notes ADD COLUMN body text;\n',
  'U1.10__add_body.sql': 'ALTER TABLE notes DROP COLUMN body;\n',
  'V2__index_name.sql': 'CREATE INDEX CONCURRENTLY users_name ON users (name);\n',
  'V2__index_name.sql.conf': 'executeInTransaction=false\n',
  'U2__index_name.sql': 'DROP INDEX CONCURRENTLY users_name;\n',
  'U2__index_name.sql.conf': 'executeInTransaction=false\n',
  // No .conf: Flyway itself runs this one outside a transaction.
  'V3__index_notes.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS notes_user ON notes (user_id);\n',
  'R__user_count.sql': VIEW_V1,
};
const flywayOrder = ['1', '1.1', '1.2', '1.10', '2', '3', 'R__user_count'];

describe('Flyway', () => {
  it.each([['--format flyway', ['--format', 'flyway']], ['auto', []]])('applies in Flyway\'s order (%s), repeatables last and again only after they change, .conf and detected no-transaction', async (_, format) => {
    const dir = await layoutDir(flyway);
    const run = await cutover(dir, 'migrate', ...format);
    expect(run.code, run.stderr).toBe(0);
    expect(appliedSteps(run.json)).toEqual(flywayOrder.map((v) => [v, 'up']));
    expect((await ledger()).map((r) => [r.version, r.name, r.transactional])).toEqual([
      ['1', 'create users', true], ['1.1', 'add name', true], ['1.2', 'create notes', true], ['1.10', 'add body', true],
      ['2', 'index name', false], ['3', 'index notes', false], ['R__user_count', 'user count', true],
    ]);
    expect([await validIndex('users_name'), await validIndex('notes_user')]).toEqual([true, true]);

    // Unchanged: nothing runs again, the repeatable included.
    const again = await cutover(dir, 'migrate', ...format);
    expect(again.json.applied).toEqual([]);
    expect((await cutover(dir, 'status', '--check', ...format)).code).toBe(0);

    // The repeatable changes, and a new versioned migration arrives: the versioned one first, then the repeatable.
    await writeFile(join(dir, 'R__user_count.sql'), VIEW_V2);
    await writeFile(join(dir, 'V4__add_email.sql'), 'ALTER TABLE users ADD COLUMN email text;\n');
    const status = await cutover(dir, 'status', ...format);
    expect(status.json.entries.filter((e: any) => e.state !== 'applied').map((e: any) => [e.version, e.state])).toEqual([['4', 'pending'], ['R__user_count', 'pending']]);
    const rerun = await cutover(dir, 'migrate', ...format);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(appliedSteps(rerun.json)).toEqual([['4', 'up'], ['R__user_count', 'up']]);
    const rows = await ledger();
    expect(rows.filter((r) => r.version === 'R__user_count')).toEqual([{ version: 'R__user_count', name: 'user count', checksum: checksum(VIEW_V2), transactional: true }]);
    const [view] = await query<{ columns: number }>(db.url, `SELECT count(*)::int AS columns FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'user_count'`, [schema]);
    expect(view!.columns).toBe(2);
    expect((await cutover(dir, 'migrate', ...format)).json.applied).toEqual([]);
  });

  it('rolls back through U files, newest first, leaving repeatables alone; refuses where a U file is missing', async () => {
    const dir = await layoutDir(flyway);
    expect((await cutover(dir, 'migrate')).code).toBe(0);

    const refused = await cutover(dir, 'rollback', '--to', '1.2');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'NOT_REVERSIBLE', version: '3', file: 'V3__index_notes.sql' });
    expect((await ledger()).map((r) => r.version)).toEqual(flywayOrder);

    await writeFile(join(dir, 'U3__index_notes.sql'), 'DROP INDEX CONCURRENTLY notes_user;\n');
    const back = await cutover(dir, 'rollback', '--to', '1_2');
    expect(back.code, back.stderr).toBe(0);
    expect(appliedSteps(back.json)).toEqual([['3', 'down'], ['2', 'down'], ['1.10', 'down']]);
    expect([await validIndex('users_name'), await validIndex('notes_user')]).toEqual([undefined, undefined]);
    expect((await ledger()).map((r) => r.version)).toEqual(['1', '1.1', '1.2', 'R__user_count']);
    const [body] = await query(db.url, `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'notes' AND column_name = 'body'`, [schema]);
    expect(body).toBeUndefined();
  });

  it('refuses placeholders, bad .conf settings, undo files without their V file and unplaceable names (exit 2), applying nothing', async () => {
    const dir = await layoutDir({
      ...flyway,
      'V5__schema.sql': 'CREATE TABLE ${flyway:defaultSchema}.audit (id int);\n',
      'V6__x.sql': 'SELECT 1;\n', 'V6__x.sql.conf': 'executeInTransaction=no\n',
      'U7__nothing.sql': 'SELECT 1;\n',
      'afterMigrate.sql': 'ANALYZE;\n',
    });
    const refused = await cutover(dir, 'migrate');
    expect(refused.code).toBe(2);
    expect(refused.error.problems.map((p: any) => [p.code, p.file]).sort()).toEqual([
      ['BAD_FILENAME', 'afterMigrate.sql'], ['BAD_METADATA', 'V6__x.sql.conf'], ['MISSING_UP', 'U7__nothing.sql'], ['PLACEHOLDER', 'V5__schema.sql'],
    ]);
    expect(await ledger()).toEqual([]);
    expect(await objects()).toEqual([]);
  });
});

/** A Prisma project as `prisma migrate dev` writes it, plus a down.sql where Prisma's guide puts one. */
const prisma = {
  'migration_lock.toml': '# Please do not edit this file manually\nprovider = "postgresql"\n',
  '20240101000000_init/migration.sql': '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n',
  '20240102000000_post/migration.sql': '-- CreateTable\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL REFERENCES "User"("id"));\n',
  '20240102000000_post/down.sql': 'DROP TABLE "Post";\n',
  '20240103000000_email_index/migration.sql': '-- CreateIndex\nCREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");\n',
  '20240103000000_email_index/down.sql': 'DROP INDEX CONCURRENTLY "User_email_key";\n',
};
const prismaOrder = ['20240101000000_init', '20240102000000_post', '20240103000000_email_index'];

describe('Prisma', () => {
  it.each([['--format prisma', ['--format', 'prisma']], ['auto', []]])('applies in directory order (%s), a lone CONCURRENTLY statement outside a transaction, rollback through down.sql', async (_, format) => {
    const dir = await layoutDir(prisma);
    const run = await cutover(dir, 'migrate', ...format);
    expect(run.code, run.stderr).toBe(0);
    expect(appliedSteps(run.json)).toEqual(prismaOrder.map((v) => [v, 'up']));
    expect((await ledger()).map((r) => [r.version, r.name, r.transactional])).toEqual([
      ['20240101000000_init', 'init', true], ['20240102000000_post', 'post', true], ['20240103000000_email_index', 'email_index', false],
    ]);
    expect(await validIndex('User_email_key')).toBe(true);
    expect((await cutover(dir, 'status', '--check', ...format)).code).toBe(0);

    const back = await cutover(dir, 'rollback', '--to', '20240101000000_init', ...format);
    expect(back.code, back.stderr).toBe(0);
    expect(appliedSteps(back.json)).toEqual([['20240103000000_email_index', 'down'], ['20240102000000_post', 'down']]);
    expect(await objects()).toEqual(['User', 'User_pkey']);

    // init has no down.sql (Prisma writes none): a rollback past it is refused, naming it.
    const refused = await cutover(dir, 'rollback', '--to', '0', ...format);
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'NOT_REVERSIBLE', version: '20240101000000_init' });
  });

  it('refuses a migration directory without migration.sql (exit 2), applying nothing', async () => {
    const dir = await layoutDir({ ...prisma, '20240104000000_half/README.md': 'forgot the SQL' });
    const refused = await cutover(dir, 'migrate');
    expect(refused.code).toBe(2);
    expect(refused.error).toMatchObject({ code: 'MISSING_UP', file: '20240104000000_half/' });
    expect(await ledger()).toEqual([]);
  });
});

describe('cutover bundle of directory layouts', () => {
  it.each([['diesel', diesel, dieselOrder], ['flyway', flyway, flywayOrder]] as const)('a %s bundle reads as the directory and migrates without it', async (format, files, order) => {
    const dir = await layoutDir(files);
    const build = await mkdtemp(join(tmpdir(), 'cutover-build-'));
    cleanups.push(() => rm(build, { recursive: true, force: true }));
    await writeFile(join(build, 'package.json'), '{ "type": "module" }\n');
    const out = join(build, `${format}.generated.js`);

    const bundled = await cli(['bundle', '--out', out, '--dir', dir, '--json']);
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(JSON.parse(bundled.stdout)).toMatchObject({ ok: true, format, migrations: order.length });
    const fromDir = await readMigrations({ dir });
    await rm(dir, { recursive: true, force: true }); // the container has no migrations folder

    const module = (await import(pathToFileURL(out).href)) as { migrations: { file: string; sql: string }[]; format: typeof format };
    expect(module.format).toBe(format);
    expect(await readMigrations({ migrations: module.migrations })).toEqual(fromDir);
    expect(await readMigrations({ migrations: module.migrations, format: module.format })).toEqual(fromDir);

    const report = await migrate({ url: db.url, schema, migrations: module.migrations, format: module.format });
    expect(report.applied.map((step) => step.migration.version)).toEqual(order);
    expect((await ledger()).map((r) => [r.version, r.checksum])).toEqual(fromDir.map((m) => [m.version, m.checksum]));
  });
});
