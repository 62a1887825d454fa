/**
 * Verdicts in real runs (issue 19.1): with a verdict for every pending file,
 * `migrate` (CLI and library, each in its own process) never loads
 * libpg-query — and the same check, cold, sees it loaded; a bundle carries
 * its verdicts, and one made by another parser version is not used; a run
 * or a lint from verdicts reports exactly what a fresh parse reports,
 * findings, locks and error places included.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrationsDir, spawnCli } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { database } from '../support/fixtures.js';

const RESOLVE_LOG = resolve(import.meta.dirname, '../support/resolve-log.cjs');
const ENTRY = pathToFileURL(resolve(import.meta.dirname, '../../dist/bundle/index.js')).href;
const schema = testSchema();

const FILES = {
  '1_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
  '2_index.sql': '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);\n',
  '3_more.sql': "-- é, ü: offsets in characters, not bytes\nALTER TABLE users ADD COLUMN name varchar(20) DEFAULT 'ñ';\nCREATE TABLE notes (id int, body text);\n",
};

/** Where a process loaded the parser (empty: never), from the preload's log. */
async function parserLoads(log: string): Promise<string[]> {
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

/** Spawn the CLI with the verdict cache in `cache` (or off) and the parser-load log on. */
async function cliRun(args: string[], cache: string | false) {
  const log = join(await mkdtemp(join(tmpdir(), 'cutover-log-')), 'loads.log');
  const env = { NODE_OPTIONS: `--require ${JSON.stringify(RESOLVE_LOG)}`, RESOLVE_LOG: log, ...(cache ? { CUTOVER_CACHE: 'true', CUTOVER_CACHE_DIR: cache } : { CUTOVER_CACHE: 'false' }) };
  const result = await spawnCli([...args, '--schema', schema], { env }).done;
  return { ...result, loads: await parserLoads(log) };
}

/** Run `source` (an ES module) in a fresh Node.js with the parser-load log on. */
async function nodeRun(source: string, env: Record<string, string>) {
  const log = join(await mkdtemp(join(tmpdir(), 'cutover-log-')), 'loads.log');
  const { NODE_OPTIONS: _o, CUTOVER_CACHE: _c, CUTOVER_CACHE_DIR: _d, ...parent } = process.env;
  const output = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, ['--require', RESOLVE_LOG, '--input-type=module', '-e', source], { env: { ...parent, RESOLVE_LOG: log, ...env } }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
  return { ...output, loads: await parserLoads(log) };
}

const tables = async (url: string) => (await query<{ t: string }>(url, `SELECT tablename AS t FROM pg_tables WHERE schemaname = '${schema.replace(/'/g, "''")}' AND tablename <> 'cutover_migrations' ORDER BY 1`)).map((r) => r.t);

describe('migrate with a verdict for every pending file', () => {
  it('CLI: never loads libpg-query (and, cold, the same check sees it loaded)', async () => {
    const dir = await migrationsDir(FILES);
    const cache = await mkdtemp(join(tmpdir(), 'cutover-cache-'));
    const cold = await cliRun(['migrate', '--url', await database(), '--dir', dir], cache);
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.loads).not.toEqual([]); // the check can fail: a cold run loads the parser
    const url = await database();
    const warm = await cliRun(['migrate', '--url', url, '--dir', dir], cache);
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.loads).toEqual([]);
    expect(await tables(url)).toEqual(['notes', 'users']);
    // --no-cache parses again.
    const off = await cliRun(['migrate', '--url', await database(), '--dir', dir, '--no-cache'], cache);
    expect(off.code, off.stderr).toBe(0);
    expect(off.loads).not.toEqual([]);
  });

  it('library: migrate() never loads libpg-query once `plan` filled the cache', async () => {
    const dir = await migrationsDir(FILES);
    const cache = await mkdtemp(join(tmpdir(), 'cutover-cache-'));
    const script = (url: string) => `const { migrate } = await import(${JSON.stringify(ENTRY)});
      const report = await migrate({ url: ${JSON.stringify(url)}, dir: ${JSON.stringify(dir)}, schema: ${JSON.stringify(schema)}, cacheDir: ${JSON.stringify(cache)} });
      console.log(report.applied.length);`;
    const cold = await nodeRun(script(await database()), {});
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.loads).not.toEqual([]);
    const filled = await cliRun(['plan', '--url', await database(), '--dir', dir], cache);
    expect(filled.code, filled.stderr).toBe(0);
    const url = await database();
    const warm = await nodeRun(script(url), {});
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.stdout.trim()).toBe('3');
    expect(warm.loads).toEqual([]);
    // `cache: false` parses.
    const off = await nodeRun(script(await database()).replace('cacheDir:', 'cache: false, cacheDir:'), {});
    expect(off.code, off.stderr).toBe(0);
    expect(off.loads).not.toEqual([]);
  });

  it('still names file, line and column of a syntax error next to cached files', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'cutover-cache-'));
    const good = await migrationsDir(FILES);
    expect((await cliRun(['plan', '--url', await database(), '--dir', good], cache)).code).toBe(0);
    const dir = await migrationsDir({ ...FILES, '4_bad.sql': "SELECT 'é';\nCREATE TABLEE bad (id int);\n" });
    const url = await database();
    for (const verdicts of [cache, false] as const) {
      const run = await cliRun(['migrate', '--url', url, '--dir', dir], verdicts);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('4_bad.sql:2:8');
    }
    expect(await tables(url)).toEqual([]);
  });
});

