/**
 * Hostile input (issue 16): what an outside probe fed cutover and what it
 * must do with it — refuse with exit 2 naming the file, line and column
 * (never skip, never cut a file short), and leave the database untouched.
 */
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, migrationsDir } from './support/cli.js';
import { query, testSchema } from './support/db.js';
import { database } from './support/fixtures.js';

const schema = testSchema();
const db = { url: '' };
beforeEach(async () => {
  db.url = await database();
});

/** Run a command with `--json` against the test database; `error` is the JSON error document. */
async function run(command: string, dir: string, ...more: string[]) {
  const result = await cli([command, '--url', db.url, '--schema', schema, '--dir', dir, '--json', ...more]);
  let json: any;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { ...result, json, error: json?.error };
}

const tables = async () => (await query<{ relname: string }>(db.url, `SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace::regnamespace::text NOT LIKE 'pg\\_%' AND relnamespace::regnamespace::text <> 'information_schema'`)).map((r) => r.relname).sort();

describe('control characters (16.7)', () => {
  it('a NUL byte never cuts a file: exit 2 at file:line:column for migrate, plan, lint and status', async () => {
    const dir = await migrationsDir({
      '1_a.sql': 'CREATE TABLE a1 (id int);\n',
      '2_n.sql': 'CREATE TABLE n (id int);\n\0DROP TABLE a1;\n',
    });
    for (const command of ['migrate', 'plan', 'lint', 'status']) {
      const result = await run(command, dir);
      expect(result.code, `${command}: ${result.stderr}`).toBe(2);
      expect(result.error).toMatchObject({ code: 'CONTROL_CHARACTER', file: '2_n.sql', line: 2, column: 1, character: 'U+0000' });
      expect(result.stderr).toContain('2_n.sql:2:1');
    }
    expect(await tables()).toEqual([]);
  });

  it('other control characters are refused too; tab and form feed are whitespace', async () => {
    const bad = await run('plan', await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int); -- \u0001\n' }));
    expect(bad.error).toMatchObject({ code: 'CONTROL_CHARACTER', line: 1, column: 29, character: 'U+0001' });
    const c1 = await run('plan', await migrationsDir({ '1_a.sql': 'SELECT \'\u0085\';\n' }));
    expect(c1.error).toMatchObject({ code: 'CONTROL_CHARACTER', character: 'U+0085' });
    const fine = await run('migrate', await migrationsDir({ '1_a.sql': 'CREATE TABLE\ta (id int);\f\nCREATE TABLE b (id int);\r\n' }));
    expect(fine.code, fine.stderr).toBe(0);
  });
});

describe('symbolic links and entries that are not files (16.2)', () => {
  /** m/1_a.sql, m/2_b.sql -> ../shared/2_b.sql (outside), m/3_c.sql -> 3_real.txt (inside). */
  async function linked() {
    const root = await mkdtemp(join(tmpdir(), 'cutover-links-'));
    await mkdir(join(root, 'm'));
    await mkdir(join(root, 'shared'));
    await writeFile(join(root, 'm', '1_a.sql'), 'CREATE TABLE a (id int);\n');
    await writeFile(join(root, 'shared', '2_b.sql'), 'CREATE TABLE b (id int);\n');
    await symlink('../shared/2_b.sql', join(root, 'm', '2_b.sql'));
    await writeFile(join(root, 'm', '3_real.txt'), 'CREATE TABLE c (id int);\n');
    await symlink('3_real.txt', join(root, 'm', '3_c.sql'));
    return { root, dir: join(root, 'm') };
  }

  it('a link to a regular file, inside or outside the directory, is followed by every command; plan --verbose says so', async () => {
    const { root, dir } = await linked();
    const plan = await run('plan', dir, '--verbose');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.json.planned.map((s: any) => s.file)).toEqual(['1_a.sql', '2_b.sql', '3_c.sql']);
    expect(plan.stderr).toContain(`2_b.sql is a symbolic link: reading ${await realpath(join(root, 'shared', '2_b.sql'))}`);
    const lint = await run('lint', dir);
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.json.files.map((f: any) => f.file)).toEqual(['1_a.sql', '2_b.sql', '3_c.sql']);
    const bundle = await cli(['bundle', '--dir', dir, '--out', join(root, 'bundle.js'), '--json']);
    expect(JSON.parse(bundle.stdout)).toMatchObject({ migrations: 3 });
    const migrate = await run('migrate', dir);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(await tables()).toEqual(['a', 'b', 'c', 'cutover_migrations']);
    const status = await run('status', dir);
    expect(status.json.entries.map((m: any) => [m.version, m.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['3', 'applied']]);
  });

  it.each([
    ['a dangling link', 'dangling-link', async (dir: string) => symlink('gone.sql', join(dir, '2_x.sql'))],
    ['a link loop', 'link-loop', async (dir: string) => { await symlink('2_y.txt', join(dir, '2_x.sql')); await symlink('2_x.sql', join(dir, '2_y.txt')); }],
    ['a directory named like a migration', 'directory', async (dir: string) => mkdir(join(dir, '2_x.sql'))],
    ['a link to a directory named like a migration', 'directory', async (dir: string) => { await mkdir(join(dir, 'sub')); await symlink('sub', join(dir, '2_x.sql')); }],
  ])('%s is exit 2 (NOT_A_FILE) with its path, for migrate, plan, status, lint and bundle', async (_, reason, make) => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n', '3_c.sql': 'CREATE TABLE c (id int);\n' });
    await make(dir);
    for (const command of ['migrate', 'plan', 'status', 'lint']) {
      const result = await run(command, dir);
      expect(result.code, `${command}: ${result.stderr}`).toBe(2);
      expect(result.error).toMatchObject({ code: 'NOT_A_FILE', file: '2_x.sql', reason });
      expect(result.stderr).toContain(join(dir, '2_x.sql'));
      expect(result.error.hint).toMatch(/\S/);
    }
    const bundle = await cli(['bundle', '--dir', dir, '--out', join(dir, '..', 'b.js')]);
    expect(bundle.code).toBe(2);
    expect(await tables()).toEqual([]);
  });
});

describe('schema names over 63 bytes (16.6)', () => {
  it('two names sharing 63 bytes, six runs at once: every run refused with exit 2 naming the setting, nothing created', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const base = 'tenant_'.repeat(9); // 63 bytes
    const runs = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => cli(['migrate', '--url', db.url, '--schema', `${base}${i % 2 ? 'b' : 'a'}`, '--dir', dir, '--json'])));
    for (const result of runs) {
      expect(result.code, result.stderr).toBe(2);
      expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'CONFIG', setting: 'schema' });
      expect(result.stderr).toContain('Postgres keeps 63');
    }
    expect(await query(db.url, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant%'`)).toEqual([]);
    expect(await tables()).toEqual([]);
  });
});
