/**
 * The health handler's states, in-process (no port): ready (200), the
 * schema lacking a pre migration this code needs (503), a failed migration
 * (503), the database unreachable (503); plus `cutover serve` on a real port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { main } from '../../src/cli/main.js';
import { registerInstance } from '../../src/deploy/library.js';
import { healthHandler } from '../../src/serve/library.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  db = await freshDatabase();
  dir = await migrationsDir({
    '1_notes.sql': 'CREATE TABLE notes (id int);\n',
    '2_author.sql': 'ALTER TABLE notes ADD COLUMN author text;\n',
    '3_contract.sql': '-- cutover:phase post\nALTER TABLE notes ALTER COLUMN author SET NOT NULL;\n',
  });
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await db.drop();
});

/** Call a node:http handler in-process with a minimal request and response. */
async function request(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, method = 'GET') {
  let status = 0;
  let headers: Record<string, string> = {};
  let text = '';
  const res = {
    writeHead(code: number, h: Record<string, string>) { status = code; headers = h; return res; },
    end(body?: string) { text = body ?? ''; },
  };
  await handler({ method, url: '/health' } as IncomingMessage, res as unknown as ServerResponse);
  return { status, headers, body: text ? JSON.parse(text) : undefined };
}

function handler(options: { url?: string; appVersion?: string } = {}) {
  const h = healthHandler({ url: options.url ?? db.url, schema, dir, appVersion: options.appVersion ?? '2.0.0' });
  closers.push(h.close);
  return h;
}
const migrate = (...args: string[]) => cli(['migrate', ...args, '--url', db.url, '--schema', schema, '--dir', dir]);

describe('health handler', () => {
  it('503 while the schema lacks a pre migration this code needs, 200 once it has them (post may be pending)', async () => {
    await migrate('--to', '1');
    const health = handler();
    const before = await request(health);
    expect(before.status).toBe(503);
    expect(before.headers['content-type']).toContain('application/json');
    expect(before.body).toMatchObject({ status: 'unavailable', appVersion: '2.0.0', schema: { version: '1', pendingPre: 1, pendingPost: 1, missing: ['2'], failed: [], ahead: [] } });
    expect(before.body.reason).toContain('lacks 2');

    await migrate('--phase', 'pre');
    const after = await request(health);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: 'ok', appVersion: '2.0.0', schema: { name: schema, version: '2', pendingPre: 0, pendingPost: 1 } });
    expect((await request(health, 'HEAD')).body).toBeUndefined();
  });

  it('lists the live instances and versions applied ahead of this code', async () => {
    await migrate();
    await query(db.url, `INSERT INTO ${ident(schema)}.cutover_migrations (version, name, phase, checksum, state) VALUES ('9', 'newer', 'pre', 'x', 'applied')`);
    const instance = await registerInstance({ url: db.url, schema, dir, id: 'web-1', appVersion: '2.0.0', heartbeatMs: 60_000 });
    closers.push(instance.stop);
    const { status, body } = await request(handler());
    expect(status).toBe(200);
    expect(body.schema).toMatchObject({ version: '9', ahead: ['9'] });
    expect(body.instances).toEqual([expect.objectContaining({ id: 'web-1', appVersion: '2.0.0', knownVersion: '3' })]);
  });

  it('503 with a failed migration', async () => {
    await migrate();
    await query(db.url, `INSERT INTO ${ident(schema)}.cutover_migrations (version, name, phase, checksum, state) VALUES ('4', 'index', 'pre', 'x', 'failed')`);
    const { status, body } = await request(handler());
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', schema: { failed: ['4'] } });
  });

  it('503 when the database is unreachable, without the password', async () => {
    const { status, body } = await request(handler({ url: 'postgres://app:s3cret@127.0.0.1:1/none' }));
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', schema: null });
    expect(JSON.stringify(body)).not.toContain('s3cret');
  });

  it('503 on error names only a code: never the user, host or port (issue 16.14)', async () => {
    const unreachable = await request(handler({ url: 'postgres://app_user:s3cret@127.0.0.1:1/none' }));
    expect(unreachable.body.reason).toContain('ECONNREFUSED');
    const url = new URL(db.url);
    url.username = 'no_such_role_16';
    const refused = await request(handler({ url: url.toString() }));
    expect(refused.status).toBe(503);
    for (const { body } of [unreachable, refused]) {
      const text = JSON.stringify(body);
      for (const secret of ['app_user', 'no_such_role_16', '127.0.0.1', ':1/', `:${url.port}`, 's3cret']) expect(text).not.toContain(secret);
    }
  });

  it('tells onError the full error while the body stays terse', async () => {
    const seen: unknown[] = [];
    const h = healthHandler({ url: 'postgres://app_user@127.0.0.1:1/none', schema, dir, appVersion: '2.0.0', onError: (e) => seen.push(e) });
    closers.push(h.close);
    await request(h);
    expect(String((seen[0] as Error).message)).toContain('127.0.0.1:1');
  });
});

describe('cutover serve', () => {
  it('serves /health on a port until interrupted; 404 elsewhere', async () => {
    await migrate('--phase', 'pre');
    let stdout = '';
    let release!: () => void;
    const interrupted = new Promise<void>((resolve) => (release = resolve));
    const running = main(['serve', '--port', '0', '--host', '127.0.0.1', '--app-version', '2.0.0', '--url', db.url, '--schema', schema, '--dir', dir, '--json'], {
      stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: {}, cwd: process.cwd(), isTTY: false,
      now: () => new Date(), waitForInterrupt: () => interrupted,
    });
    while (!stdout.includes('}\n')) await new Promise((r) => setTimeout(r, 20));
    const { url, health } = JSON.parse(stdout);
    expect(health).toMatchObject({ status: 'ok', appVersion: '2.0.0' });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', schema: { version: '2' } });
    expect((await fetch(url.replace('/health', '/nope'))).status).toBe(404);
    release();
    expect(await running).toBe(0);
  });

  it('binds 127.0.0.1 unless --host says otherwise (no authentication: issue 16.14)', async () => {
    let stdout = '';
    let release!: () => void;
    const interrupted = new Promise<void>((resolve) => (release = resolve));
    const running = main(['serve', '--port', '0', '--url', db.url, '--schema', schema, '--dir', dir, '--json'], {
      stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: {}, cwd: process.cwd(), isTTY: false,
      now: () => new Date(), waitForInterrupt: () => interrupted,
    });
    while (!stdout.includes('}\n')) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(stdout)).toMatchObject({ host: '127.0.0.1' });
    release();
    expect(await running).toBe(0);
  });

  it('--version after a command is a usage error, not a passing readiness check', async () => {
    const result = await cli(['wait', '--version', '5', '--url', db.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--at-least');
  });
});
