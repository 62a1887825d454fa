#!/usr/bin/env node
// The deploy-time migrate on loopback and across a network (issue 19, item 3):
// the runs a user waits for at every deploy, at RTT 0 (loopback) and RTT 2 ms
// (bench/lib/delay-proxy.js, 1 ms each way), cutover against the floor, the
// parallel floor and the peers, cold and with verdicts.
//
//   node bench/net.js [--runs 3] [--rtt 0,2] [--only W1,W2,UP,FLEET,FLEET200,W3,LINT]
//                     [--tools floor,cli,cli-v,lib,lib-v,in,in-v,in-floor,postgres-migrations,node-pg-migrate,dbmate,knex]
//                     [--tenants 2000] [--fleet-tools floor-parallel,floor,cli,cli-v] [--fleet200-tools floor-parallel,cli,cli-v]
//                     [--lint-runs N] [--no-write] [--out bench/RESULTS.md]
//
// W1        200 generated migrations on a fresh database
// W2        the same directory again (the app-boot no-op)
// UP        the upgrade: one new migration (the 201st) on a database at 200
// FLEET     the fleet upgrade: a 21st migration on --tenants schemas at 20 (one
//           shared fleet database, brought back to 20 after each tool's run)
// FLEET200  200 tenant schemas × 20 migrations, fresh (the parallel-floor target)
// W3        1,000 migrations on a fresh database, RTT 0: the CLI's peak RSS
// LINT      1,000 files linted, cutover cold and with verdicts vs squawk (lint-bench.js)
//
// cutover rows come in two kinds: cold (CUTOVER_CACHE_DIR an empty directory
// of its own for each run: no verdicts, nothing carried over) and "-v", with
// verdicts (CUTOVER_CACHE_DIR a cache filled once beforehand by `cutover lint`
// of the same files). In-process rows time migrate() (or the floor's function)
// in one long-lived, warmed-up process (runners/in-process.js), against the
// floor's function in that same process. Runs are interleaved (each run: every
// tool once at each RTT, the order rotating); ratios are medians over runs of
// (tool ÷ floor in the same run); the load average is sampled at each run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { expectedObjects, generateMigrations, writeLayouts } from './generate.js';
import { hasVerdictCache } from './lib/cutover-build.js';
import { startDelayProxy } from './lib/delay-proxy.js';
import { ensureBenchDeps } from './lib/deps.js';
import { startInProcess } from './lib/in-process-client.js';
import { measure } from './lib/measure.js';
import { netReport } from './lib/net-report.js';
import { startServer } from './lib/pg-server.js';
import { writeSection } from './lib/results.js';
import { median } from './lib/stats.js';
import { verifyObjects } from './lib/verify.js';

const BENCH = import.meta.dirname;
// The cutover measured: this checkout, or BENCH_CUTOVER_ROOT (another checkout or an install with bin/ and dist/).
const REPO = process.env.BENCH_CUTOVER_ROOT ? resolve(process.env.BENCH_CUTOVER_ROOT) : join(BENCH, '..');
const NM = join(BENCH, 'node_modules');
const node = process.execPath;
const log = (...a) => console.error(...a);

const ALL_TOOLS = 'floor,cli,cli-v,lib,lib-v,in-floor,in,in-v,postgres-migrations,node-pg-migrate,dbmate,knex';
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rtt: { type: 'string', default: '0,2' },
    only: { type: 'string', default: 'W1,W2,UP,FLEET,FLEET200,W3,LINT' },
    tools: { type: 'string', default: ALL_TOOLS },
    tenants: { type: 'string', default: '2000' },
    'fleet-tools': { type: 'string', default: 'floor-parallel,floor,cli,cli-v' },
    'fleet200-tools': { type: 'string', default: 'floor-parallel,cli,cli-v' },
    'lint-runs': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    out: { type: 'string', default: join(BENCH, 'RESULTS.md') },
  },
});
const RUNS = Number(opt.runs);
const RTTS = opt.rtt.split(',').map(Number);
const ONLY = new Set(opt.only.split(',').map((s) => s.trim().toUpperCase()));
const TENANTS = Number(opt.tenants);
const PARALLEL = Math.min(16, Math.max(2, os.availableParallelism() * 2)); // cutover's default concurrency

