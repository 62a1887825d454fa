/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core; `.ci/run` installs it): the numbers on the page are those
 * of `status --json`; search and filter; a target's page with its failure;
 * counts that move during a real fleet run in another process, without a
 * reload; hostile names shown as text; the token. Screenshots of each view go
 * to $DASHBOARD_SCREENSHOTS (default: a temporary directory).
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, spawnCli } from '../support/cli.js';
import { query } from '../support/db.js';
import { cleanup, database } from '../support/fixtures.js';
import { dirWith, everyState, FILES, instances, startDashboard } from './support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? join(tmpdir(), 'cutover-dashboard-screenshots');

let browser: Browser;
let page: Page;
let url: string;
const dialogs: string[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => { await browser?.close(); });
beforeEach(async () => {
  url = await database();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
  cleanup(() => page.close());
});

/** Page updates wait on the server and the browser: a loaded two-core machine may take seconds. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 100 });
const card = (name: string) => page.locator(`.card[data-count="${name}"] .n`);
const schemasShown = () => page.locator('#targets tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-schema')));

describe('the dashboard in Chromium', () => {
  it('shows the numbers of `status --json`, filters and searches, and opens a failed target', async () => {
    const dir = await everyState(url);
    cleanup(await instances(url, dir));
    const { server, close } = await startDashboard(url, dir);
    cleanup(close);
    const status = JSON.parse((await cli(['status', '--url', url, '--dir', dir, '--schemas', 't_*', '--json'])).stdout);
    await page.goto(`${server.base}/`);
    await poll(() => card('total').textContent()).toBe(String(status.total));
    for (const [name, key] of [['up to date', 'upToDate'], ['pending pre', 'pendingPre'], ['pending post', 'pendingPost'], ['failed', 'failed'], ['edited', 'edited'], ['ahead', 'ahead'], ['no ledger', 'noLedger']] as const) {
      expect(await card(name).textContent(), name).toBe(String(status.counts[key]));
    }
    await poll(schemasShown).toHaveLength(7);
    expect(await page.locator('#post').textContent()).toContain('held back on 1');
    expect(await page.locator('#instances tbody').textContent()).toContain('1.0.0');
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });

    await page.selectOption('#state', 'failed');
    await poll(schemasShown).toEqual(['t_failed']);
    await page.selectOption('#state', '');
    await page.fill('#search', 'edit');
    await poll(schemasShown).toEqual(['t_edited']);
    await page.fill('#search', '');
    await page.click('.card[data-count="pending post"]');
    await poll(schemasShown).toEqual(['t_post']);
    await page.screenshot({ path: join(SHOTS, 'filtered.png'), fullPage: true });

    await page.selectOption('#state', 'failed');
    await page.click('#targets tbody a');
    await poll(() => page.locator('#failures').textContent()).toContain('3_index.sql:2:1');
    const failure = await page.locator('#failures').textContent();
    expect(failure).toContain('SQLSTATE 42P07');
    expect(failure).toContain('cutover resolve 3');
    expect(await page.locator('#ledger tbody tr').count()).toBe(3);
    await page.screenshot({ path: join(SHOTS, 'target.png'), fullPage: true });
  });

  it('counts move during a real fleet run in another process, without a reload', async () => {
    // Each tenant's second migration takes a while, so the run spans several page updates.
    const dir = await dirWith({ '1_a.sql': 'CREATE TABLE a (id int);\n', '2_slow.sql': 'SELECT pg_sleep(0.3);\nCREATE TABLE b (id int);\n' });
    const tenants = Array.from({ length: 16 }, (_, i) => `f_${String(i).padStart(2, '0')}`);
    await query(url, tenants.map((t) => `CREATE SCHEMA ${ident(t)}`).join(';\n'));
    const { server, close } = await startDashboard(url, dir, { pattern: 'f_*' });
    cleanup(close);
    await page.goto(`${server.base}/`);
    await poll(() => card('no ledger').textContent()).toBe('16');
    await poll(() => page.locator('#live').textContent()).toBe('live');
    const seen = new Set<string>();
    const run = spawnCli(['migrate', '--url', url, '--dir', dir, '--schemas', 'f_*', '--concurrency', '2']);
    let loaded = 0;
    page.on('load', () => loaded++);
    while (run.child.exitCode === null) {
      seen.add((await card('up to date').textContent()) ?? '');
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    await poll(() => card('up to date').textContent()).toBe('16');
    seen.delete('0');
    seen.delete('16');
    expect(seen.size, `intermediate counts seen: ${[...seen].join(', ')}`).toBeGreaterThan(0);
    expect(loaded).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'live.png'), fullPage: true });
  });

  it('shows hostile names as text and asks for the token', async () => {
    const hostile = ['t_<img src=x onerror=alert(1)>', 't_"quoted" \'single\'', 't_ünïcødé_<script>alert(2)</script>'];
    const dir = await dirWith(FILES);
    await query(url, hostile.map((t) => `CREATE SCHEMA ${ident(t)}`).join(';\n'));
    for (const schema of hostile) expect((await cli(['migrate', '--url', url, '--dir', dir, '--schema', schema, '--phase', 'pre'])).code).toBe(0);
    const { server, close } = await startDashboard(url, dir, { token: 'tok-123' });
    cleanup(close);
    await page.goto(`${server.base}/?token=wrong`);
    await poll(() => page.locator('#error').textContent()).toContain('token');
    await page.goto(`${server.base}/?token=tok-123`);
    await poll(schemasShown).toHaveLength(3);
    expect(new Set(await schemasShown())).toEqual(new Set(hostile));
    const text = await page.locator('#targets tbody').textContent();
    for (const name of hostile) expect(text).toContain(name);
    expect(await page.locator('#targets img, #targets script').count()).toBe(0);
    await page.click(`#targets tbody tr[data-schema="${hostile[2]!.replace(/"/g, '\\"')}"] a`);
    await poll(() => page.locator('#target-title').textContent()).toContain(hostile[2]);
    expect(dialogs).toEqual([]);
  });

  it('a fleet of 1,000 tenants opens on its first page of 50, with the totals of all', async () => {
    const dir = await dirWith({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const names = Array.from({ length: 1000 }, (_, i) => `k_${String(i).padStart(5, '0')}`);
    const ledger = (s: string) => `CREATE SCHEMA ${ident(s)}; CREATE TABLE ${ident(s)}.cutover_migrations (version text PRIMARY KEY, name text NOT NULL, phase text NOT NULL, checksum text NOT NULL, state text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms integer, applied_by text, transactional boolean NOT NULL DEFAULT true, failed_statement integer, error text)`;
    for (let i = 0; i < names.length; i += 250) await query(url, names.slice(i, i + 250).map(ledger).join(';\n'));
    const { server, close } = await startDashboard(url, dir, { pattern: 'k_*' });
    cleanup(close);
    await page.goto(`${server.base}/`);
    await poll(() => card('total').textContent()).toBe('1000');
    expect(await card('pending pre').textContent()).toBe('1000');
    await poll(schemasShown).toHaveLength(50);
    expect(await page.locator('#page-info').textContent()).toBe('page 1 of 20');
    await page.click('#next');
    await poll(() => page.locator('#page-info').textContent()).toBe('page 2 of 20');
  });
});
