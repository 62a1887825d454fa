/**
 * Zero-downtime phases as scenarios (STYLE.md "Tests"; DESIGN §1 "Phases"):
 * apply a prefix (the release the old code runs on), run a phase, then
 * assert what the old and the new app code can still do. Also the dry run
 * (`plan`, `migrate --dry-run`) and `rollback`.
 *
 * The release: users(id, fullname) is being replaced by display_name.
 *   1 pre   creates users with fullname (the old code reads it) and display_name
 *   2 post  drops fullname: only once no instance runs the old code
 *   3 pre   a no-transaction CREATE INDEX CONCURRENTLY for the new code
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../src/db/sql.js';
import { cli, migrationsDir } from './support/cli.js';
import { freshDatabase, query, testSchema } from './support/db.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  await db.drop();
});

const release = {
  '1_users.sql': "CREATE TABLE users (id int PRIMARY KEY, fullname text, display_name text);\nINSERT INTO users VALUES (1, 'Ann Lee', 'Ann');\n",
  '2_drop_fullname.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN fullname;\n',
  '3_display_name_index.sql': '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_display_name ON users (display_name);\n',
};

async function cutover(dir: string, ...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
  const json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  return { ...result, json, error: json?.error };
}

async function relationExists(name: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(db.url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${ident(schema)}.${ident(name)}`]);
  return row!.exists;
}

type LedgerRow = { version: string; phase: string; state: string };

async function ledger(): Promise<LedgerRow[] | undefined> {
  if (!(await relationExists('cutover_migrations'))) return undefined;
  return query<LedgerRow>(db.url, `SELECT version, phase, state FROM ${ident(schema)}.cutover_migrations ORDER BY applied_at, version::bigint`);
}

async function appliedVersions(): Promise<string[]> {
  return ((await ledger()) ?? []).map((row) => row.version).sort((a, b) => Number(a) - Number(b));
}

/** The old app version's query: reads the column the post migration drops. */
async function oldCode(): Promise<unknown> {
  const [row] = await query(db.url, `SELECT fullname FROM ${ident(schema)}.users WHERE id = 1`);
  return row!.fullname;
}

/** The new app version's query. */
async function newCode(): Promise<unknown> {
  const [row] = await query(db.url, `SELECT display_name FROM ${ident(schema)}.users WHERE id = 1`);
  return row!.display_name;
}