ensureBenchDeps(log);
const pg = createRequire(join(BENCH, 'package.json'))('pg');
const dbmateBin = join(NM, '@dbmate', `${process.platform}-${process.arch}`, 'bin', 'dbmate');
const version = (name) => JSON.parse(readFileSync(join(NM, name, 'package.json'), 'utf8')).version;
if (!existsSync(join(REPO, 'dist', 'bundle', 'index.js'))) throw new Error('build cutover first: npm run build');
const VERDICTS = hasVerdictCache(REPO); // an older build has no "-v" rows

// ------------------------------------------------------------ workloads
const work = join(BENCH, '.work', 'net');
mkdirSync(work, { recursive: true });
const LAYOUTS = ['cutover', 'node-pg-migrate', 'postgres-migrations', 'dbmate', 'knex'];
const w200 = writeLayouts(join(work, 'w200'), generateMigrations(200), LAYOUTS);
const w201 = writeLayouts(join(work, 'w201'), generateMigrations(201), LAYOUTS);
const w1000 = ONLY.has('W3') ? writeLayouts(join(work, 'w1000'), generateMigrations(1000), ['cutover']) : null;
const fleet20 = writeLayouts(join(work, 'fleet20'), generateMigrations(20), ['cutover']);
const fleet21 = writeLayouts(join(work, 'fleet21'), generateMigrations(21), ['cutover']);
/** The indexes a migration creates: how an upgrade is verified. */
const indexesOf = (m) => [...m.sql.matchAll(/CREATE (?:UNIQUE )?INDEX (\w+)/g)].map((x) => x[1]);
const up201 = indexesOf(generateMigrations(201)[200]);
const up21 = indexesOf(generateMigrations(21)[20]);
if (!up201.length || !up21.length) throw new Error('the upgrade migrations are expected to create indexes');

// Verdicts: one cache filled once by `cutover lint` of every directory measured; cold runs get an empty one each.
const warmCache = join(work, 'verdicts');
rmSync(warmCache, { recursive: true, force: true });
const coldRoot = mkdtempSync(join(os.tmpdir(), 'bench-net-cold-'));
let coldN = 0;
const coldCache = () => join(coldRoot, String(++coldN));
if (VERDICTS) {
  for (const d of [w200, w201, fleet20, fleet21, w1000].filter(Boolean)) {
    spawnSync(node, ['bin/cutover.js', 'lint', '--dir', d.cutover, '--quiet'], { cwd: REPO, env: { ...process.env, CUTOVER_CACHE_DIR: warmCache }, stdio: 'ignore' });
  }
}
const cacheFor = (tool) => (tool.verdicts ? warmCache : coldCache());

// ------------------------------------------------------------ server, proxy
const server = process.env.BENCH_DATABASE_URL ? { url: process.env.BENCH_DATABASE_URL, stop() {}, own: false } : { ...(await startServer({ log })), own: true };
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.stop(); // a throw-away server must not outlive an interrupted bench
    process.exit(130);
  });
}
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
const proxies = new Map(); // rtt -> proxy (rtt 0: none, the direct URL)
for (const rtt of RTTS) if (rtt > 0) proxies.set(rtt, await startDelayProxy({ target: server.url, delayMs: rtt / 2 }));
const dbUrl = (db, rtt = 0, params = {}) => {
  const u = new URL(rtt > 0 ? proxies.get(rtt).url : server.url);
  u.pathname = `/${db}`;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};
const qi = (s) => `"${s.replace(/"/g, '""')}"`;
const freshDb = async (db) => {
  await admin.query(`DROP DATABASE IF EXISTS ${qi(db)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${qi(db)}`);
};
const dropDb = (db) => admin.query(`DROP DATABASE IF EXISTS ${qi(db)} WITH (FORCE)`);

/** The round trip as the tools see it: median of 200 `SELECT 1` on one connection. */
async function selectOneRtt(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const xs = [];
  for (let i = 0; i < 220; i++) {
    const t = performance.now();
    await c.query('SELECT 1');
    if (i >= 20) xs.push(performance.now() - t);
  }
  await c.end();
  return median(xs);
}

