/** `cutover wait` / waitForSchema: unblocks when the migration lands; times out naming what is missing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForSchema } from '../../src/deploy/library.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, testSchema } from '../support/db.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;

beforeEach(async () => {
  db = await freshDatabase();
  dir = await migrationsDir({
    '1_notes.sql': 'CREATE TABLE notes (id int);\n',
    '2_author.sql': 'ALTER TABLE notes ADD COLUMN author text;\n',
    '3_contract.sql': '-- cutover:phase post\nALTER TABLE notes ALTER COLUMN author SET NOT NULL;\n',
  });
});
afterEach(async () => {
  await db.drop();
});

const args = (...more: string[]) => [...more, '--url', db.url, '--schema', schema, '--dir', dir, '--json'];

describe('wait for the schema', () => {
  it('unblocks when the pre migrations land (post ones are not needed)', async () => {
    const started = Date.now();
    const waiting = cli(args('wait', '--timeout', '20s', '--poll', '100ms'));
    await new Promise((r) => setTimeout(r, 700));
    expect((await cli(args('migrate', '--phase', 'pre'))).code).toBe(0);
    const result = await waiting;
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ ok: true, state: { ready: true, version: '2', pendingPost: ['3'] } });
    expect(json.waitedMs).toBeGreaterThanOrEqual(600);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('--at-least waits only for what that code needs', async () => {
    await cli(args('migrate', '--to', '1'));
    expect((await cli(args('wait', '--at-least', '1', '--timeout', '2s'))).code).toBe(0);
    expect((await cli(args('wait', '--at-least', '1', '--timeout', '2s', '--no-files'))).code).toBe(0);
  });

  it('times out with SCHEMA_WAIT_TIMEOUT naming the missing versions', async () => {
    await cli(args('migrate', '--to', '1'));
    const result = await cli(args('wait', '--timeout', '500ms', '--poll', '100ms'));
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'SCHEMA_WAIT_TIMEOUT', missing: ['2'] });
  });

  it('keeps waiting while the database is unreachable (Compose may start the app first)', async () => {
    const progress: string[] = [];
    await expect(waitForSchema({ url: 'postgres://nobody@127.0.0.1:1/none', dir, timeoutMs: 600, pollMs: 100, onProgress: (p) => p.error && progress.push(p.error) }))
      .rejects.toMatchObject({ code: 'SCHEMA_WAIT_TIMEOUT' });
    expect(progress.length).toBeGreaterThan(1);
  });
});
