#!/usr/bin/env node
// The dashboard at fleet scale: N tenant schemas (default 10,000), each with a
// 20-row ledger, and what the page costs. The tenants are written by SQL, not
// migrated (this measures the dashboard, bench/fleet.js measures migrating).
//
//   npm run build && node bench/dashboard.js [--tenants 10000] [--runs 5] [--no-write]
//
// Measured, medians of --runs: the full read the page starts from (every
// ledger and registry: what `cutover dashboard` does before it listens, and
// again every 30 s in the background); the API calls of the first screen on a
// warm server; a run's NOTIFY for one tenant to the next model (one schema read
// again); and Chromium's first screen (navigation until the counts and 50 rows
// are drawn). Server: BENCH_DATABASE_URL, or a throw-away PostgreSQL (stock
// settings, like the other benches).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServer } from './lib/pg-server.js';

const REPO = join(import.meta.dirname, '..');
const { values: opt } = parseArgs({ options: { tenants: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' }, 'no-write': { type: 'boolean', default: false } } });
const N = Number(opt.tenants);
const RUNS = Number(opt.runs);
const { dashboardSource, dashboardHandler } = await import(join(REPO, 'dist/serve/dashboard/index.js'));
const { listenHealth } = await import(join(REPO, 'dist/serve/server.js'));
const { chromium } = await import('playwright-core');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const server = process.env.BENCH_DATABASE_URL ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} } : await startServer();
const admin = new pg.Client(server.url);
await admin.connect();
const dbName = `dashboard_bench_${process.pid}`;
await admin.query(`CREATE DATABASE ${dbName}`);
const url = Object.assign(new URL(server.url), { pathname: `/${dbName}` }).toString();

const dir = mkdtempSync(join(os.tmpdir(), 'cutover-dashboard-bench-'));
for (let v = 1; v <= 20; v++) writeFileSync(join(dir, `${v}_m${v}.sql`), `CREATE TABLE t${v} (id int);\n`);
const client = new pg.Client(url);
await client.connect();
const started = Date.now();
const ledger = (s, versions) => `CREATE SCHEMA "${s}"; CREATE TABLE "${s}".cutover_migrations (version text PRIMARY KEY, name text NOT NULL, phase text NOT NULL, checksum text NOT NULL, state text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), duration_ms integer, applied_by text, transactional boolean NOT NULL DEFAULT true, failed_statement integer, error text);
INSERT INTO "${s}".cutover_migrations (version, name, phase, checksum, state, duration_ms) SELECT v::text, 'm' || v, 'pre', 'x', 'applied', (random() * 50)::int FROM generate_series(1, ${versions}) v;`;
for (let i = 0; i < N; i += 250) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 250); j++) batch.push(ledger(`tenant_${String(j).padStart(5, '0')}`, j % 7 === 0 ? 19 : 20));
  await client.query(batch.join('\n'));
}
console.error(`${N} tenants written in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
const times = { full: [], overview: [], page1: [], search: [], detail: [], notify: [], screen: [] };
const timed = async (list, work) => { const t = performance.now(); const r = await work(); list.push(performance.now() - t); return r; };
for (let run = 0; run < RUNS; run++) {
  const source = dashboardSource({ targets: [{ url, pattern: 'tenant_*' }], dir });
  await timed(times.full, () => source.model());
  const http = await listenHealth(undefined, { port: 0, host: '127.0.0.1', dashboard: dashboardHandler({ source }) });
  const get = (path) => fetch(http.base + path).then((r) => r.json());
  await timed(times.overview, () => get('/api/overview'));
  await timed(times.page1, () => get('/api/targets?sort=state'));
  await timed(times.search, () => get('/api/targets?q=0042'));
  await timed(times.detail, async () => get(`/api/target?${new URLSearchParams({ database: (await get('/api/targets?q=tenant_00007')).rows[0].database, schema: 'tenant_00007' })}`));
  await client.query(`INSERT INTO tenant_00007.cutover_migrations (version, name, phase, checksum, state) VALUES ('20', 'm20', 'pre', 'x', 'applied')`);
  source.invalidate({ database: (await get('/api/targets?q=tenant_00007')).rows[0].database, schema: 'tenant_00007' });
  await timed(times.notify, () => source.model());
  await client.query(`DELETE FROM tenant_00007.cutover_migrations WHERE version = '20'`);
  const page = await browser.newPage();
  await timed(times.screen, async () => {
    await page.goto(`${http.base}/`);
    await page.waitForFunction((n) => document.querySelector('.card .n')?.textContent === String(n) && document.querySelectorAll('#targets tbody tr').length === 50, N);
  });
  await page.close();
  await http.close();
}
await browser.close();
await client.end();
await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
await admin.end();
await server.stop?.();

const ms = (x) => `${Math.round(x)} ms`;
const rows = [
  ['full read (every ledger and registry; at start and every 30 s in the background)', times.full],
  ['GET /api/overview (warm)', times.overview],
  ['GET /api/targets, first page of 50 sorted by state', times.page1],
  ['GET /api/targets?q=0042 (search)', times.search],
  ["GET /api/target (one tenant's ledger, audit, indexes, instances)", times.detail],
  ["a run's NOTIFY for one tenant → next model (that schema read again)", times.notify],
  ['Chromium first screen: navigation → counts and 50 rows drawn', times.screen],
];
const table = `## Dashboard — ${N.toLocaleString('en')} tenant schemas × 20-row ledgers

${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.availableParallelism()}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; medians of ${RUNS} runs (\`node bench/dashboard.js --tenants ${N}\`).

| what | median | min | max |
|---|---|---|---|
${rows.map(([what, xs]) => `| ${what} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`).join('\n')}
`;
console.log(table);
if (!opt['no-write']) {
  const file = join(REPO, 'bench/RESULTS.md');
  writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n\n${table}`);
}
