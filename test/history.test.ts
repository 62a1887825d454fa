/**
 * The history of one schema against a real Postgres (DESIGN §1 "Failure",
 * "Ledger"): edited files, the database ahead of the directory, out-of-order
 * files, failed no-transaction migrations and their resolution, `--to`, and
 * a transactional migration failing at run time. Every case asserts what is
 * in the database (ledger rows, audit rows, tables) and the error's code and
 * fields, not its prose.
 */
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

type LedgerRow = {
  version: string;
  name: string;
  phase: string;
  state: string;
  checksum: string;
  failed_statement: number | null;
};

/** Run the CLI against this test's database and schema, with `--json`; `error` is the JSON error, if any. */
async function cutover(dir: string, ...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
  const json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  return { ...result, json, error: json?.error };
}

async function ledger(): Promise<LedgerRow[]> {
  if (!(await tableExists('cutover_migrations'))) return [];
  return query<LedgerRow>(db.url, `SELECT version, name, phase, state, checksum, failed_statement FROM ${ident(schema)}.cutover_migrations ORDER BY version::bigint`);
}

type AuditRow = { version: string; action: string; by: string | null; reason: string | null; details: any };

async function audit(): Promise<AuditRow[]> {
  return query<AuditRow>(db.url, `SELECT version, action, by, reason, details FROM ${ident(schema)}.cutover_audit ORDER BY id`);
}

