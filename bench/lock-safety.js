#!/usr/bin/env node
// Lock safety under live traffic: what a migration's ALTER TABLE does to an app's
// queries while a long transaction holds a read lock on the table.
//
//   node bench/lock-safety.js [--rows 1000000] [--clients 8] [--block 5s]
//                             [--lock-timeout 500ms] [--app-timeout 2s] [--runs 1]
//                             [--out bench/RESULTS.md] [--no-write]
//   node bench/lock-safety.js --rate 200 --block 10s --defaults   # the live-traffic check (issue 16)
//
// --rate N: an open-loop app instead: N requests a second, each sent on schedule over a pool
// of up to 100 connections whatever happened to the ones before (as web traffic arrives), its
// latency counted from when it was due. --defaults: cutover runs with its own default
// lock_timeout and retry schedule (docs/locking.md), nothing passed. Those runs go to their own
// "Live traffic" section of RESULTS.md.
//
// A 1M-row table; an app-like load generator (N clients, each looping a point
// read or a point update with 5 ms think time, statement_timeout --app-timeout
// as web apps set it) counting latency and failures; a transaction that holds
// ACCESS SHARE on the table for --block (a report, a pg_dump, an idle-in-
// transaction session). Then, for each runner:
//   naive    ALTER TABLE … ADD COLUMN on a plain connection, no lock_timeout: it
//            queues for ACCESS EXCLUSIVE behind the blocker, and every app query
//            queues behind it for as long as the blocker lives;
//   cutover  the same ALTER TABLE as a migration through cutover's library
//            (lock_timeout --lock-timeout, retried with back-off): the app waits
//            at most one lock_timeout per attempt, and the migration completes
//            once the blocker ends.
// Server: BENCH_DATABASE_URL, or a throw-away local PostgreSQL (bench/lib/pg-server.js).
// Results go to the "Lock safety" section of bench/RESULTS.md (between markers;
// bench/run.js keeps that section when it rewrites the file).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServer } from './lib/pg-server.js';

const BENCH = import.meta.dirname;
const { values: opt } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '8' },
    block: { type: 'string', default: '5s' },
    'lock-timeout': { type: 'string', default: '500ms' },
    'app-timeout': { type: 'string', default: '2s' },
    runs: { type: 'string', default: '1' },
    out: { type: 'string', default: join(BENCH, 'RESULTS.md') },
    'no-write': { type: 'boolean', default: false },
    rate: { type: 'string' },
    defaults: { type: 'boolean', default: false },
  },
});
const ms = (text) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
};
const ROWS = Number(opt.rows);
const CLIENTS = Number(opt.clients);
const BLOCK_MS = ms(opt.block);
const LOCK_TIMEOUT_MS = ms(opt['lock-timeout']);
const APP_TIMEOUT_MS = ms(opt['app-timeout']);
const RUNS = Number(opt.runs);
const RATE = opt.rate === undefined ? undefined : Number(opt.rate);
const SECTION = RATE === undefined && !opt.defaults ? 'lock-safety' : 'live-traffic';
const log = (...a) => console.error(...a);
const sleep = (t) => new Promise((r) => setTimeout(r, t));

if (!existsSync(join(BENCH, '../dist/index.js'))) {
  log('lock-safety: build cutover first (npm run build)');
  process.exit(1);
}
const { migrate } = await import('../dist/index.js');
// With --defaults, the stall budget is the default ceiling of the schedule (the settings table).
const DEFAULT_LOCK_TIMEOUT_MS = (await import('../dist/config/settings.js')).SETTINGS.lockTimeout.default;
const CEILING_MS = opt.defaults ? DEFAULT_LOCK_TIMEOUT_MS : LOCK_TIMEOUT_MS;

