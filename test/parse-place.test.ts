/**
 * Where the CLI parses pending files: in its own process for a few (the
 * usual deploy: no second Node.js to start), in a child process for many
 * (the parser's heap leaves with it). Observed through a preload that logs
 * every child_process.spawn of the real CLI process.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PARSE_HERE_UP_TO } from '../src/sql/parse-host.js';
import { migrationsDir, spawnCli } from './support/cli.js';
import { freshDatabase, query } from './support/db.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  await db.drop();
});

const PRELOAD = resolve(import.meta.dirname, 'support/spawn-log.cjs');

/** Run `cutover migrate` as a real process; returns its result and the parser children it started. */
async function migrate(files: Record<string, string>): Promise<{ code: number; stderr: string; parserChildren: number }> {
  const dir = await migrationsDir(files);
  const log = join(dir, 'spawns.log');
  const { done } = spawnCli(['migrate', '--url', db.url, '--dir', dir], { env: { NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}`, SPAWN_LOG: log } });
  const result = await done;
  const spawns = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]);
  return { ...result, parserChildren: spawns.filter((argv) => argv.includes('--liftoff-only')).length };
}

const tables = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${i + 1}_t${i + 1}.sql`, `CREATE TABLE t${i + 1} (id int);\nCOMMENT ON TABLE t${i + 1} IS 'x';\n`]));
const count = async () => (await query<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t[0-9]+$'"))[0]!.n;

describe('the CLI parses pending files', () => {
  it(`in its own process when there are at most ${PARSE_HERE_UP_TO}`, async () => {
    const run = await migrate(tables(3));
    expect(run.code, run.stderr).toBe(0);
    expect(run.parserChildren).toBe(0);
    expect(await count()).toBe(3);
  });

  it('in a child process when there are more', async () => {
    const run = await migrate(tables(PARSE_HERE_UP_TO + 1));
    expect(run.code, run.stderr).toBe(0);
    expect(run.parserChildren).toBe(1);
    expect(await count()).toBe(PARSE_HERE_UP_TO + 1);
  });

  it('and a syntax error found in its own process still stops everything, at file:line:column', async () => {
    const run = await migrate({ ...tables(2), '3_bad.sql': 'CREATE TABLE ok (id int);\nCREATE TABLEE bad (id int);\n' });
    expect(run.code).toBe(2);
    expect(run.parserChildren).toBe(0);
    expect(run.stderr).toContain('3_bad.sql:2:8');
    expect(await count()).toBe(0);
  });
});
