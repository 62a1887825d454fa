/**
 * The dashboard's data and HTTP side against a real Postgres (issue 20): the
 * overview agrees with `status --json` on a fleet with every state; search,
 * filter and paging; a target's page with its recorded failure; read-only,
 * CSP, the token; a run in another process is announced to the page.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { migrateFleet } from '../../src/index.js';
import { listen, PROGRESS_CHANNEL } from '../../src/db/notify.js';
import { cli, spawnCli } from '../support/cli.js';
import { query } from '../support/db.js';
import { cleanup, database } from '../support/fixtures.js';
import { everyState, FILES, dirWith, instances, startDashboard } from './support.js';

let url: string;
beforeEach(async () => {
  url = await database();
});

async function get(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(base + path, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

describe('cutover dashboard', () => {
  it('shows the counts `status --json` gives, every state, and the post step held back by an old instance', async () => {
    const dir = await everyState(url);
    cleanup(await instances(url, dir));
    const { server, close } = await startDashboard(url, dir);
    cleanup(close);
    const status = await cli(['status', '--url', url, '--dir', dir, '--schemas', 't_*', '--json']);
    const expected = JSON.parse(status.stdout);
    const { body: overview } = await get(server.base, '/api/overview');
    expect(overview.total).toBe(expected.total);
    expect(overview.statusCounts).toEqual(expected.counts);
    expect(overview.versions).toEqual(expected.versions);
    expect(overview.counts).toMatchObject({ 'up-to-date': 1, 'pending-pre': 1, 'pending-post': 1, failed: 1, edited: 1, ahead: 1, 'no-ledger': 1 });
    expect(overview.newestVersion).toBe('4');
    expect(overview.instances).toEqual(expect.arrayContaining([
      expect.objectContaining({ appVersion: '1.0.0', knownVersion: '3', live: 1 }),
      expect.objectContaining({ appVersion: '2.0.0', knownVersion: '4', live: 1 }),
    ]));
    // t_post's old instance blocks its post step; the others with one pending (t_pre) have no instance.
    expect(overview.post.pending).toBeGreaterThanOrEqual(2);
    expect(overview.post.allowed).toBe(overview.post.pending - 1);
    expect(overview.post.reasons.join('\n')).toContain('web-v1');
    expect(overview.durations.map((d: { version: string }) => d.version)).toEqual(['1', '2', '3', '4']);
    expect(overview.timeline.buckets.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(0);
  });

  it('filters, searches, sorts and pages targets on the server', async () => {
    const dir = await everyState(url);
    const { server, close } = await startDashboard(url, dir);
    cleanup(close);
    const failed = await get(server.base, '/api/targets?state=failed');
    expect(failed.body.rows.map((r: { schema: string }) => r.schema)).toEqual(['t_failed']);
    const search = await get(server.base, '/api/targets?q=EDIT');
    expect(search.body.rows.map((r: { schema: string }) => r.schema)).toEqual(['t_edited']);
    const paged = await get(server.base, '/api/targets?sort=schema&desc=1&size=3&page=2');
    expect(paged.body).toMatchObject({ total: 7, page: 2, size: 3 });
    expect(paged.body.rows.map((r: { schema: string }) => r.schema)).toEqual(['t_failed', 't_empty', 't_edited']);
  });

  it("a target's page shows its failure at file:line with SQLSTATE, its ledger and its instances", async () => {
    const dir = await everyState(url);
    const { server, close } = await startDashboard(url, dir);
    cleanup(close);
    const { body: row } = await get(server.base, '/api/targets?q=t_failed');
    const { status, body } = await get(server.base, `/api/target?${new URLSearchParams({ database: row.rows[0].database, schema: 't_failed' })}`);
    expect(status).toBe(200);
    expect(body.failures).toEqual([expect.objectContaining({ version: '3', file: '3_index.sql', statement: 1, line: 2, column: 1, sqlstate: '42P07' })]);
    expect(body.failures[0].hint).toContain('cutover resolve 3');
    expect(body.ledger.map((r: { version: string; state: string }) => `${r.version}:${r.state}`)).toEqual(['1:applied', '2:applied', '3:failed']);
    expect((await get(server.base, '/api/target?database=x&schema=t_failed')).status).toBe(404);
  });

  it('shows several databases of a config file in one fleet', async () => {
    const other = { url: await database() };
    const dir = await dirWith(FILES);
    for (const each of [url, other.url]) expect((await cli(['migrate', '--url', each, '--dir', dir, '--schema', 't_a', '--phase', 'pre'])).code).toBe(0);
    const { dashboardSource } = await import('../../src/serve/dashboard/index.js');
    const source = dashboardSource({ targets: [{ url, pattern: 't_*' }, { url: other.url, schemas: ['t_a', 't_new'] }], dir });
    const { overview, rows } = await source.model();
    expect(overview.total).toBe(3);
    expect(new Set(rows.map((r) => r.database)).size).toBe(2);
    // user@host:port/db: a password would sit between the user and the @ (the embedded server's is the user's name, so look for the form).
    for (const row of rows) expect(row.database).toMatch(/^postgres:\/\/[^:@/]+@[^@]+$/);
    expect(overview.counts).toMatchObject({ 'pending-post': 2, 'no-ledger': 1 });
  });

  it('is read-only, sends a CSP, never shows the password, and asks for the token when one is set', async () => {
    const dir = await dirWith(FILES);
    await cli(['migrate', '--url', url, '--dir', dir, '--schema', 't_one']);
    const { server, close } = await startDashboard(url, dir, { token: 's3cret-token' });
    cleanup(close);
    expect((await get(server.base, '/api/overview')).status).toBe(401);
    expect((await get(server.base, '/api/overview?token=wrong')).status).toBe(401);
    const ok = await get(server.base, '/api/targets?token=s3cret-token');
    expect(ok.status).toBe(200);
    expect((await get(server.base, '/api/overview', { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect(ok.body.rows[0].database).toMatch(/^postgres:\/\/[^:@/]+@[^@]+$/);
    expect(JSON.stringify(ok.body)).not.toContain(`:${new URL(url).password}@`);
    const page = await get(server.base, '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await get(server.base, '/api/overview?token=s3cret-token', { method: 'POST' })).status).toBe(405);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    const run = await cli(['dashboard', '--url', url, '--host', '0.0.0.0', '--port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no token is set');
  });

  it('serve --dashboard serves the page beside /health, with the same token rule', async () => {
    const dir = await dirWith(FILES);
    expect((await cli(['migrate', '--url', url, '--dir', dir, '--phase', 'pre'])).code).toBe(0);
    const refused = await cli(['serve', '--dashboard', '--url', url, '--dir', dir, '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).toBe(2);
    const { child, done } = spawnCli(['serve', '--dashboard', '--url', url, '--dir', dir, '--port', '0', '--json']);
    cleanup(async () => { child.kill('SIGTERM'); await done; });
    let out = '';
    for await (const chunk of child.stdout!) {
      out += chunk;
      if (out.trim().endsWith('}')) break;
    }
    const base = JSON.parse(out).url.replace(/\/health$/, '');
    expect((await get(base, '/health')).body.status).toBe('ok');
    const { body } = await get(base, '/api/overview');
    expect(body).toMatchObject({ total: 1, statusCounts: { pendingPost: 1 } });
  });

  it('a fleet run announces each applied migration with NOTIFY, and the open page hears it', async () => {
    const dir = await dirWith(FILES);
    const heard: string[] = [];
    const listener = await listen(url, PROGRESS_CHANNEL, (payload) => heard.push(payload));
    cleanup(() => listener.close());
    const { server, close } = await startDashboard(url, dir, { pattern: 'f_*' });
    cleanup(close);
    const events: string[] = [];
    const stream = await fetch(`${server.base}/api/events`);
    const reader = stream.body!.getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(new TextDecoder().decode(value));
        if (events.join('').includes('event: progress')) return;
      }
    })();
    await query(url, 'CREATE SCHEMA f_1; CREATE SCHEMA f_2');
    await migrateFleet({ targets: [{ url, pattern: 'f_*' }], dir, concurrency: 2, phase: 'pre' });
    await reading;
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.map((p) => JSON.parse(p)).filter((p) => p.state === 'applied')).toHaveLength(6);
    expect(events.join('')).toContain('event: progress');
    const { body } = await get(server.base, '/api/overview');
    expect(body.statusCounts.pendingPost).toBe(2);
  });
});