// ------------------------------------------------------------ tools (one database)
const env = (tool) => ({ CUTOVER_CACHE_DIR: cacheFor(tool) });
const inProcess = startInProcess({ repo: REPO, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS')) });
const TOOLS = {
  floor: { label: 'floor (bench/floor.js, raw pg)', cmd: (url, d) => ({ file: node, args: [join(BENCH, 'floor.js'), '--url', url, '--dir', d.cutover] }) },
  cli: { label: 'cutover CLI, cold', cutover: true, cmd: (url, d, t) => ({ file: node, args: ['bin/cutover.js', 'migrate', '--url', url, '--dir', d.cutover, '--quiet'], cwd: REPO, env: env(t) }) },
  'cli-v': { label: 'cutover CLI, with verdicts', cutover: true, verdicts: true, cmd: (url, d, t) => ({ file: node, args: ['bin/cutover.js', 'migrate', '--url', url, '--dir', d.cutover, '--quiet'], cwd: REPO, env: env(t) }) },
  lib: { label: 'cutover library, whole process, cold', cutover: true, says: true, cmd: (url, d, t) => ({ file: node, args: [join(BENCH, 'runners', 'cutover-lib.js'), '--url', url, '--dir', d.cutover, '--repo', REPO], env: env(t) }) },
  'lib-v': { label: 'cutover library, whole process, with verdicts', cutover: true, verdicts: true, says: true, cmd: (url, d, t) => ({ file: node, args: [join(BENCH, 'runners', 'cutover-lib.js'), '--url', url, '--dir', d.cutover, '--repo', REPO], env: env(t) }) },
  'in-floor': { label: 'floor, in-process (warm process)', inProcess: true, request: (url, d) => ({ tool: 'floor', url, dir: d.cutover }) },
  in: { label: 'cutover library, in-process migrate(), cold', inProcess: true, cutover: true, request: (url, d, t) => ({ tool: 'cutover', url, dir: d.cutover, cacheDir: cacheFor(t) }) },
  'in-v': { label: 'cutover library, in-process migrate(), with verdicts', inProcess: true, cutover: true, verdicts: true, request: (url, d, t) => ({ tool: 'cutover', url, dir: d.cutover, cacheDir: cacheFor(t) }) },
  'postgres-migrations': { label: `postgres-migrations ${version('postgres-migrations')} (API script)`, peer: true, cmd: (url, d) => ({ file: node, args: [join(BENCH, 'runners', 'postgres-migrations.js'), '--url', url, '--dir', d['postgres-migrations']] }) },
  'node-pg-migrate': { label: `node-pg-migrate ${version('node-pg-migrate')} (CLI, its default single transaction)`, peer: true, cmd: (url, d) => ({ file: node, args: [join(NM, 'node-pg-migrate', 'bin', 'node-pg-migrate.js'), 'up', '--migrations-dir', d['node-pg-migrate'], '--no-verbose'], env: { DATABASE_URL: url } }) },
  dbmate: { label: `dbmate ${version('dbmate')} (native binary)`, peer: true, native: true, cmd: (url, d) => ({ file: dbmateBin, args: ['--url', url, '--migrations-dir', d.dbmate, '--no-dump-schema', 'migrate'] }), params: server.own ? { sslmode: 'disable' } : {} }, // lib/pq defaults to TLS; our own server has none
  knex: { label: `knex ${version('knex')} (API script)`, peer: true, cmd: (url, d) => ({ file: node, args: [join(BENCH, 'runners', 'knex.js'), '--url', url, '--dir', d.knex] }) },
};
const toolIds = opt.tools.split(',').filter((id) => TOOLS[id] && (!TOOLS[id].verdicts || VERDICTS));
// Ratios need the floor of the same kind (process or in-process) in every run.
if (toolIds.some((t) => !TOOLS[t].inProcess) && !toolIds.includes('floor')) toolIds.unshift('floor');
if (toolIds.some((t) => TOOLS[t].inProcess) && !toolIds.includes('in-floor')) toolIds.unshift('in-floor');

/** What a failed process said: its first line that reads like an error, else its last lines. */
function failure(r) {
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return `exit ${r.code}: ${(lines.find((l) => /error|fail|refus|cannot|not found/i.test(l)) ?? lines.slice(-2).join(' | ')).slice(0, 300)}`;
}

/** Round trips and connections `run` made through the proxy of `rtt` (none at RTT 0). */
async function counted(rtt, run) {
  const proxy = proxies.get(rtt);
  const [rt, conns] = proxy ? [proxy.roundTrips(), proxy.connections()] : [];
  const r = await run();
  return proxy ? { ...r, roundTrips: proxy.roundTrips() - rt, connections: proxy.connections() - conns } : r;
}

/** One run of a tool at `rtt`; resolves { ok, ms, rssKB?, roundTrips?, connections?, error? }. */
function exec(id, rtt, url, dirs) {
  const tool = TOOLS[id];
  return counted(rtt, async () => {
    if (tool.inProcess) {
      const r = await inProcess.call(tool.request(url, dirs, tool));
      return r.error ? { ok: false, error: r.error } : { ok: true, ms: r.ms };
    }
    const r = await measure({ ...tool.cmd(url, dirs, tool), timeoutMs: 600_000 });
    // runners/cutover-lib.js says how long its import and its migrate() call took.
    const said = tool.says ? JSON.parse(r.stdout.trim().split('\n').pop() || '{}') : {};
    return { ok: r.ok, ms: r.ms, rssKB: r.rssKB, importMs: said.importMs, callMs: said.ms, error: r.ok ? undefined : failure(r) };
  });
}

/** samples[`${workload}:${rtt}:${tool}`] = [{ run, ms, rssKB }]; failures likewise = [message]. */
const samples = {};
const failures = {};
const loads = [];
const record = (key, run, r) => {
  if (r.ok) (samples[key] ??= []).push({ run, ms: r.ms, rssKB: r.rssKB, roundTrips: r.roundTrips, connections: r.connections, importMs: r.importMs, callMs: r.callMs });
  else (failures[key] ??= []).push(r.error);
  log(`  ${key.padEnd(34)} ${r.ok ? `${r.ms.toFixed(0).padStart(7)} ms${r.rssKB ? ` ${(r.rssKB / 1024).toFixed(0).padStart(4)} MB` : ''}${r.roundTrips !== undefined ? ` ${r.roundTrips} round trips, ${r.connections} connections` : ''}` : `FAILED ${r.error}`}`);
  return r.ok;
};

async function indexesPresent(url, names, schemaLike) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname LIKE $1 AND indexname = ANY($2)', [schemaLike, names])).rows[0].n;
  } finally {
    await c.end();
  }
}

