/**
 * Live output on a terminal (issue 17.6), through `main(argv, io)` with
 * `isTTY` injected: a migration's line appears when it starts and shows the
 * time elapsed while it runs; colour follows NO_COLOR / FORCE_COLOR; piped
 * output and --json are unchanged.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../src/cli/main.js';
import { migrationsDir } from './support/cli.js';
import { freshDatabase, testSchema } from './support/db.js';

const schema = testSchema();

async function run(args: string[], isTTY: boolean, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) },
    env, cwd: process.cwd(), isTTY, now: () => new Date(), waitForInterrupt: () => Promise.resolve(),
  });
  return { code, stdout, stderr };
}

const files = { '1_slow.sql': 'SELECT pg_sleep(1.5);\n', '2_notes.sql': 'CREATE TABLE notes (id int);\n' };
const ESC = '\x1b[';

describe('live output', () => {
  it('on a TTY: each line appears when its migration starts, with the elapsed time, then its result; coloured', async () => {
    const db = await freshDatabase();
    onTestFinished(db.drop);
    const result = await run(['migrate', '--url', db.url, '--schema', schema, '--dir', await migrationsDir(files)], true);
    expect(result.code, result.stderr).toBe(0);
    const slow = result.stderr.slice(0, result.stderr.indexOf('applied 1_slow.sql'));
    expect(slow).toContain('applying 1_slow.sql');
    expect(slow).toMatch(/applying 1_slow\.sql \S*\d\.\ds/); // the elapsed time while it ran
    expect(result.stderr).toContain(`${ESC}32m✓`); // green, by styleText
    expect(result.stderr).toMatch(/applied 2_notes\.sql/);
  });

  it('NO_COLOR: live but no colour; FORCE_COLOR wins over it; piped and --json: unchanged', async () => {
    const db = await freshDatabase();
    onTestFinished(db.drop);
    const plain = await run(['migrate', '--url', db.url, '--schema', schema, '--dir', await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' })], true, { NO_COLOR: '1' });
    expect(plain.stderr).toContain('applying 1_a.sql');
    expect(plain.stderr).not.toMatch(/\x1b\[3\dm/);
    const forced = await run(['migrate', '--url', db.url, '--schema', schema, '--dir', await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n' })], true, { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(forced.stderr).toContain(`${ESC}32m✓`);

    const piped = await run(['migrate', '--url', db.url, '--schema', schema, '--dir', await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n', '3_c.sql': 'CREATE TABLE c (id int);\n' })], false);
    expect(piped.stderr).toBe('applied 3_c.sql (pre) in ' + piped.stderr.slice('applied 3_c.sql (pre) in '.length));
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain(ESC);

    const json = await run(['migrate', '--json', '--url', db.url, '--schema', schema, '--dir', await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n', '3_c.sql': 'CREATE TABLE c (id int);\n', '4_d.sql': 'CREATE TABLE d (id int);\n' })], true);
    expect(JSON.parse(json.stdout).applied).toHaveLength(1);
    expect(json.stderr).not.toContain('\r');
  });
});

describe('progress bars (17.6)', () => {
  it('a fleet on a TTY: one live line with a bar, done/total, failures and elapsed; piped and --json: no live line', async () => {
    const db = await freshDatabase();
    onTestFinished(db.drop);
    const { query } = await import('./support/db.js');
    await query(db.url, 'CREATE SCHEMA a_bad; CREATE TABLE a_bad.slow (id int); CREATE SCHEMA t1; CREATE SCHEMA t2');
    const dir = await migrationsDir({ '1_slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(0.4);\n' });
    const fleet = (tty: boolean, ...extra: string[]) => run(['migrate', '--url', db.url, '--dir', dir, '--schemas', 'a_bad,t*', '--concurrency', '1', '--continue-on-error', ...extra], tty, { NO_COLOR: '1' });
    const live = await fleet(true);
    expect(live.code).toBe(1);
    const lines = live.stderr.split('\r\x1b[2K');
    expect(lines.some((l) => /^fleet \[[█·]{20}\] [0-3]\/3 · 1 failed · \S+/.test(l)), live.stderr).toBe(true);
    expect(live.stderr).toContain('failed: schema "a_bad"');
    expect(live.stderr.slice(live.stderr.lastIndexOf('fleet [')).split('\n')[0]).toContain('\r\x1b[2K'); // cleared before the error is printed

    await query(db.url, 'DROP SCHEMA t1 CASCADE; DROP SCHEMA t2 CASCADE; CREATE SCHEMA t1; CREATE SCHEMA t2');
    const piped = await fleet(false);
    expect(piped.stderr).toContain('failed: schema "a_bad"');
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain('fleet [');
    await query(db.url, 'DROP SCHEMA t1 CASCADE; DROP SCHEMA t2 CASCADE; CREATE SCHEMA t1; CREATE SCHEMA t2');
    const json = await fleet(true, '--json');
    expect(JSON.parse(json.stdout).error.code).toBe('FLEET_FAILED');
    expect(json.stderr).not.toContain('\r');
  });
});
