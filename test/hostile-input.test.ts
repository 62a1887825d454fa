/**
 * Hostile input (issue 16): what an outside probe fed cutover and what it
 * must do with it — refuse with exit 2 naming the file, line and column
 * (never skip, never cut a file short), and leave the database untouched.
 */
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
