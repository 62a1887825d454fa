/**
 * A fleet with every state a dashboard shows, made with the real CLI on the
 * test server: up to date, pending pre, pending post, a recorded failure
 * (a no-transaction migration), an edited file, the database ahead, a
 * schema without a ledger, and registered app instances of two versions.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerInstance } from '../../src/index.js';
import { ident } from '../../src/db/sql.js';
import { listenHealth, type HealthServer } from '../../src/serve/server.js';
import { dashboardHandler, dashboardSource, liveHub, type LiveHub } from '../../src/serve/dashboard/index.js';
import { cli } from '../support/cli.js';
import { query } from '../support/db.js';

/** The migration set every tenant is judged against. */
export const FILES: Record<string, string> = {
  '1_notes.sql': 'CREATE TABLE notes (id serial PRIMARY KEY, body text, legacy text);\n',
  '2_author.sql': "ALTER TABLE notes ADD COLUMN author text NOT NULL DEFAULT 'anonymous';\n",
  '3_index.sql': '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY notes_body ON notes (body);\n',
  '4_drop_legacy.sql': '-- cutover:phase post\nALTER TABLE notes DROP COLUMN legacy;\n',
};

/** A directory holding `files`. */
export async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-dashboard-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** Where each tenant stands, by name (`t_` + its state). */
export const TENANTS = ['t_ok', 't_pre', 't_post', 't_failed', 't_edited', 't_ahead', 't_empty'] as const;

async function migrateOk(url: string, dir: string, schema: string, extra: string[] = []): Promise<void> {
  const run = await cli(['migrate', '--url', url, '--dir', dir, '--schema', schema, ...extra]);
  if (run.code !== 0) throw new Error(`setup migrate of ${schema} failed: ${run.stderr}`);
}

/**
 * Build the fleet in `url`; returns the directory to judge it with.
 *
 * @example
 * const dir = await everyState(url);
 */
export async function everyState(url: string, extraTenants: string[] = []): Promise<string> {
  const dir = await dirWith(FILES);
  await query(url, [...TENANTS, ...extraTenants].map((n) => `CREATE SCHEMA ${ident(n)}`).join(';\n'));
  for (const schema of ['t_ok', ...extraTenants]) await migrateOk(url, dir, schema);
  await migrateOk(url, dir, 't_pre', ['--to', '1']);
  await migrateOk(url, dir, 't_post', ['--phase', 'pre']);
  // The concurrent index meets an index of that name already there: recorded failed, statement 1.
  await query(url, 'CREATE TABLE t_failed.other (body text); CREATE INDEX notes_body ON t_failed.other (body)');
  const failed = await cli(['migrate', '--url', url, '--dir', dir, '--schema', 't_failed']);
  if (failed.code !== 1) throw new Error(`setup: t_failed should fail at 3_index.sql: ${failed.stderr}`);
  await migrateOk(url, await dirWith({ ...FILES, '1_notes.sql': `${FILES['1_notes.sql']}SELECT 1;\n` }), 't_edited');
  await migrateOk(url, await dirWith({ ...FILES, '5_extra.sql': 'CREATE TABLE extra (id int);\n' }), 't_ahead');
  return dir;
}

/** App instances: v1 (knows 3) in t_post blocks its post step; v2 (knows 4) in t_ok. */
export async function instances(url: string, dir: string): Promise<() => Promise<void>> {
  const v1 = await registerInstance({ url, schema: 't_post', dir, id: 'web-v1', appVersion: '1.0.0', knownVersion: '3', heartbeatMs: 60_000, ttlMs: 180_000 });
  const v2 = await registerInstance({ url, schema: 't_ok', dir, id: 'web-v2', appVersion: '2.0.0', knownVersion: '4', heartbeatMs: 60_000, ttlMs: 180_000 });
  return async () => { await v1.stop(); await v2.stop(); };
}

/** A dashboard on a free loopback port over the `t_*` tenants of `url`. */
export async function startDashboard(url: string, dir: string, options: { token?: string; pattern?: string } = {}): Promise<{ server: HealthServer; live: LiveHub; close: () => Promise<void> }> {
  const source = dashboardSource({ targets: [{ url, pattern: options.pattern ?? 't_*' }], dir });
  const live = await liveHub(source);
  const server = await listenHealth(undefined, { port: 0, host: '127.0.0.1', dashboard: dashboardHandler({ source, live, token: options.token }) });
  return { server, live, close: async () => { await server.close(); await live.close(); } };
}