/** W1, W2 and the upgrade of one tool at one RTT, on a database of its own. */
async function oneDatabase(id, rtt, run) {
  const db = `bench_net_${id.replace(/-/g, '_')}`;
  await freshDb(db);
  const url = dbUrl(db, rtt, TOOLS[id].params);
  const w1 = await exec(id, rtt, url, w200);
  if (ONLY.has('W1') ? !record(`W1:${rtt}:${id}`, run, w1) : !w1.ok) return dropDb(db);
  const problem = await verifyObjects(pg, dbUrl(db), expectedObjects(200));
  if (problem) {
    samples[`W1:${rtt}:${id}`] = samples[`W1:${rtt}:${id}`]?.filter((s) => s.run !== run);
    record(`W1:${rtt}:${id}`, run, { ok: false, error: `verification: ${problem}` });
    return dropDb(db);
  }
  if (ONLY.has('W2')) record(`W2:${rtt}:${id}`, run, await exec(id, rtt, url, w200));
  if (ONLY.has('UP')) {
    const up = await exec(id, rtt, url, w201);
    const n = up.ok ? await indexesPresent(dbUrl(db), up201, 'public') : 0;
    record(`UP:${rtt}:${id}`, run, up.ok && n !== up201.length ? { ok: false, error: `verification: ${n} of ${up201.length} new indexes` } : up);
  }
  await dropDb(db);
}

// ------------------------------------------------------------ the fleet
const tenantNames = (n) => Array.from({ length: n }, (_, i) => `tenant_${String(i + 1).padStart(5, '0')}`);
const FLEET_TOOLS = {
  floor: { label: 'floor (one pg connection, serial over schemas)', cmd: (url, d) => ({ file: node, args: [join(BENCH, 'runners', 'fleet-floor.js'), '--url', url, '--dir', d.cutover] }) },
  'floor-parallel': { label: `parallel floor (${PARALLEL} pg connections)`, cmd: (url, d) => ({ file: node, args: [join(BENCH, 'runners', 'fleet-floor.js'), '--url', url, '--dir', d.cutover, '--concurrency', String(PARALLEL)] }) },
  cli: { label: 'cutover CLI `migrate --schemas tenant_*`, cold', cutover: true, cmd: (url, d, t) => ({ file: node, args: ['bin/cutover.js', 'migrate', '--url', url, '--dir', d.cutover, '--schemas', 'tenant_*', '--quiet'], cwd: REPO, env: env(t) }) },
  'cli-v': { label: 'cutover CLI `migrate --schemas tenant_*`, with verdicts', cutover: true, verdicts: true, cmd: (url, d, t) => ({ file: node, args: ['bin/cutover.js', 'migrate', '--url', url, '--dir', d.cutover, '--schemas', 'tenant_*', '--quiet'], cwd: REPO, env: env(t) }) },
};
const fleetList = (ids) => ids.split(',').filter((id) => FLEET_TOOLS[id] && (!FLEET_TOOLS[id].verdicts || VERDICTS));
const fleetIds = fleetList(opt['fleet-tools']);
const fleet200Ids = fleetList(opt['fleet200-tools']); // the serial floor takes minutes here and is no target's reference

