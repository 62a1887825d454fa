/**
 * Backups need Debian's pg_dump 15 against a PostgreSQL 15 server. On the
 * suite's PG15 server (CI's TEST_DATABASE_URL cell) that server is used; on
 * a newer one (the embedded PG18 cell) each test file starts its own
 * throwaway PG15 cluster with initdb / pg_ctl (as the postgres user when
 * running as root). Copies between servers always start a second cluster.
 *
 * `backupTestbed()` is the setup every file here shares: that server for
 * the file, a database and a work directory for each test, the CLI run
 * against them, and a check that no test issued two queries at once on one
 * client (node-postgres 8 warns, 9 will refuse).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { cliJson, type JsonCliResult } from '../support/cli.js';
import { query } from '../support/query.js';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 programs. */
export const PG15_BIN = '/usr/lib/postgresql/15/bin';

/** A PostgreSQL 15 server for the tests of one file. */
export interface Pg15Server {
  adminUrl: string;
  /** Whether it was started for these tests (and is stopped by `stop`). */
  started: boolean;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function asPostgres(command: string, args: string[]): Promise<void> {
  const root = process.getuid?.() === 0;
  await run(root ? 'runuser' : join(PG15_BIN, command), root ? ['-u', 'postgres', '--', join(PG15_BIN, command), ...args] : args, { timeout: 120_000 });
}

/** Start a throwaway PostgreSQL 15 cluster (trust auth, no fsync) on a free port; `settings` go in as `-c name=value`. */
export async function startPg15(settings: Record<string, string> = {}): Promise<Pg15Server> {
  await stat(join(PG15_BIN, 'initdb'));
  const dir = await mkdtemp(join(tmpdir(), 'cutover-pg15-'));
  await chmod(dir, 0o755);
  const root = process.getuid?.() === 0;
  if (root) await run('chown', ['postgres:postgres', dir]);
  const data = join(dir, 'data');
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  await asPostgres('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off${Object.entries(settings).map(([k, v]) => ` -c ${k}=${v}`).join('')}`, 'start']);
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    started: true,
    stop: async () => {
      await asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The suite's server when it is PostgreSQL 15 (pg_dump 15 can dump it), else a throwaway PG15 cluster. */
export async function pg15Server(): Promise<Pg15Server> {
  if (inject('serverMajor') === 15) return { adminUrl: inject('adminUrl'), started: false, stop: async () => undefined };
  return startPg15();
}

/** A new, empty database on `adminUrl`'s server, and how to drop it. */
export async function databaseOn(adminUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `cutover_backup_${process.pid}_${randomBytes(4).toString('hex')}`;
  await query(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => query(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).then(() => undefined) };
}

/** A database URL as a libpq keyword string (`host=… port=… dbname=… user=… password=…`), values quoted. */
export function keywordString(url: string): string {
  const u = new URL(url);
  const value = (text: string) => `'${decodeURIComponent(text).replace(/[\\']/g, (c) => `\\${c}`)}'`;
  return `host=${value(u.hostname)} port=${value(u.port || '5432')} dbname=${value(u.pathname.slice(1))} user=${value(u.username)}${u.password ? ` password=${value(u.password)}` : ''}`;
}

/** Row count and an aggregate hash of a table: equal means the same rows. */
export async function fingerprint(url: string, table: string): Promise<{ rows: number; hash: string | null }> {
  const [row] = await query<{ rows: string; hash: string | null }>(url, `SELECT count(*) AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS hash FROM ${table} t`);
  return { rows: Number(row!.rows), hash: row!.hash };
}

/** The schemas of a database. */
export async function schemasOf(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(url, `SELECT nspname AS name FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1`);
  return rows.map((r) => r.name);
}

/** A test database on a backup test server. */
export type BackupDatabase = Awaited<ReturnType<typeof databaseOn>>;

/** A CLI run with `--json`: its result, the parsed document, and the error in it. */
export type JsonRun = JsonCliResult;

/** What {@link backupTestbed} gives a test file; read the fields inside tests and hooks. */
export interface BackupTestbed {
  /** The file's PostgreSQL 15 server. */
  readonly server: Pg15Server;
  /** This test's database on it. */
  readonly db: BackupDatabase;
  /** This test's working directory (the CLI's cwd: `.cutover/backups` lands here). */
  readonly work: string;
  /**
   * Run the CLI in-process on this test's database: `--url`, `--dir` and
   * `--json` appended; cwd `work`, environment just PATH.
   */
  cutover(dir: string, ...args: string[]): Promise<JsonRun>;
}

/**
 * Overlapping queries on one node-postgres client (a second `query()` while
 * one runs, e.g. under Promise.all), with where they were issued. Patches
 * `pg.Client.prototype.query` of this worker: the CLI runs in-process, so
 * src/ is covered too. Returns the findings and a way to undo the patch.
 */
function watchOverlappingQueries(): { found: string[]; restore(): void } {
  const found: string[] = [];
  const original = pg.Client.prototype.query;
  const patched = function (this: pg.Client & { _activeQuery?: unknown; _queryQueue?: unknown[] }, ...args: unknown[]) {
    if (this._activeQuery || (this._queryQueue?.length ?? 0) > 0) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
      found.push(`${String(text).slice(0, 120)}\n${new Error('issued here').stack}`);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = patched as typeof original;
  return { found, restore: () => { pg.Client.prototype.query = original; } };
}

/**
 * Register the shared setup of a backup test file: a PostgreSQL 15 server
 * for the file ({@link pg15Server}), a fresh database and work directory for
 * each test (dropped and removed after it), and the overlap check.
 *
 * @example
 * const bed = backupTestbed('rollback');
 * it('…', async () => {
 *   const { code, json } = await bed.cutover(dir, 'backup');
 * });
 */
export function backupTestbed(name: string): BackupTestbed {
  let server: Pg15Server | undefined;
  let db: BackupDatabase | undefined;
  let work: string | undefined;
  let overlaps: ReturnType<typeof watchOverlappingQueries> | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`backupTestbed: ${what} is only there inside a test (or its hooks)`);
    return value;
  };
  beforeAll(async () => {
    server = await pg15Server();
    overlaps = watchOverlappingQueries();
  }, 180_000);
  afterAll(async () => {
    overlaps?.restore();
    await server?.stop();
  });
  beforeEach(async () => {
    db = await databaseOn(need(server, 'the server').adminUrl);
    work = await mkdtemp(join(tmpdir(), `cutover-${name}-test-`));
  });
  afterEach(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
    const found = overlaps?.found.splice(0) ?? [];
    expect(found, 'two queries at once on one node-postgres client').toEqual([]);
  });
  return {
    get server() { return need(server, 'the server'); },
    get db() { return need(db, 'the database'); },
    get work() { return need(work, 'the work directory'); },
    cutover(dir, ...args) {
      return cliJson([...args, '--url', need(db, 'the database').url, '--dir', dir], { cwd: need(work, 'the work directory'), env: { PATH: process.env.PATH ?? '' } });
    },
  };
}

/**
 * A rehearsal whose rows touched are known exactly: applied first (on the
 * source), then pending, with what each pending migration must report per
 * table (HOT updates vary with page space, so they are checked only as a
 * part of the updates). An UPDATE that leaves the count alone, a DELETE
 * and INSERT in one, a TRUNCATE (only the counts see it), a no-transaction
 * file, a table created and filled, and a migration that writes nothing.
 */
export const ROWS_SCENARIO = {
  applied: {
    '0001_base.sql': [
      'CREATE TABLE accounts (id int PRIMARY KEY, plan text NOT NULL, note text);',
      "INSERT INTO accounts SELECT g, 'free', NULL FROM generate_series(1, 200) g;",
      'CREATE TABLE events (id bigint PRIMARY KEY, account_id int, kind text);',
      "INSERT INTO events SELECT g, g % 200 + 1, 'login' FROM generate_series(1, 300) g;",
      'CREATE TABLE scratchpad (id int);',
      'INSERT INTO scratchpad SELECT generate_series(1, 40);',
      '',
    ].join('\n'),
  },
  pending: {
    '0002_plans.sql': "UPDATE accounts SET plan = 'pro' WHERE id <= 30;\n",
    '0003_cleanup.sql': "DELETE FROM events WHERE id > 250;\nINSERT INTO events SELECT g, 1, 'signup' FROM generate_series(1001, 1010) g;\nTRUNCATE scratchpad;\n",
    '0004_backfill.sql': "-- cutover:no-transaction\nUPDATE accounts SET note = 'x' WHERE id > 190;\nCREATE TABLE audit (id int);\nINSERT INTO audit VALUES (1), (2);\n",
    '0005_index.sql': 'CREATE INDEX accounts_plan ON accounts (plan);\n',
  },
  expected: [
    ['0002_plans.sql', [{ table: 'accounts', inserted: 0, updated: 30, deleted: 0, before: 200, after: 200 }]],
    ['0003_cleanup.sql', [
      { table: 'events', inserted: 10, updated: 0, deleted: 50, before: 300, after: 260 },
      { table: 'scratchpad', inserted: 0, updated: 0, deleted: 0, before: 40, after: 0 },
    ]],
    ['0004_backfill.sql', [
      { table: 'accounts', inserted: 0, updated: 10, deleted: 0, before: 200, after: 200 },
      { table: 'audit', inserted: 2, updated: 0, deleted: 0, before: 0, after: 2 },
    ]],
    ['0005_index.sql', []],
  ],
} as const;

/** Check a rehearsal report of {@link ROWS_SCENARIO}: every migration's rows, exactly. */
export function expectScenarioRows(report: { migrations: { file: string; rows: { hotUpdated?: number; updated?: number }[] }[] }): void {
  const got = report.migrations.map((m) => [m.file, m.rows.map(({ hotUpdated, ...rest }) => rest)]);
  expect(got).toEqual(ROWS_SCENARIO.expected);
  for (const m of report.migrations) {
    for (const row of m.rows) {
      expect(row.hotUpdated).toBeGreaterThanOrEqual(0);
      expect(row.hotUpdated).toBeLessThanOrEqual(row.updated!);
    }
  }
}