async function tableExists(table: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(db.url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${ident(schema)}.${ident(table)}`]);
  return row!.exists;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('an applied file that was edited', () => {
  it('is a hard failure naming the file until the edit is accepted with resolve --checksum, recorded with who and why', async () => {
    const original = 'CREATE TABLE users (id int PRIMARY KEY);\n';
    const dir = await migrationsDir({ '1_users.sql': original, '2_notes.sql': 'CREATE TABLE notes (id int);\n' });
    expect((await cutover(dir, 'migrate', '--to', '1')).code).toBe(0);
    expect((await ledger()).map((r) => r.checksum)).toEqual([sha256(original)]);

    const edited = '-- who uses the app\nCREATE TABLE users (id int PRIMARY KEY);\n';
    await writeFile(join(dir, '1_users.sql'), edited);
    const refused = await cutover(dir, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'CHECKSUM_MISMATCH', version: '1', file: '1_users.sql' });
    expect(refused.error.message).toContain('1_users.sql');
    expect(refused.error.hint).toContain('resolve 1 --checksum');
    // Nothing ran: 2 is still pending, the ledger still holds the old checksum.
    expect(await tableExists('notes')).toBe(false);
    expect((await ledger()).map((r) => [r.version, r.checksum])).toEqual([['1', sha256(original)]]);

    const resolved = await cutover(dir, 'resolve', '1', '--checksum', '--reason', 'added a comment only');
    expect(resolved.code).toBe(0);
    expect(resolved.json).toMatchObject({ ok: true, version: '1', action: 'checksum', after: { state: 'applied', checksum: sha256(edited) } });
    expect((await ledger()).map((r) => [r.version, r.state, r.checksum])).toEqual([['1', 'applied', sha256(edited)]]);
    const [entry, ...more] = await audit();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ version: '1', action: 'resolve --checksum', reason: 'added a comment only' });
    expect(entry!.by).toMatch(/\S/);
    expect(entry!.details).toMatchObject({ before: { checksum: sha256(original) }, after: { checksum: sha256(edited) } });

    const after = await cutover(dir, 'migrate');
    expect(after.code).toBe(0);
    expect(after.json.applied.map((s: any) => s.migration.version)).toEqual(['2']);
    expect(await tableExists('notes')).toBe(true);
  });

  it('does not count a CRLF-only change, or an added BOM, as an edit', async () => {
    const text = 'CREATE TABLE users (\n  id int PRIMARY KEY\n);\n';
    const dir = await migrationsDir({ '1_users.sql': text });
    expect((await cutover(dir, 'migrate')).code).toBe(0);

    await writeFile(join(dir, '1_users.sql'), text.replace(/\n/g, '\r\n'));
    const crlf = await cutover(dir, 'migrate');
    expect(crlf.code).toBe(0);
    expect(crlf.json.applied).toEqual([]);
    expect((await cutover(dir, 'status', '--check')).code).toBe(0);

    await writeFile(join(dir, '1_users.sql'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/\n/g, '\r\n'))]));
    const bom = await cutover(dir, 'migrate');
    expect(bom.code).toBe(0);
    expect(bom.json.applied).toEqual([]);
    expect((await cutover(dir, 'status', '--check')).code).toBe(0);

    expect((await ledger()).map((r) => r.checksum)).toEqual([sha256(text)]);
    // Nothing was overridden: no audit row, so not even the audit table (it comes with the first override).
    expect(await query(db.url, 'SELECT to_regclass($1) AS audit', [`${ident(schema)}.cutover_audit`])).toEqual([{ audit: null }]);
  });
});

describe('the database ahead of the directory', () => {
  it('is a warning with exit 0, and with --strict an error with exit 1', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n', '2_notes.sql': 'CREATE TABLE notes (id int);\n' });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    // An older app version (a canary, a rollback of the app) runs against the newer schema.
    await rm(join(dir, '2_notes.sql'));

    const warned = await cutover(dir, 'migrate');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('warning[MISSING_ON_DISK]');
    expect(warned.json.warnings).toEqual([expect.objectContaining({ code: 'MISSING_ON_DISK', severity: 'warning', version: '2' })]);

    const strict = await cutover(dir, 'migrate', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.error).toMatchObject({ code: 'MISSING_ON_DISK', version: '2' });
    expect(strict.stderr).toContain('error[MISSING_ON_DISK]');

    expect((await ledger()).map((r) => [r.version, r.state])).toEqual([['1', 'applied'], ['2', 'applied']]);
  });
});

describe('a pending file older than an applied one of the same phase', () => {
  it('is refused with OUT_OF_ORDER, and applied with --allow-out-of-order', async () => {
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n', '3_notes.sql': 'CREATE TABLE notes (id int);\n' });
    expect((await cutover(dir, 'migrate')).code).toBe(0);
    // A branch merged with an older version number.
    await writeFile(join(dir, '2_tags.sql'), 'CREATE TABLE tags (id int);\n');

    const refused = await cutover(dir, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'OUT_OF_ORDER', version: '2', file: '2_tags.sql' });
    expect(await tableExists('tags')).toBe(false);
    expect((await ledger()).map((r) => r.version)).toEqual(['1', '3']);

    const allowed = await cutover(dir, 'migrate', '--allow-out-of-order');
    expect(allowed.code).toBe(0);
    expect(allowed.json.applied.map((s: any) => s.migration.version)).toEqual(['2']);
    expect(await tableExists('tags')).toBe(true);
    expect((await ledger()).map((r) => [r.version, r.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['3', 'applied']]);
  });
});

describe('a no-transaction migration failing half-way', () => {
  // The 2nd of 3 statements fails at run time; the 1st has been committed.
  const failing = '-- cutover:no-transaction\nCREATE TABLE first (id int);\nINSERT INTO nowhere VALUES (1);\nCREATE TABLE third (id int);\n';
  const files = { '1_split.sql': failing, '2_after.sql': 'CREATE TABLE after_it (id int);\n' };

  async function failOnce(dir: string): Promise<void> {
    const failed = await cutover(dir, 'migrate');
    expect(failed.code).toBe(1);
    expect(failed.error).toMatchObject({ code: 'MIGRATION_FAILED', file: '1_split.sql', version: '1', statement: 2, line: 3, sqlstate: '42P01' });
    expect(failed.error.hint).toContain('resolve 1');
    expect(await ledger()).toEqual([expect.objectContaining({ version: '1', state: 'failed', failed_statement: 2 })]);
    expect(await tableExists('first')).toBe(true);
    expect(await tableExists('third')).toBe(false);
    expect(await tableExists('after_it')).toBe(false);

    // Every later run refuses until a person has looked.
    const refused = await cutover(dir, 'migrate');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'UNRESOLVED_FAILURE', version: '1', file: '1_split.sql' });
    expect(refused.error.message).toContain('statement 2');
    expect(await tableExists('after_it')).toBe(false);
  }

  it('is recorded failed at statement 2; resolve --rolled-back forgets it and the fixed file runs again', async () => {
    const dir = await migrationsDir(files);
    await failOnce(dir);

    // Undo by hand what it did, then tell cutover.
    await query(db.url, `DROP TABLE ${ident(schema)}.first`);
    const resolved = await cutover(dir, 'resolve', '1', '--rolled-back', '--reason', 'dropped table first by hand');
    expect(resolved.code).toBe(0);
    expect(await ledger()).toEqual([]);
    expect(await audit()).toEqual([
      expect.objectContaining({ version: '1', action: 'resolve --rolled-back', reason: 'dropped table first by hand', by: expect.stringMatching(/\S/) }),
    ]);

    await writeFile(join(dir, '1_split.sql'), failing.replace('INSERT INTO nowhere', 'INSERT INTO first'));
    const fixed = await cutover(dir, 'migrate');
    expect(fixed.code).toBe(0);
    expect(fixed.json.applied.map((s: any) => s.migration.version)).toEqual(['1', '2']);
    expect((await ledger()).map((r) => [r.version, r.state, r.failed_statement])).toEqual([['1', 'applied', null], ['2', 'applied', null]]);
    expect(await query(db.url, `SELECT id FROM ${ident(schema)}.first`)).toEqual([{ id: 1 }]);
    expect(await tableExists('third')).toBe(true);
    expect(await tableExists('after_it')).toBe(true);
  });

  it('resolve --applied marks it applied after it was finished by hand, and later files run (it is not run again)', async () => {
    const dir = await migrationsDir(files);
    await failOnce(dir);

    await query(db.url, `CREATE TABLE ${ident(schema)}.third (id int)`);
    const resolved = await cutover(dir, 'resolve', '1', '--applied', '--reason', 'created table third by hand');
    expect(resolved.code).toBe(0);
    expect((await ledger()).map((r) => [r.version, r.state, r.failed_statement])).toEqual([['1', 'applied', null]]);
    expect(await audit()).toEqual([
      expect.objectContaining({ version: '1', action: 'resolve --applied', reason: 'created table third by hand', by: expect.stringMatching(/\S/) }),
    ]);

    // Were 1 run again, CREATE TABLE first would fail.
    const next = await cutover(dir, 'migrate');
    expect(next.code).toBe(0);
    expect(next.json.applied.map((s: any) => s.migration.version)).toEqual(['2']);
    expect((await ledger()).map((r) => [r.version, r.state])).toEqual([['1', 'applied'], ['2', 'applied']]);
    expect(await tableExists('after_it')).toBe(true);
  });
});

describe('migrate --to', () => {
  it('stops after the given version; an unknown version is bad input (exit 2) and changes nothing', async () => {
    const dir = await migrationsDir({
      '001_users.sql': 'CREATE TABLE users (id int);\n',
      '002_notes.sql': 'CREATE TABLE notes (id int);\n',
      '003_tags.sql': 'CREATE TABLE tags (id int);\n',
    });
    const unknownFirst = await cutover(dir, 'migrate', '--to', '9');
    expect(unknownFirst.code).toBe(2);
    expect(unknownFirst.error).toMatchObject({ code: 'UNKNOWN_VERSION', version: '9' });
    expect(await tableExists('cutover_migrations')).toBe(false);

    // Leading zeros do not matter: 02 is version 2.
    const to = await cutover(dir, 'migrate', '--to', '02');
    expect(to.code).toBe(0);
    expect(to.json.applied.map((s: any) => s.migration.version)).toEqual(['1', '2']);
    expect(to.json.deferred.map((m: any) => m.version)).toEqual(['3']);
    expect((await ledger()).map((r) => r.version)).toEqual(['1', '2']);
    expect(await tableExists('tags')).toBe(false);

    const unknown = await cutover(dir, 'migrate', '--to', '9');
    expect(unknown.code).toBe(2);
    expect(unknown.error).toMatchObject({ code: 'UNKNOWN_VERSION' });
    expect((await ledger()).map((r) => r.version)).toEqual(['1', '2']);
    expect(await tableExists('tags')).toBe(false);
  });
});

describe('a transactional migration failing at run time', () => {
  it('is rolled back and not recorded, later files are not attempted, and the error points at file:line:column', async () => {
    const failing = 'CREATE TABLE b (id int);\nINSERT INTO b (id, missing_col) VALUES (1, 2);\n';
    const dir = await migrationsDir({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': failing,
      '3_c.sql': 'CREATE TABLE c (id int);\n',
    });
    const failed = await cutover(dir, 'migrate');
    expect(failed.code).toBe(1);
    const badLine = 'INSERT INTO b (id, missing_col) VALUES (1, 2);';
    const column = badLine.indexOf('missing_col') + 1;
    expect(failed.error).toMatchObject({ code: 'MIGRATION_FAILED', file: '2_b.sql', version: '2', line: 2, column, sqlstate: '42703', statement: 2 });
    // The line itself, and a caret under the column.
    expect(failed.error.message).toContain(`2_b.sql:2:${column}`);
    expect(failed.error.message).toContain(`  2 | ${badLine}\n    | ${' '.repeat(column - 1)}^`);
    expect(failed.stderr).toContain(`  2 | ${badLine}\n    | ${' '.repeat(column - 1)}^`);
    // The partial report travels with the error: 1 was applied before 2 failed.
    expect(failed.error.report.applied.map((s: any) => s.migration.version)).toEqual(['1']);

    expect((await ledger()).map((r) => r.version)).toEqual(['1']);
    expect(await tableExists('a')).toBe(true);
    expect(await tableExists('b')).toBe(false); // its first statement was rolled back with it
    expect(await tableExists('c')).toBe(false); // never attempted
  });

  it('reports a unique violation with its SQLSTATE and detail at the statement', async () => {
    const dir = await migrationsDir({
      '1_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);\n  INSERT INTO a VALUES (1);\n',
      '2_b.sql': 'CREATE TABLE b (id int);\n',
    });
    const failed = await cutover(dir, 'migrate');
    expect(failed.code).toBe(1);
    expect(failed.error).toMatchObject({ code: 'MIGRATION_FAILED', file: '1_a.sql', line: 3, column: 3, sqlstate: '23505', statement: 3, detail: 'Key (id)=(1) already exists.' });
    expect(failed.error.message).toContain('  3 |   INSERT INTO a VALUES (1);\n    |   ^');
    expect(await ledger()).toEqual([]);
    expect(await tableExists('a')).toBe(false);
    expect(await tableExists('b')).toBe(false);
  });
});

describe('a statement that ends in a line comment', () => {
  it('is applied with its ledger row (the comment does not swallow what cutover appends)', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int) -- the last statement, no semicolon' });
    const result = await cli(['migrate', '--url', db.url, '--schema', schema, '--dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(await query(db.url, `SELECT version FROM ${ident(schema)}.cutover_migrations`)).toEqual([{ version: '1' }]);
  });
});
