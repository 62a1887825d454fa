/**
 * `cutover exec` as a container entrypoint, with real processes: the wrapper
 * (the built CLI) runs a small app, registers it while it lives, passes
 * signals on, and exits with the app's code; a database that goes away and a
 * wrapper killed outright leave a row that expires by its TTL.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, migrationsDir, spawnCli } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { cleanup, database, until } from '../support/fixtures.js';
import { tcpProxy } from '../support/cutting-proxy.js';

const schema = testSchema();

/** A long-running app: stops cleanly on SIGTERM (0) or SIGINT (130), says hello on stdout, then writes its pid (ready). */
const APP = `
process.on('SIGTERM', () => { console.log('app got SIGTERM'); process.exit(0); });
process.on('SIGINT', () => { console.log('app got SIGINT'); process.exit(130); });
setInterval(() => {}, 1000);
console.log('app up as ' + process.env.CUTOVER_INSTANCE_ID);
require('node:fs').writeFileSync(process.argv[2], String(process.pid));
`;

async function setup() {
  const url = await database();
  const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int);\n', '2_drop.sql': '-- cutover:phase post\nDROP TABLE users;\n' });
  const app = join(dir, '..', `app-${Date.now()}-${Math.random().toString(16).slice(2)}.cjs`);
  await writeFile(app, APP);
  const pidFile = `${app}.pid`;
  return { url, dir, app, pidFile };
}

type Setup = Awaited<ReturnType<typeof setup>>;

function wrapper(s: Setup, command: string[], extra: string[] = [], url = s.url) {
  const run = spawnCli(['exec', '--url', url, '--schema', schema, '--dir', s.dir, '--app-version', '1.4.0', '--id', 'web-1', ...extra, '--', ...command]);
  cleanup(() => run.child.kill('SIGKILL'));
  return run;
}

const rows = (url: string) => query<{ id: string; app_version: string; known_version: string }>(url, `SELECT id, app_version, known_version FROM ${ident(schema)}.cutover_instances`)
  .catch((error: { code?: string }) => (error.code === '42P01' ? [] : Promise.reject(error)));
const live = async (url: string) => (await cli(['instances', '--url', url, '--schema', schema, '--json'])).stdout;
const appPid = async (s: Setup) => Number(await until(() => readFile(s.pidFile, 'utf8').catch(() => '')));