describe('a bundle', () => {
  it('embeds verdicts: migrate from it never loads the parser; one made by another parser version is not used', async () => {
    const dir = await migrationsDir(FILES);
    const out = join(await mkdtemp(join(tmpdir(), 'cutover-bundle-')), 'migrations.generated.mjs');
    const made = await cliRun(['bundle', '--dir', dir, '--out', out, '--cache-dir', await mkdtemp(join(tmpdir(), 'cutover-cache-'))], false);
    expect(made.code, made.stderr).toBe(0);
    // --no-cache (CUTOVER_CACHE=false) made it without verdicts: made again with them.
    expect(await readFile(out, 'utf8')).not.toContain('verdict:');
    const withVerdicts = await cliRun(['bundle', '--dir', dir, '--out', out], await mkdtemp(join(tmpdir(), 'cutover-cache-')));
    expect(withVerdicts.code, withVerdicts.stderr).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text.match(/verdict: /g)).toHaveLength(3);
    const script = (url: string, module: string) => `const { migrate } = await import(${JSON.stringify(ENTRY)});
      const { migrations, format } = await import(${JSON.stringify(pathToFileURL(module).href)});
      const report = await migrate({ url: ${JSON.stringify(url)}, migrations, format, schema: ${JSON.stringify(schema)} });
      console.log(report.applied.length);`;
    // An empty cache of its own: only the bundle's verdicts can spare the parse.
    const env = { CUTOVER_CACHE_DIR: await mkdtemp(join(tmpdir(), 'cutover-cache-')) };
    const url = await database();
    const run = await nodeRun(script(url, out), env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('3');
    expect(run.loads).toEqual([]);
    expect(await tables(url)).toEqual(['notes', 'users']);

    const foreign = out.replace(/\.mjs$/, '.foreign.mjs');
    await writeFile(foreign, text.replace(/\\"parser\\":\\"[^"\\]+\\"/g, '\\"parser\\":\\"0.0.1\\"'));
    expect(await readFile(foreign, 'utf8')).toContain('0.0.1');
    const other = await database();
    const parsed = await nodeRun(script(other, foreign), { CUTOVER_CACHE_DIR: await mkdtemp(join(tmpdir(), 'cutover-cache-')) });
    expect(parsed.code, parsed.stderr).toBe(0);
    expect(parsed.loads).not.toEqual([]);
    expect(await tables(other)).toEqual(['notes', 'users']);
  });
});

/** A report with what differs between any two runs (times, the database's name) left out. */
function comparable(json: string): unknown {
  return JSON.parse(json, (key, value: unknown) => (['durationMs', 'lockWaitedMs', 'target', 'appliedAt', 'at'].includes(key) ? undefined : value));
}

describe('from verdicts, the same report as from a fresh parse', () => {
  // Findings that depend on the live catalog (a table too large to lock, one created in the run) and on the text alone.
  const RISKY = {
    '5_risky.sql': "CREATE INDEX orders_total ON orders (total);\nALTER TABLE orders ADD COLUMN code varchar(10) NOT NULL DEFAULT 'x';\nALTER TABLE orders ALTER COLUMN total TYPE bigint;\nCREATE TABLE fresh (id int);\nCREATE INDEX fresh_id ON fresh (id);\n",
    '6_ignored.sql': '-- cutover:lint-ignore require-concurrent-index-creation reviewed: off-peak\nCREATE INDEX orders_id ON orders (id);\n',
  };
  async function withOrders(): Promise<string> {
    const url = await database();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.Client.prototype.escapeIdentifier(schema)}; SET search_path = ${pg.Client.prototype.escapeIdentifier(schema)}; CREATE TABLE orders (id int, total int); INSERT INTO orders SELECT g, g FROM generate_series(1, 20000) g; ANALYZE orders;`);
    await client.end();
    return url;
  }

  it('plan --json and lint --json (offline and live), findings included', async () => {
    const dir = await migrationsDir({ ...FILES, ...RISKY });
    const url = await withOrders();
    const cache = await mkdtemp(join(tmpdir(), 'cutover-cache-'));
    for (const args of [['plan', '--json', '--url', url, '--dir', dir], ['lint', '--json', '--dir', dir], ['lint', '--json', '--url', url, '--dir', dir]]) {
      const fresh = await cliRun(args, false);
      const filling = await cliRun(args, cache);
      const cached = await cliRun(args, cache);
      expect(cached.loads, args.join(' ')).toEqual([]);
      expect(fresh.loads).not.toEqual([]);
      expect(comparable(filling.stdout)).toEqual(comparable(fresh.stdout));
      expect(comparable(cached.stdout)).toEqual(comparable(fresh.stdout));
      expect(cached.code).toBe(fresh.code);
      expect(fresh.stdout).toMatch(/"rule": "[a-z-]+"/); // findings there are to compare
    }
  });

  it('migrate stops at the same lint gate with the same findings', async () => {
    const dir = await migrationsDir({ ...FILES, ...RISKY });
    const cache = await mkdtemp(join(tmpdir(), 'cutover-cache-'));
    expect((await cliRun(['plan', '--url', await withOrders(), '--dir', dir], cache)).code).toBe(0);
    const fresh = await cliRun(['migrate', '--json', '--url', await withOrders(), '--dir', dir], false);
    const cached = await cliRun(['migrate', '--json', '--url', await withOrders(), '--dir', dir], cache);
    expect(fresh.code).toBe(3);
    expect(cached.code).toBe(3);
    expect(cached.loads).toEqual([]);
    expect(comparable(cached.stdout)).toEqual(comparable(fresh.stdout));
    expect(cached.stderr.replace(/\d+ms/g, '')).toBe(fresh.stderr.replace(/\d+ms/g, ''));
  });
});