/** Every relation outside the system schemas (tables, indexes, sequences …), or only tables. */
async function userRelations(onlyTables = false): Promise<string[]> {
  const rows = await query<{ name: string }>(
    db.url,
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        AND (c.relkind = 'r' OR NOT $1) ORDER BY 1`,
    [onlyTables],
  );
  return rows.map((r) => r.name);
}

describe('migrate --phase pre', () => {
  it('applies every pending pre migration, even one after a pending post, and leaves the post pending: the old code still works', async () => {
    const dir = await migrationsDir(release);
    const pre = await cutover(dir, 'migrate', '--phase', 'pre');
    expect(pre.code).toBe(0);
    expect(pre.json.applied.map((s: any) => s.migration.version)).toEqual(['1', '3']);
    expect(pre.json.deferred).toEqual([expect.objectContaining({ version: '2', phase: 'post' })]);
    expect(await appliedVersions()).toEqual(['1', '3']);

    expect(await oldCode()).toBe('Ann Lee');
    expect(await newCode()).toBe('Ann');
    expect(await relationExists('users_display_name')).toBe(true);

    // Running pre again is a no-op that still leaves the post alone.
    const again = await cutover(dir, 'migrate', '--phase', 'pre');
    expect(again.code).toBe(0);
    expect(again.json.applied).toEqual([]);
    expect(await oldCode()).toBe('Ann Lee');
  });
});

describe('migrate --phase post', () => {
  it('refuses while an earlier pre migration is pending, touching nothing; after pre, it runs and the old code breaks as expected', async () => {
    const dir = await migrationsDir(release);
    const refused = await cutover(dir, 'migrate', '--phase', 'post');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'PHASE_ORDER', version: '2', file: '2_drop_fullname.sql' });
    expect(refused.error.message).toContain('1_users.sql');
    expect(await ledger()).toBeUndefined();
    expect(await userRelations()).toEqual([]);

    // The deploy: pre, then the new code everywhere, then post.
    expect((await cutover(dir, 'migrate', '--phase', 'pre')).code).toBe(0);
    expect(await oldCode()).toBe('Ann Lee');

    const post = await cutover(dir, 'migrate', '--phase', 'post');
    expect(post.code).toBe(0);
    expect(post.json.applied.map((s: any) => s.migration.version)).toEqual(['2']);
    expect(await appliedVersions()).toEqual(['1', '2', '3']);
    expect((await ledger())!.find((r) => r.version === '2')).toMatchObject({ phase: 'post', state: 'applied' });

    await expect(oldCode()).rejects.toMatchObject({ code: '42703' }); // undefined_column: what the old code now gets
    expect(await newCode()).toBe('Ann');
  });
});

describe('migrate --phase post with only a later pre migration pending', () => {
  it('runs: only an earlier pending pre migration holds a post back', async () => {
    const dir = await migrationsDir(release);
    expect((await cutover(dir, 'migrate', '--to', '1')).code).toBe(0);
    const post = await cutover(dir, 'migrate', '--phase', 'post');
    expect(post.code).toBe(0);
    expect(post.json.applied.map((s: any) => s.migration.version)).toEqual(['2']);
    expect(post.json.deferred.map((m: any) => m.version)).toEqual(['3']);
    expect(await appliedVersions()).toEqual(['1', '2']);
    await expect(oldCode()).rejects.toMatchObject({ code: '42703' });

    // The later pre migration is not out of order with respect to the post one: it still applies.
    const pre = await cutover(dir, 'migrate', '--phase', 'pre');
    expect(pre.code).toBe(0);
    expect(pre.json.applied.map((s: any) => s.migration.version)).toEqual(['3']);
  });
});

describe('migrate --phase all', () => {
  it('runs everything in version order, post included', async () => {
    const dir = await migrationsDir(release);
    const all = await cutover(dir, 'migrate'); // --phase all is the default
    expect(all.code).toBe(0);
    expect(all.json.phase).toBe('all');
    expect(all.json.applied.map((s: any) => [s.migration.version, s.migration.phase, s.migration.transaction])).toEqual([
      ['1', 'pre', true],
      ['2', 'post', true],
      ['3', 'pre', false],
    ]);
    // Ledger rows in the order they were written.
    expect(((await ledger()) ?? []).map((r) => [r.version, r.phase, r.state])).toEqual([
      ['1', 'pre', 'applied'],
      ['2', 'post', 'applied'],
      ['3', 'pre', 'applied'],
    ]);
    await expect(oldCode()).rejects.toMatchObject({ code: '42703' });
    expect(await newCode()).toBe('Ann');
  });
});

describe('plan and migrate --dry-run', () => {
  it('list the steps with phase and transaction mode and execute nothing', async () => {
    const dir = await migrationsDir(release);

    const text = await cli(['plan', '--url', db.url, '--schema', schema, '--dir', dir]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const step = (file: string) => lines.find((line) => line.includes(file)) ?? '';
    expect(step('1_users.sql')).toMatch(/\bpre\s+transaction\b/);
    expect(step('2_drop_fullname.sql')).toMatch(/\bpost\s+transaction\b/);
    expect(step('3_display_name_index.sql')).toMatch(/\bpre\s+no transaction\b/);
    expect(lines.indexOf(step('1_users.sql'))).toBeLessThan(lines.indexOf(step('2_drop_fullname.sql')));
    expect(lines.indexOf(step('2_drop_fullname.sql'))).toBeLessThan(lines.indexOf(step('3_display_name_index.sql')));
    // Nothing executed, not even the ledger's creation.
    expect(await ledger()).toBeUndefined();
    expect(await userRelations()).toEqual([]);

    const dryRun = await cli(['migrate', '--dry-run', '--url', db.url, '--schema', schema, '--dir', dir]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('1_users.sql');
    expect(dryRun.stdout).toContain('3_display_name_index.sql');
    expect(await ledger()).toBeUndefined();
    expect(await userRelations()).toEqual([]);

    // With a prefix applied: the plan lists the rest and the ledger stays as it was.
    expect((await cutover(dir, 'migrate', '--to', '1')).code).toBe(0);
    const before = await ledger();
    const relationsBefore = await userRelations();
    const rest = await cutover(dir, 'plan', '--phase', 'pre');
    expect(rest.code).toBe(0);
    expect(rest.json.planned.map((s: any) => s.version)).toEqual(['3']);
    expect(rest.json.deferred.map((m: any) => m.version)).toEqual(['2']);
    const restDry = await cutover(dir, 'migrate', '--dry-run');
    expect(restDry.code).toBe(0);
    expect(restDry.json.dryRun).toBe(true);
    expect(restDry.json.planned.map((s: any) => s.version)).toEqual(['2', '3']);
    expect(restDry.json.applied).toEqual([]);
    expect(await ledger()).toEqual(before);
    expect(await userRelations()).toEqual(relationsBefore);
    expect(await oldCode()).toBe('Ann Lee');
  });

  it('plan --json is one valid JSON document with the documented fields', async () => {
    const dir = await migrationsDir(release);
    const result = await cli(['plan', '--json', '--url', db.url, '--schema', schema, '--dir', dir]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout); // the whole of stdout: one document
    // The run report of docs/commands.md ("migrate", JSON), with dryRun true and applied empty.
    expect(report).toEqual({
      ok: true, schema, target: expect.any(String), phase: 'all', dryRun: true, lockWaitedMs: expect.any(Number),
      planned: expect.any(Array), applied: [], deferred: [], warnings: [], entries: expect.any(Array), durationMs: expect.any(Number),
      lint: expect.objectContaining({ findings: expect.any(Array), counts: expect.any(Object) }),
      lintGate: { mode: 'error', letThrough: 0 },
    });
    expect(report.target).not.toMatch(/:[^/@]*@/); // never a password
    expect(report.entries).toEqual([
      { version: '1', name: 'users', phase: 'pre', state: 'pending', file: '1_users.sql' },
      { version: '2', name: 'drop_fullname', phase: 'post', state: 'pending', file: '2_drop_fullname.sql' },
      { version: '3', name: 'display_name_index', phase: 'pre', state: 'pending', file: '3_display_name_index.sql' },
    ]);
    expect(report.planned).toHaveLength(3);
    expect(report.planned[0]).toEqual({
      version: '1', name: 'users', file: '1_users.sql', phase: 'pre', transaction: true, direction: 'up',
      statements: [
        { line: 1, kind: 'CreateStmt', text: 'CREATE TABLE users (id int PRIMARY KEY, fullname text, display_name text)', locks: [], rewrites: [] },
        {
          line: 2, kind: 'InsertStmt', text: "INSERT INTO users VALUES (1, 'Ann Lee', 'Ann')",
          locks: [{ relation: 'users', mode: 'RowExclusive', role: 'target', action: 'insert' }], rewrites: [],
        },
      ],
    });
    expect(report.planned[1]).toMatchObject({ version: '2', phase: 'post', transaction: true, direction: 'up', statements: [{ line: 2, kind: 'AlterTableStmt' }] });
    expect(report.planned[2]).toMatchObject({ version: '3', phase: 'pre', transaction: false, direction: 'up', statements: [{ line: 2, kind: 'IndexStmt', needsNoTransaction: 'CREATE INDEX CONCURRENTLY' }] });
    expect(await ledger()).toBeUndefined();
  });
});

describe('rollback --to', () => {
  const reversible = {
    '1_users.up.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
    '1_users.down.sql': 'DROP TABLE users;\n',
    '2_notes.up.sql': 'CREATE TABLE notes (id int, user_id int REFERENCES users);\n',
    '2_notes.down.sql': 'DROP TABLE notes;\n',
    '3_tags.up.sql': 'CREATE TABLE tags (note_id int);\nALTER TABLE notes ADD COLUMN tag text;\n',
    '3_tags.down.sql': 'ALTER TABLE notes DROP COLUMN tag;\nDROP TABLE tags;\n',
  };

  it('runs the down files newest first, each removing its ledger row', async () => {
    const dir = await migrationsDir(reversible);
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    expect(await appliedVersions()).toEqual(['1', '2', '3']);

    const back = await cutover(dir, 'rollback', '--to', '1');
    expect(back.code).toBe(0);
    // 3 first: its down file alters notes, which 2's down file drops.
    expect(back.json.applied.map((s: any) => [s.migration.version, s.migration.direction, s.migration.file])).toEqual([
      ['3', 'down', '3_tags.down.sql'],
      ['2', 'down', '2_notes.down.sql'],
    ]);
    expect(await appliedVersions()).toEqual(['1']);
    expect(await userRelations(true)).toEqual([`${schema}.cutover_audit`, `${schema}.cutover_migrations`, `${schema}.users`]);

    // And forward again: the rolled-back migrations are pending.
    const forward = await cutover(dir, 'migrate');
    expect(forward.code).toBe(0);
    expect(forward.json.applied.map((s: any) => s.migration.version)).toEqual(['2', '3']);
  });

  it('refuses, naming the migration, when a down file is missing, and touches nothing', async () => {
    const { '2_notes.up.sql': notes, '2_notes.down.sql': _dropped, ...rest } = reversible;
    const dir = await migrationsDir({ ...rest, '2_notes.sql': notes });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    const relationsBefore = await userRelations();

    const refused = await cutover(dir, 'rollback', '--to', '1');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'NOT_REVERSIBLE', version: '2', file: '2_notes.sql' });
    expect(refused.error.message).toContain('2_notes.sql');
    // 3 has a down file, but nothing ran: not even the newest.
    expect(await appliedVersions()).toEqual(['1', '2', '3']);
    expect(await userRelations()).toEqual(relationsBefore);
    const tag = await query(db.url, `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'notes' AND column_name = 'tag'`, [schema]);
    expect(tag).toHaveLength(1);
  });
});