describe('cutover exec', () => {
  it.each([0, 3])('a child exiting %i: registered while it runs, deregistered after, the same exit code and stdio', async (code) => {
    const s = await setup();
    const run = wrapper(s, [process.execPath, '-e', `console.log('hello from the app'); setTimeout(() => process.exit(${code}), 1500)`], ['--migrate']);
    const during = await until(async () => (await rows(s.url)).length > 0 && (await rows(s.url)));
    expect(during).toEqual([{ id: 'web-1', app_version: '1.4.0', known_version: '2' }]);
    const result = await run.done;
    expect(result.code).toBe(code);
    expect(result.stdout).toContain('hello from the app');
    expect(result.stderr).toContain('applied 1_users.sql');
    expect(await rows(s.url)).toEqual([]);
  });

  it('holds a post migration back while the app runs, as registerInstance does', async () => {
    const s = await setup();
    const run = wrapper(s, [process.execPath, s.app, s.pidFile], ['--migrate', '--known-version', '1']);
    await appPid(s);
    const post = await cli(['migrate', '--phase', 'post', '--url', s.url, '--schema', schema, '--dir', s.dir, '--json']);
    expect(JSON.parse(post.stdout).error).toMatchObject({ code: 'INSTANCES_BEHIND', instances: [expect.objectContaining({ id: 'web-1', knownVersion: '1' })] });
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
    expect((await cli(['migrate', '--phase', 'post', '--url', s.url, '--schema', schema, '--dir', s.dir])).code).toBe(0);
  });

  it('a child killed by a signal: exit 128 + its number, deregistered', async () => {
    const s = await setup();
    const result = await wrapper(s, ['sh', '-c', 'kill -9 $$']).done;
    expect(result.code).toBe(137);
    expect(await rows(s.url)).toEqual([]);
  });

  it.each([['SIGTERM', 0], ['SIGINT', 130]] as const)('%s to the wrapper goes to the app, which stops cleanly; the wrapper exits with its code', async (signal, code) => {
    const s = await setup();
    const run = wrapper(s, [process.execPath, s.app, s.pidFile], ['--wait', '--timeout', '30s']);
    // --wait: the schema is not ready until someone migrates it.
    await cli(['migrate', '--phase', 'pre', '--url', s.url, '--schema', schema, '--dir', s.dir]);
    await appPid(s);
    expect(await rows(s.url)).toHaveLength(1);
    run.child.kill(signal);
    const result = await run.done;
    expect(result.code).toBe(code);
    expect(result.stdout).toContain(`app got ${signal}`);
    expect(result.stdout).toContain('app up as web-1');
    expect(await rows(s.url)).toEqual([]);
  });

  it('the database going away mid-run: the app keeps running, a warning, and the row expires by its TTL', async () => {
    const s = await setup();
    const proxy = await tcpProxy(s.url);
    const run = wrapper(s, [process.execPath, s.app, s.pidFile], ['--migrate', '--heartbeat', '200ms', '--ttl', '1s'], proxy.url);
    const pid = await appPid(s);
    expect(await live(s.url)).toContain('web-1');
    await proxy.close(); // the database, as the wrapper sees it, is gone
    await until(async () => !(await live(s.url)).includes('web-1')); // expired: the last heartbeat more than a TTL ago
    expect(() => process.kill(pid, 0)).not.toThrow(); // the app still runs
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: heartbeat failed');
    expect(result.stderr).toContain('could not deregister this instance');
  });

  it('a wrapper killed outright (SIGKILL): its row expires by its TTL', async () => {
    const s = await setup();
    const run = wrapper(s, [process.execPath, s.app, s.pidFile], ['--heartbeat', '200ms', '--ttl', '1s']);
    const pid = await appPid(s);
    cleanup(() => process.kill(pid, 'SIGKILL')); // the orphaned app
    expect(await rows(s.url)).toHaveLength(1);
    run.child.kill('SIGKILL');
    await new Promise((resolve) => run.child.once('exit', resolve)); // not 'close': the orphaned app holds the pipes
    await until(async () => !(await live(s.url)).includes('web-1'));
    expect(await rows(s.url)).toHaveLength(1); // not deregistered: expired
  });

  describe('bad input: a clear error, exit 2 (127 for a missing command), nothing in the database', () => {
    it.each([
      ['no --', ['--app-version', '1.0.0', 'ls'], 'NO_COMMAND'],
      ['nothing after --', ['--app-version', '1.0.0', '--'], 'NO_COMMAND'],
      ['no --app-version', ['--', 'ls'], 'BAD_APP_VERSION'],
      ['an unreadable --app-version', ['--app-version', 'v1\u0007\n', '--', 'ls'], 'BAD_APP_VERSION'],
      ['a version of spaces', ['--app-version', '   ', '--', 'ls'], 'BAD_APP_VERSION'],
      ['--migrate with --wait', ['--migrate', '--wait', '--app-version', '1', '--', 'ls'], 'USAGE'],
    ])('%s', async (_name, args, code) => {
      const s = await setup();
      const result = await cli(['exec', '--url', s.url, '--schema', schema, '--dir', s.dir, '--json', ...args]);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout).error.code).toBe(code);
      expect(JSON.parse(result.stdout).error.hint).toBeTruthy();
      expect(await query(s.url, "SELECT relname FROM pg_class WHERE relname LIKE 'cutover%'")).toEqual([]);
    });

    it('a command that does not exist: exit 127 naming the path, deregistered', async () => {
      const s = await setup();
      const result = await wrapper(s, ['./no/such/server', '--port', '1']).done;
      expect(result.code).toBe(127);
      expect(result.stderr).toContain('error[COMMAND_NOT_FOUND]: cannot start ./no/such/server');
      expect(await rows(s.url)).toEqual([]);
    });
  });
});
