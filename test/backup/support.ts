/**
 * Backups need Debian's pg_dump 15 against a PostgreSQL 15 server. On the
 * suite's PG15 server (CI's TEST_DATABASE_URL cell) that server is used; on
 * a newer one (the embedded PG18 cell) each test file starts its own
 * throwaway PG15 cluster with initdb / pg_ctl (as the postgres user when
 * running as root). Copies between servers always start a second cluster.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { inject } from 'vitest';
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