async function makeSchemas(db, n) {
  await freshDb(db);
  const c = new pg.Client({ connectionString: dbUrl(db) });
  await c.connect();
  const names = tenantNames(n);
  for (let i = 0; i < n; i += 500) await c.query(names.slice(i, i + 500).map((s) => `CREATE SCHEMA ${qi(s)}`).join(';'));
  return c;
}

/** Runs `sql(schema)` for every tenant, 200 schemas per round trip. */
async function perTenant(c, n, sql) {
  const names = tenantNames(n);
  for (let i = 0; i < n; i += 200) await c.query(names.slice(i, i + 200).map((s) => sql(qi(s))).join(';\n'));
}

/** The shared fleet at 20: brought there by cutover; the floor's history written to match. */
async function fleetAt20(db, n) {
  const c = await makeSchemas(db, n);
  const r = await measure({ file: node, args: ['bin/cutover.js', 'migrate', '--url', dbUrl(db), '--dir', fleet20.cutover, '--schemas', 'tenant_*', '--quiet'], cwd: REPO, env: { CUTOVER_CACHE_DIR: coldCache() } });
  if (!r.ok) throw new Error(`fleet set-up failed: ${r.stderr.slice(-500)}`);
  const values = generateMigrations(20).map((m) => `(${m.index}, '${m.name}')`).join(', ');
  await perTenant(c, n, (s) => `CREATE TABLE ${s}.floor_history (version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); INSERT INTO ${s}.floor_history (version, name) VALUES ${values}`);
  log(`bench: fleet of ${n} at 20 in ${(r.ms / 1000).toFixed(1)} s`);
  return c;
}

/** After an upgrade: the 21st migration's indexes and ledger rows gone, every tenant at 20 again. */
const fleetBack = (c, n) => perTenant(c, n, (s) => `DROP INDEX ${up21.map((i) => `${s}.${i}`).join(', ')}; DELETE FROM ${s}.cutover_migrations WHERE version = '21'; DELETE FROM ${s}.floor_history WHERE version = 21`);