let server;
if (process.env.BENCH_DATABASE_URL) server = { url: process.env.BENCH_DATABASE_URL, stop: () => {}, version: '(BENCH_DATABASE_URL)' };
else server = await startServer({ log });
const dbName = 'cutover_lock_bench';
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${dbName}`);
const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
const url = (() => { const u = new URL(server.url); u.pathname = `/${dbName}`; return u.toString(); })();

async function setup() {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t = performance.now();
  await c.query('CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL DEFAULT 0, note text)');
  await c.query(`INSERT INTO accounts SELECT g, 0, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
  await c.query('VACUUM ANALYZE accounts');
  log(`lock-safety: ${ROWS.toLocaleString('en')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await c.end();
}

/** The app at a fixed rate: a request every 1000/RATE ms over a pool, timed from when it was due. */
async function startRateLoad() {
  const samples = [];
  const pool = new pg.Pool({ connectionString: url, max: 40, statement_timeout: APP_TIMEOUT_MS, application_name: 'bench app' });
  pool.on('error', () => {});
  const inFlight = new Set();
  const begin = performance.now();
  let sent = 0;
  let stop = false;
  const ticker = (async () => {
    while (!stop) {
      const due = begin + (sent * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sent++;
      const id = 1 + Math.floor(Math.random() * ROWS);
      const write = Math.random() < 0.3;
      const request = pool.query(write ? 'UPDATE accounts SET balance = balance + 1 WHERE id = $1' : 'SELECT balance FROM accounts WHERE id = $1', [id])
        .then(() => undefined, (error) => `${error.code ?? ''} ${error.message}`)
        .then((failure) => { samples.push({ at: due, ms: performance.now() - due, ok: !failure, failure }); inFlight.delete(request); });
      inFlight.add(request);
    }
  })();
  return { samples, stop: async () => { stop = true; await ticker; await Promise.all(inFlight); await pool.end(); } };
}

/** The app: CLIENTS loops of point reads (70%) and updates (30%), each timed. */
async function startLoad() {
  if (RATE !== undefined) return startRateLoad();
  const samples = [];
  let stop = false;
  const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => {
    const c = new pg.Client({ connectionString: url, statement_timeout: APP_TIMEOUT_MS, application_name: 'bench app' });
    await c.connect();
    return c;
  }));
  const loops = clients.map(async (c) => {
    while (!stop) {
      const id = 1 + Math.floor(Math.random() * ROWS);
      const write = Math.random() < 0.3;
      const t = performance.now();
      let ok = true;
      try {
        await c.query(write ? 'UPDATE accounts SET balance = balance + 1 WHERE id = $1' : 'SELECT balance FROM accounts WHERE id = $1', [id]);
      } catch {
        ok = false;
      }
      samples.push({ at: t, ms: performance.now() - t, ok });
      await sleep(5);
    }
  });
  return { samples, stop: async () => { stop = true; await Promise.all(loops); await Promise.all(clients.map((c) => c.end())); } };
}

/** A transaction holding ACCESS SHARE on accounts for BLOCK_MS. */
async function blocker() {
  const c = new pg.Client({ connectionString: url, application_name: 'bench long report' });
  await c.connect();
  await c.query('BEGIN');
  await c.query('SELECT count(*) FROM accounts WHERE id < 100');
  // Wrapped: an async function returning a promise would wait for it.
  return { done: (async () => { await sleep(BLOCK_MS); await c.query('COMMIT'); await c.end(); })() };
}

const runners = {
  naive: async (column) => {
    const c = new pg.Client({ connectionString: url, application_name: 'bench naive runner' });
    await c.connect();
    try {
      await c.query('SET lock_timeout = 0');
      await c.query(`ALTER TABLE accounts ADD COLUMN ${column} boolean`);
    } finally {
      await c.end();
    }
  },
  cutover: async (column) => {
    const dir = mkdtempSync(join(os.tmpdir(), 'cutover-lock-bench-'));
    writeFileSync(join(dir, '1_add_column.sql'), `ALTER TABLE accounts ADD COLUMN ${column} boolean;\n`);
    try {
      const timing = opt.defaults ? {} : { lockTimeoutMs: LOCK_TIMEOUT_MS, lockRetries: 30, retryDelayMs: 250, retryDelayMaxMs: 1000 };
      await migrate({ url, dir, ...timing, appliedBy: 'bench' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function stats(samples) {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { n: sorted.length, p50: q(0.5), p99: q(0.99), max: sorted[sorted.length - 1] ?? 0, failed: samples.filter((s) => !s.ok).length, stalled: sorted.filter((x) => x > CEILING_MS + 50).length };
}

async function scenario(name, run) {
  // cutover's ledger lives in public; drop it so every run applies its migration again.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('DROP TABLE IF EXISTS cutover_migrations, cutover_audit');
  const column = `${name}_flag_${run}`;
  await c.end();
  const load = await startLoad();
  await sleep(1000);
  const windowStart = performance.now();
  const { done: blockerDone } = await blocker();
  await sleep(300);
  const t = performance.now();
  let migrationError;
  await runners[name](column).catch((e) => { migrationError = e; });
  const migrationMs = performance.now() - t;
  await blockerDone;
  await sleep(1000);
  await load.stop();
  const window = load.samples.filter((s) => s.at >= windowStart);
  const check = new pg.Client({ connectionString: url });
  await check.connect();
  const added = (await check.query('SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2', ['accounts', column])).rowCount === 1;
  await check.end();
  const failures = {};
  for (const s of window) if (s.failure) failures[s.failure] = (failures[s.failure] ?? 0) + 1;
  const result = { name, run, ...stats(window), migrationMs, completed: added && !migrationError, error: migrationError?.message, failures };
  log(`lock-safety: ${name} run ${run}: ${JSON.stringify({ ...result, p50: +result.p50.toFixed(1), p99: +result.p99.toFixed(1), max: +result.max.toFixed(1) })}`);
  return result;
}

const started = performance.now();
const results = [];
try {
  await setup();
  for (let run = 1; run <= RUNS; run++) {
    for (const name of run % 2 ? ['naive', 'cutover'] : ['cutover', 'naive']) results.push(await scenario(name, run));
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
  await admin.end();
  server.stop();
}

const f = (x) => x.toFixed(1);
const app = RATE === undefined
  ? `${CLIENTS} app clients looping point reads (70%) and updates (30%) with 5 ms think time`
  : `an open-loop app sending ${RATE} requests/s (point reads 70%, updates 30%) over a pool of up to 40 connections, each request's latency counted from when it was due`;
const cutoverTiming = opt.defaults
  ? `cutover with its defaults, nothing passed: lock_timeout 100, 100, 200, 300, 400 ms then ${DEFAULT_LOCK_TIMEOUT_MS} ms, sleeps from 50 ms doubling to 10 s (docs/locking.md)`
  : `cutover: \`lock_timeout = ${LOCK_TIMEOUT_MS} ms\`, retried with back-off (250 ms base, 1 s cap)`;
const md = [
  `<!-- ${SECTION}:start -->`,
  SECTION === 'lock-safety' ? '## Lock safety under live traffic' : `## Live traffic: ${RATE ?? CLIENTS} ${RATE ? 'requests/s' : 'clients'} behind a ${BLOCK_MS / 1000} s reader${opt.defaults ? ', cutover\'s defaults' : ''}`,
  '',
  `Generated by \`node bench/lock-safety.js\` (part of \`npm run bench\`) — do not edit by hand. ${new Date().toISOString()}; PostgreSQL ${pgVersion}; ${os.availableParallelism?.() ?? os.cpus().length} CPUs, load average at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; total ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  '',
  `Setup: a ${ROWS.toLocaleString('en')}-row table; ${app}, \`statement_timeout = ${APP_TIMEOUT_MS} ms\`; a transaction holding ACCESS SHARE on the table for ${BLOCK_MS / 1000} s; 300 ms into it, \`ALTER TABLE accounts ADD COLUMN … boolean\` by each runner. "queries > lock_timeout" counts app queries slower than ${CEILING_MS} ms + 50 ms. Latencies are every app query from the blocker's start until 1 s after the migration finished. ${cutoverTiming}. Command: \`node bench/lock-safety.js ${process.argv.slice(2).join(' ')}\`.`,
  '',
  '| runner | run | app queries | p50 ms | p99 ms | max ms | queries > lock_timeout | failed queries | migration ms | migration completed |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...results.map((r) => `| ${r.name === 'naive' ? 'naive (no lock_timeout)' : opt.defaults ? 'cutover (defaults)' : `cutover (lock_timeout ${LOCK_TIMEOUT_MS} ms)`} | ${r.run} | ${r.n} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${r.stalled} | ${r.failed} | ${r.migrationMs.toFixed(0)} | ${r.completed ? 'yes' : `no: ${r.error}`} |`),
  '',
  'Reading it: the naive ALTER waits in the lock queue behind the report for the whole time the report runs, and every app query queues behind the ALTER — they stall until the app\'s own statement_timeout cancels them (failed queries). cutover\'s attempt gives up after lock_timeout, letting the queued queries through, and tries again: the worst stall stays about one lock_timeout, nothing fails, and the migration lands once the blocker ends.',
  `<!-- ${SECTION}:end -->`,
  '',
].join('\n');
console.log(md);
if (!opt['no-write']) {
  const previous = existsSync(opt.out) ? readFileSync(opt.out, 'utf8') : '# cutover benchmark results\n';
  const block = new RegExp(`<!-- ${SECTION}:start -->[\\s\\S]*?<!-- ${SECTION}:end -->\\n?`);
  writeFileSync(opt.out, block.test(previous) ? previous.replace(block, md) : `${previous.trimEnd()}\n\n${md}`);
  log(`lock-safety: wrote ${opt.out}`);
}
const cut = results.filter((r) => r.name === 'cutover');
const bad = cut.some((r) => r.failed > 0 || !r.completed || r.max > CEILING_MS + 250);
if (bad) log('lock-safety: cutover did NOT keep the stall within lock_timeout (+250 ms slack) with zero failures');
process.exitCode = bad ? 1 : 0;
