/**
 * `cutover upgrade` end to end against a real database, with shell commands
 * as the deploy and an in-process health server whose version flips when
 * the deploy command has run. It stops and reports at each failing step.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { registerInstance, type Instance } from '../../src/deploy/library.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;
let work: string;
let server: http.Server;
let healthUrl: string;
const running: Instance[] = [];
const t = (name: string) => `${ident(schema)}.${ident(name)}`;

const files = {
  '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, fullname text);\n',
  '2_display_name.sql': 'ALTER TABLE users ADD COLUMN display_name text;\n',
  '3_drop_fullname.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN fullname;\n',
};

beforeEach(async () => {
  db = await freshDatabase();
  dir = await migrationsDir(files);
  work = await mkdtemp(join(tmpdir(), 'cutover-upgrade-'));
  await cli(['migrate', '--to', '1', '--url', db.url, '--schema', schema, '--dir', dir]);
  // The "app": v1 until the deploy command has created the marker file, v2 after.
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', appVersion: existsSync(join(work, 'deployed')) ? '2.0.0' : '1.0.0' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop().catch(() => {})));
  await new Promise((resolve) => server.close(resolve));
  await db.drop();
});

async function upgrade(...args: string[]) {
  const lint = args.includes('--lint') ? [] : ['--no-lint'];
  const rest = args.filter((a) => a !== '--lint');
  const result = await cli(['upgrade', ...rest, '--url', db.url, '--schema', schema, '--dir', dir, '--json', ...lint], { cwd: work, env: { PATH: process.env.PATH ?? '' } });
  return { ...result, json: result.stdout.trim() ? JSON.parse(result.stdout) : undefined };
}
const applied = async () => (await query<{ version: string }>(db.url, `SELECT version FROM ${t('cutover_migrations')} ORDER BY version::int`)).map((r) => r.version);
const states = (steps: { name: string; state: string }[]) => Object.fromEntries(steps.map((s) => [s.name, s.state]));

/** v1 runs until the marker appears; then v2 replaces it (what a rolling deploy does). */
async function rollingFleet() {
  const v1 = await registerInstance({ url: db.url, schema, id: 'web-v1', appVersion: '1.0.0', knownVersion: '2', heartbeatMs: 100, ttlMs: 2000 });
  running.push(v1);
  const deadline = Date.now() + 30_000; // a flow that stops before its deploy never creates the marker
  const swap = (async () => {
    while (!existsSync(join(work, 'deployed'))) {
      if (Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    running.push(await registerInstance({ url: db.url, schema, dir, id: 'web-v2', appVersion: '2.0.0', heartbeatMs: 100, ttlMs: 2000 }));
    await new Promise((r) => setTimeout(r, 300));
    await v1.stop();
  })();
  return swap;
}

describe('cutover upgrade', () => {
  it('--dry-run prints the steps and does nothing', async () => {
    const result = await upgrade('--dry-run', '--deploy', 'touch deployed', '--health-url', healthUrl, '--app-version', '2.0.0');
    expect(result.code).toBe(0);
    expect(result.json.steps.map((s: { name: string }) => s.name)).toEqual(['preflight', 'backup', 'pre', 'deploy', 'wait', 'post', 'verify']);
    expect(result.json.steps.every((s: { state: string }) => s.state === 'planned')).toBe(true);
    expect(await applied()).toEqual(['1']);
    expect(existsSync(join(work, 'deployed'))).toBe(false);
  });

  it('runs the whole flow: pre, deploy, wait for v2 everywhere, post through the guard, verify', async () => {
    const swap = rollingFleet();
    const result = await upgrade('--lint', '--backup-command', 'touch backup-taken', '--deploy', 'touch deployed', '--health-url', healthUrl, '--app-version', '2.0.0', '--timeout', '20s');
    expect(result.code, result.stdout).toBe(0);
    await swap;
    expect(states(result.json.steps)).toEqual({ preflight: 'done', backup: 'done', pre: 'done', deploy: 'done', wait: 'done', post: 'done', verify: 'done' });
    const preflight = result.json.steps[0];
    expect(preflight.summary).toContain('1 pre and 1 post migration(s) pending');
    expect(preflight.summary).toMatch(/locks: .*ACCESS EXCLUSIVE on "?users"?/);
    expect(preflight.facts.freeDiskBytes).toBeGreaterThan(0);
    expect(existsSync(join(work, 'backup-taken'))).toBe(true);
    expect(result.json.steps.every((s: { durationMs?: number }) => typeof s.durationMs === 'number')).toBe(true);
    expect(await applied()).toEqual(['1', '2', '3']);
  });

  // pg_dump on this machine's PATH is PostgreSQL 15's: cutover's own backup needs a server it can dump.
  it.runIf(inject('serverMajor') === 15)('--backup takes a cutover backup of the schema before the pre phase', async () => {
    const result = await upgrade('--backup');
    expect(result.code, result.stdout).toBe(0);
    expect(result.json.steps[1]).toMatchObject({ name: 'backup', state: 'done' });
    expect(result.json.steps[1].summary).toContain('.cutover/backups');
    expect(await applied()).toEqual(['1', '2', '3']);
  });

  it('stops at a failing deploy command: pre applied, post not run, rollback command run', async () => {
    const result = await upgrade('--deploy', 'echo pulling; exit 3', '--rollback', 'touch rolled-back', '--health-url', healthUrl, '--app-version', '2.0.0');
    expect(result.code).toBe(1);
    expect(result.json.error).toMatchObject({ code: 'UPGRADE_FAILED', step: 'deploy', rollback: { ok: true, exitCode: 0 } });
    expect(states(result.json.error.steps)).toMatchObject({ pre: 'done', deploy: 'failed', wait: 'not-run', post: 'not-run' });
    expect(result.json.error.message).toContain('exited with 3');
    expect(result.json.error.hint).toContain('The schema is expanded');
    expect(existsSync(join(work, 'rolled-back'))).toBe(true);
    expect(await applied()).toEqual(['1', '2']);
  });

  it('stops when the health URL never shows the new version: post migrations are not run', async () => {
    const result = await upgrade('--deploy', 'true', '--rollback', 'touch rolled-back', '--health-url', healthUrl, '--app-version', '2.0.0', '--timeout', '1s');
    expect(result.code).toBe(1);
    expect(result.json.error).toMatchObject({ code: 'UPGRADE_FAILED', step: 'wait' });
    expect(result.json.error.message).toContain('shows version 1.0.0');
    expect(states(result.json.error.steps)).toMatchObject({ deploy: 'done', wait: 'failed', post: 'not-run', verify: 'not-run' });
    expect(existsSync(join(work, 'rolled-back'))).toBe(true);
    expect(await applied()).toEqual(['1', '2']);
  });

  it('stops when the post migration fails, naming it', async () => {
    dir = await migrationsDir({ ...files, '3_drop_fullname.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN no_such_column;\n' });
    const swap = rollingFleet();
    const result = await upgrade('--deploy', 'touch deployed', '--health-url', healthUrl, '--app-version', '2.0.0', '--timeout', '20s');
    await swap;
    expect(result.code).toBe(1);
    expect(result.json.error).toMatchObject({ code: 'UPGRADE_FAILED', step: 'post' });
    const post = result.json.error.steps.find((s: { name: string }) => s.name === 'post');
    expect(post).toMatchObject({ state: 'failed', facts: { code: 'MIGRATION_FAILED' } });
    expect(post.summary).toContain('3_drop_fullname.sql');
    expect(states(result.json.error.steps)).toMatchObject({ wait: 'done', post: 'failed', verify: 'not-run' });
    expect(await applied()).toEqual(['1', '2']);
  });

  it('honours lintRules from the config, as `lint` does: a rule turned off there does not stop the preflight', async () => {
    dir = await migrationsDir({ ...files, '2_display_name.sql': 'ALTER TABLE users ADD COLUMN display_name text;\nCREATE INDEX users_display_name ON users (display_name);\n' });
    const stopped = await upgrade('--lint', '--deploy', 'exit 3', '--health-url', healthUrl, '--app-version', '2.0.0');
    expect(stopped.json.error).toMatchObject({ code: 'UPGRADE_FAILED', step: 'preflight' });
    expect(stopped.json.error.message).toContain('lint: 1 error(s)');

    await writeFile(join(work, 'cutover.config.json'), JSON.stringify({ lintRules: { 'require-concurrent-index-creation': 'off' } }));
    const passed = await upgrade('--lint', '--deploy', 'exit 3', '--health-url', healthUrl, '--app-version', '2.0.0');
    expect(passed.json.error).toMatchObject({ code: 'UPGRADE_FAILED', step: 'deploy' });
    expect(states(passed.json.error.steps)).toMatchObject({ preflight: 'done', pre: 'done', deploy: 'failed' });
  });
});