// ------------------------------------------------------------ run
const t0 = Date.now();
const rttSeen = {};
const delays = {}; // rtt -> the proxy's delay each way after calibration
let fleetDb;
try {
  // The proxy's own hop and its clock's wake-up add a little to each way: the delay is
  // trimmed (three times) so that a SELECT 1 round trip through it takes RTT more than on loopback.
  const direct = await selectOneRtt(dbUrl('postgres'));
  for (const [rtt, proxy] of proxies) {
    let delay = rtt / 2;
    for (let i = 0; i < 3; i++) {
      const over = (await selectOneRtt(dbUrl('postgres', rtt))) - direct - rtt;
      delay = Math.min(rtt / 2, Math.max(rtt / 2 - 0.25, delay - over / 4)); // damped and bounded: a loaded machine's samples wobble
      proxy.setDelay(delay);
    }
    delays[rtt] = delay;
  }
  for (const rtt of RTTS) rttSeen[rtt] = await selectOneRtt(dbUrl('postgres', rtt));
  log(`bench: SELECT 1 round trip ${RTTS.map((r) => `RTT ${r}: ${rttSeen[r].toFixed(3)} ms${delays[r] !== undefined ? ` (delay each way ${delays[r].toFixed(3)} ms)` : ''}`).join(', ')}`);
  // Warm-up of the long-lived process: both functions once through W1 and W2, not counted.
  if (toolIds.some((id) => TOOLS[id].inProcess)) {
    await freshDb('bench_net_warm');
    for (const tool of ['cutover', 'floor']) for (let i = 0; i < 2; i++) await inProcess.call({ tool, url: dbUrl('bench_net_warm'), dir: w200.cutover, cacheDir: coldCache() });
    await dropDb('bench_net_warm');
  }
  if (ONLY.has('FLEET')) {
    fleetDb = await fleetAt20('bench_net_fleet', TENANTS);
  }
  for (let run = 1; run <= RUNS; run++) {
    const rtts = run % 2 ? RTTS : [...RTTS].reverse();
    loads.push(os.loadavg()[0]);
    log(`bench: run ${run}/${RUNS} (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
    record('NODE:0:node', run, await measure({ file: node, args: ['-e', '0'] })); // a bare node's start and exit, for the start-up breakdown
    for (const rtt of rtts) {
      if (['W1', 'W2', 'UP'].some((w) => ONLY.has(w))) {
        for (let i = 0; i < toolIds.length; i++) await oneDatabase(toolIds[(i + run - 1) % toolIds.length], rtt, run);
      }
      if (fleetDb) {
        for (let i = 0; i < fleetIds.length; i++) {
          const id = fleetIds[(i + run - 1) % fleetIds.length];
          const r = await counted(rtt, () => measure({ ...FLEET_TOOLS[id].cmd(dbUrl('bench_net_fleet', rtt), fleet21, FLEET_TOOLS[id]), timeoutMs: 3_600_000 }));
          const n = r.ok ? await indexesPresent(dbUrl('bench_net_fleet'), up21, 'tenant\\_%') : 0;
          record(`FLEET:${rtt}:${id}`, run, !r.ok ? { ok: false, error: failure(r) } : n !== up21.length * TENANTS ? { ok: false, error: `verification: ${n} of ${up21.length * TENANTS} new indexes` } : r);
          await fleetBack(fleetDb, TENANTS);
        }
      }
      if (ONLY.has('FLEET200')) {
        for (let i = 0; i < fleet200Ids.length; i++) {
          const id = fleet200Ids[(i + run - 1) % fleet200Ids.length];
          (await makeSchemas('bench_net_fleet200', 200)).end();
          const r = await counted(rtt, () => measure({ ...FLEET_TOOLS[id].cmd(dbUrl('bench_net_fleet200', rtt), fleet20, FLEET_TOOLS[id]), timeoutMs: 3_600_000 }));
          const c = new pg.Client({ connectionString: dbUrl('bench_net_fleet200') });
          await c.connect();
          const views = r.ok ? (await c.query("SELECT count(*)::int AS n FROM pg_views WHERE schemaname LIKE 'tenant\\_%'")).rows[0].n : 0;
          await c.end();
          const want = expectedObjects(20).views * 200;
          record(`FLEET200:${rtt}:${id}`, run, !r.ok ? { ok: false, error: failure(r) } : views !== want ? { ok: false, error: `verification: ${views} of ${want} views` } : r);
        }
        await dropDb('bench_net_fleet200');
      }
    }
    if (ONLY.has('W3')) {
      for (const id of ['floor', 'cli', 'cli-v'].filter((t) => !TOOLS[t].verdicts || VERDICTS)) {
        await freshDb('bench_net_w3');
        const r = await exec(id, 0, dbUrl('bench_net_w3'), w1000);
        const problem = r.ok ? await verifyObjects(pg, dbUrl('bench_net_w3'), expectedObjects(1000)) : null;
        record(`W3:0:${id}`, run, problem ? { ok: false, error: problem } : r);
      }
      await dropDb('bench_net_w3');
    }
  }
  loads.push(os.loadavg()[0]);
} finally {
  await inProcess.close();
  await fleetDb?.end();
  if (fleetDb) await dropDb('bench_net_fleet');
  await admin.end();
  for (const p of proxies.values()) await p.close();
  server.stop();
  rmSync(coldRoot, { recursive: true, force: true });
}

let lint;
if (ONLY.has('LINT')) {
  const jsonOut = join(work, 'lint.json');
  const r = spawnSync(node, [join(BENCH, 'lint-bench.js'), '--no-write', '--runs', opt['lint-runs'] ?? String(Math.max(RUNS, 3)), '--json', jsonOut], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status === 0) lint = JSON.parse(readFileSync(jsonOut, 'utf8'));
  else log(`bench: lint-bench exited with ${r.status}`);
}

const block = netReport({
  runs: RUNS, rtts: RTTS, rttSeen, tenants: TENANTS, parallel: PARALLEL, verdicts: VERDICTS, pgVersion, ownServer: server.own,
  delays, loads, seconds: (Date.now() - t0) / 1000, argv: process.argv.slice(2).join(' '),
  tools: TOOLS, toolIds, fleetTools: FLEET_TOOLS, fleetIds, fleet200Ids, samples, failures, lint, only: ONLY,
});
console.log(block);
if (!opt['no-write']) writeSection(opt.out, 'net', block);
