/**
 * Invalid indexes (issue 6, item 5): a failed CREATE INDEX CONCURRENTLY
 * leaves an INVALID index that IF NOT EXISTS then accepts; migrate and
 * status report it with the fix, and resolve --rebuild-invalid-indexes
 * rebuilds it concurrently.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { CutoverError, migrate, type MigrateReport } from '../../src/index.js';
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

async function cutover(dir: string, ...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
  const json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  return { ...result, json, error: json?.error };
}

const failingIndex = {
  '0001_users.sql': "CREATE TABLE users (id int PRIMARY KEY, email text);\nINSERT INTO users VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x');\n",
  '0002_users_email.sql': '-- cutover:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);\n',
};

const validity = async () => query<{ index: string; valid: boolean }>(db.url,
  `SELECT c.relname AS index, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'users_email'`, [schema]);

it('an index left invalid by a failed CREATE INDEX CONCURRENTLY is reported by migrate and status, and rebuilt by resolve', async () => {
  const dir = await migrationsDir(failingIndex);
  const failed = await cutover(dir, 'migrate');
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain('warning[INVALID_INDEX]');
  expect(await validity()).toEqual([{ index: 'users_email', valid: false }]);

  // The migration is retried after the duplicates are fixed: the INVALID leftover is dropped and built
  // again, never accepted by IF NOT EXISTS and recorded applied (issue 16, defect 5).
  await query(db.url, `UPDATE ${S}.users SET email = 'c@x' WHERE id = 2`);
  expect((await cutover(dir, 'resolve', '2', '--rolled-back', '--reason', 'duplicates fixed')).code).toBe(0);
  const retried = await cutover(dir, 'migrate');
  expect(retried.code, retried.stderr).toBe(0);
  expect(await validity()).toEqual([{ index: 'users_email', valid: true }]);
  expect(retried.json.invalidIndexes).toEqual([]);

  // An index left invalid outside migrations: status says so, with the fix, and resolve rebuilds it.
  await query(db.url, `DROP INDEX ${S}.users_email; UPDATE ${S}.users SET email = 'a@x' WHERE id = 2`);
  await expect(query(db.url, `CREATE UNIQUE INDEX CONCURRENTLY users_email ON ${S}.users (email)`)).rejects.toMatchObject({ code: '23505' });
  await query(db.url, `UPDATE ${S}.users SET email = 'c@x' WHERE id = 2`);
  const status = await cutover(dir, 'status', '--check');
  expect(status.code).toBe(3);
  expect(status.error).toMatchObject({ code: 'CHECK_FAILED', invalidIndexes: ['users_email'] });
  expect(status.error.report.invalidIndexes[0].fix).toContain('CREATE UNIQUE INDEX CONCURRENTLY users_email');

  const rebuilt = await cutover(dir, 'resolve', '--rebuild-invalid-indexes');
  expect(rebuilt.code, rebuilt.stderr).toBe(0);
  expect(rebuilt.json.rebuilt.map((i: { index: string }) => i.index)).toEqual(['users_email']);
  expect(await validity()).toEqual([{ index: 'users_email', valid: true }]);
  expect((await cutover(dir, 'status', '--check')).code).toBe(0);
  expect((await cutover(dir, 'resolve', '--rebuild-invalid-indexes')).json.rebuilt).toEqual([]);
  await expect(query(db.url, `INSERT INTO ${S}.users VALUES (4, 'a@x')`)).rejects.toMatchObject({ code: '23505' });
});

it('migrate({ invalidIndexes: true }) reports them in the report, after a failure and a refusal too; without it they are not looked for', async () => {
  const dir = await migrationsDir(failingIndex);
  const reportOf = async (run: Promise<MigrateReport>) => {
    const error = await run.then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CutoverError);
    return (error as CutoverError).report as MigrateReport;
  };
  // The migration fails, and leaves the index invalid.
  expect((await reportOf(migrate({ url: db.url, schema, dir, invalidIndexes: true }))).invalidIndexes).toMatchObject([{ schema, index: 'users_email', table: 'users' }]);
  // The next run is refused (a failed no-transaction migration) before anything runs: still reported when asked for ...
  expect((await reportOf(migrate({ url: db.url, schema, dir, invalidIndexes: true }))).invalidIndexes).toMatchObject([{ index: 'users_email' }]);
  // ... and not looked for otherwise (a no-op boot stays at three queries).
  expect((await reportOf(migrate({ url: db.url, schema, dir }))).invalidIndexes).toBeUndefined();
});
