#!/usr/bin/env node
// Fleet benchmark (issue 5, "W3 fleet"): N tenant schemas × 20 generated
// migrations in one database. cutover (one `cutover migrate --schemas` process)
// against the serial floor (runners/fleet-floor.js: one connection looping over
// schemas) and peers looping per schema: node-pg-migrate and knex through their
// APIs, dbmate as a shell loop of its binary. Also the fleet no-op (everything
// applied) and cutover's peak RSS.
//
//   node bench/fleet.js [--tenants 200,2000] [--runs 3] [--tools floor,floor-parallel,cutover,node-pg-migrate,knex,dbmate]
//                       [--peers-max 200] [--concurrency N] [--no-write]
//
// Server: BENCH_DATABASE_URL (a superuser URL; stock fsync settings are the point),
// or a throw-away server (bench/lib/pg-server.js). Writes the "Fleet" section of
// bench/RESULTS.md (between the fleet markers; run.js keeps it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expectedObjects, generateMigrations, writeLayouts } from './generate.js';
import { measure, TIME_BIN } from './lib/measure.js';
import { ensureBenchDeps } from './lib/deps.js';
import { startServer } from './lib/pg-server.js';

const BENCH = import.meta.dirname;
const REPO = join(BENCH, '..');
const NM = join(BENCH, 'node_modules');
const MIGRATIONS = 20;

const { values: opt } = parseArgs({
  options: {
    tenants: { type: 'string', default: '200,2000' },
    runs: { type: 'string', default: '3' },
    tools: { type: 'string', default: 'floor,floor-parallel,cutover,node-pg-migrate,knex,dbmate' },
    'peers-max': { type: 'string', default: '200' },
    'floor-max': { type: 'string', default: '2000' },
    concurrency: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const TENANTS = opt.tenants.split(',').map(Number);
// One section per (tenants, tools) invocation, replaced when rerun: `--tenants 10000 --tools cutover` keeps the 200 and 2,000 tables.
const FLEET_BEGIN = `<!-- fleet:${opt.tenants}:${opt.tools}:begin -->`;
const FLEET_END = `<!-- fleet:${opt.tenants}:${opt.tools}:end -->`;
const RUNS = Number(opt.runs);
const TOOLS = opt.tools.split(',');
const log = (...a) => console.error(...a);
ensureBenchDeps(log);
const pg = createRequire(join(BENCH, 'package.json'))('pg');
const node = process.execPath;
const dbmate = join(NM, '@dbmate', `${process.platform}-${process.arch}`, 'bin', 'dbmate');
const version = (name) => JSON.parse(readFileSync(join(NM, name, 'package.json'), 'utf8')).version;

// ------------------------------------------------------------ workload
const root = join(BENCH, '.work', `fleet${MIGRATIONS}`);
const migrations = generateMigrations(MIGRATIONS);
const dirs = writeLayouts(root, migrations, ['cutover', 'node-pg-migrate', 'dbmate', 'knex']);
// The upgrade: the same 20 and a 21st (the generator's next kind: three indexes on t0004).
const upgrade = generateMigrations(MIGRATIONS + 1);
const UPGRADE_INDEXES = ['t0004_name_idx', 't0004_status_created_idx', 't0004_name_lower_idx'];
const upgradeRoot = join(BENCH, '.work', `fleet${MIGRATIONS + 1}`);
const upgradeDirs = writeLayouts(upgradeRoot, upgrade, ['cutover', 'node-pg-migrate', 'dbmate', 'knex']);
const expected = expectedObjects(MIGRATIONS);

// ------------------------------------------------------------ server
let server;
if (process.env.BENCH_DATABASE_URL) server = { url: process.env.BENCH_DATABASE_URL, stop: () => {}, own: false };
else server = { ...(await startServer({ log })), own: true };
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
const settings = Object.fromEntries((await admin.query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync','synchronous_commit','max_connections')")).rows.map((r) => [r.name, r.setting]));
const dbUrl = (db, params = {}) => {
  const u = new URL(server.url);
  u.pathname = '/' + db;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};
const tenantNames = (n) => Array.from({ length: n }, (_, i) => `tenant_${String(i + 1).padStart(5, '0')}`);

async function freshFleet(db, n) {
  await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${db}"`);
  const c = new pg.Client({ connectionString: dbUrl(db) });
  await c.connect();
  const names = tenantNames(n);
  for (let i = 0; i < names.length; i += 500) await c.query(names.slice(i, i + 500).map((s) => `CREATE SCHEMA "${s}"`).join(';'));
  await c.end();
}

/** Every tenant has the objects; seeded rows checked in a sample of tenants. */
async function verify(db, n) {
  const c = new pg.Client({ connectionString: dbUrl(db) });
  await c.connect();
  try {
    const { rows: [got] } = await c.query(`SELECT
      (SELECT count(*)::int FROM pg_tables WHERE schemaname LIKE 'tenant\\_%' AND tablename ~ '^t[0-9]{4}$') AS tables,
      (SELECT count(*)::int FROM pg_views WHERE schemaname LIKE 'tenant\\_%' AND viewname ~ '^v[0-9]{4}$') AS views,
      (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname LIKE 'tenant\\_%' AND proname ~ '^f[0-9]{4}$') AS functions`);
    for (const k of ['tables', 'views', 'functions']) if (got[k] !== expected[k] * n) return `expected ${expected[k] * n} ${k}, found ${got[k]}`;
    const names = tenantNames(n);
    for (const s of [names[0], names[Math.floor(n / 2)], names[n - 1]]) {
      let seeded = 0;
      for (let t = 1; t <= expected.tables; t++) seeded += (await c.query(`SELECT count(*)::int AS n FROM "${s}".t${String(t).padStart(4, '0')}`)).rows[0].n;
      if (seeded !== expected.rows) return `${s}: expected ${expected.rows} seeded rows, found ${seeded}`;
    }
    return null;
  } finally {
    await c.end();
  }
}

/** After the upgrade every tenant has the 21st migration's three indexes. */
async function verifyUpgrade(db, n) {
  const c = new pg.Client({ connectionString: dbUrl(db) });
  await c.connect();
  try {
    const { rows: [got] } = await c.query("SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname LIKE 'tenant\\_%' AND indexname = ANY($1)", [UPGRADE_INDEXES]);
    return got.n === UPGRADE_INDEXES.length * n ? null : `expected ${UPGRADE_INDEXES.length * n} new indexes, found ${got.n}`;
  } finally {
    await c.end();
  }
}

// ------------------------------------------------------------ tools
const concurrencyArgs = opt.concurrency ? ['--concurrency', opt.concurrency] : [];
const PARALLEL = Number(opt.concurrency ?? Math.min(16, Math.max(2, os.availableParallelism() * 2)));
const tools = {
  floor: { label: 'floor (one pg connection, serial over schemas)', cmd: (url, n, d = dirs) => ({ file: node, args: [join(BENCH, 'runners', 'fleet-floor.js'), '--url', url, '--dir', d.cutover] }) },
  // The bound for any parallel runner: the floor's work over as many connections as cutover's default concurrency (two per CPU).
  'floor-parallel': { label: `parallel floor (${PARALLEL} pg connections, the floor's work, cutover's durability)`, cmd: (url, n, d = dirs) => ({ file: node, args: [join(BENCH, 'runners', 'fleet-floor.js'), '--url', url, '--dir', d.cutover, '--concurrency', String(PARALLEL)] }) },
  cutover: { label: 'cutover CLI (`migrate --schemas tenant_*`)', cmd: (url, n, d = dirs) => ({ file: node, args: ['bin/cutover.js', 'migrate', '--url', url, '--dir', d.cutover, '--schemas', 'tenant_*', '--quiet', ...concurrencyArgs], cwd: REPO }), noop: true },
  'node-pg-migrate': { label: `node-pg-migrate ${version('node-pg-migrate')} (API, looped per schema)`, peer: true, cmd: (url, n, d = dirs) => ({ file: node, args: [join(BENCH, 'runners', 'fleet-node-pg-migrate.js'), '--url', url, '--dir', d['node-pg-migrate']] }) },
  knex: { label: `knex ${version('knex')} (API, looped per schema)`, peer: true, cmd: (url, n, d = dirs) => ({ file: node, args: [join(BENCH, 'runners', 'fleet-knex.js'), '--url', url, '--dir', d.knex] }) },
  dbmate: {
    label: 'dbmate (shell loop of the binary, one process per schema)', peer: true,
    cmd: (url, n, d = dirs) => ({
      file: '/bin/sh',
      args: ['-c', 'for s in $TENANTS; do "$DBMATE" --url "$BASE&search_path=$s" --migrations-dir "$DIR" --no-dump-schema migrate >/dev/null || exit 1; done'],
      env: { TENANTS: tenantNames(n).join(' '), DBMATE: dbmate, BASE: `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`, DIR: d.dbmate },
    }),
  },
};

// ------------------------------------------------------------ run
const samples = {}; // `${n}:${tool}` -> [{ ms, rssKB }]
const push = (key, s) => (samples[key] ??= []).push(s);
const failures = {};
const t0 = Date.now();
const load = os.loadavg();
try {
  for (const n of TENANTS) {
    for (let run = 1; run <= RUNS; run++) {
      const order = TOOLS.map((_, i) => TOOLS[(i + run - 1) % TOOLS.length]);
      for (const id of order) {
        const tool = tools[id];
        if (!tool || (tool.peer && n > Number(opt['peers-max'])) || (id.startsWith('floor') && n > Number(opt['floor-max']))) continue;
        const db = `bench_fleet_${id.replace(/-/g, '_')}`;
        await freshFleet(db, n);
        const r = await measure({ ...tool.cmd(dbUrl(db), n), timeoutMs: 3_600_000 });
        if (!r.ok) {
          const msg = (r.stderr + r.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300);
          log(`  ${n}×${MIGRATIONS} ${id} FAILED (exit ${r.code}): ${msg}`);
          (failures[`${n}:${id}`] ??= []).push(msg);
          continue;
        }
        const problem = await verify(db, n);
        if (problem) {
          log(`  ${n}×${MIGRATIONS} ${id} verification failed: ${problem}`);
          (failures[`${n}:${id}`] ??= []).push(problem);
          continue;
        }
        push(`${n}:${id}`, { run, ms: r.ms, rssKB: r.rssKB });
        log(`  ${n}×${MIGRATIONS} ${id.padEnd(16)} ${r.ms.toFixed(0).padStart(7)} ms ${(r.rssKB / 1024).toFixed(0).padStart(4)} MB`);
        if (tool.noop) {
          const again = await measure(tool.cmd(dbUrl(db), n));
          if (again.ok) {
            push(`${n}:${id}:noop`, { run, ms: again.ms, rssKB: again.rssKB });
            log(`  ${n}×${MIGRATIONS} ${(id + ' no-op').padEnd(16)} ${again.ms.toFixed(0).padStart(7)} ms ${(again.rssKB / 1024).toFixed(0).padStart(4)} MB`);
          } else (failures[`${n}:${id}:noop`] ??= []).push(again.stderr.slice(0, 300));
        }
        const up = await measure({ ...tool.cmd(dbUrl(db), n, upgradeDirs), timeoutMs: 3_600_000 });
        const upProblem = up.ok ? await verifyUpgrade(db, n) : (up.stderr + up.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300);
        if (upProblem) {
          log(`  ${n}×${MIGRATIONS} ${id} upgrade failed: ${upProblem}`);
          (failures[`${n}:${id}:upgrade`] ??= []).push(upProblem);
        } else {
          push(`${n}:${id}:upgrade`, { run, ms: up.ms, rssKB: up.rssKB });
          log(`  ${n}×${MIGRATIONS} ${(id + ' upgrade').padEnd(16)} ${up.ms.toFixed(0).padStart(7)} ms ${(up.rssKB / 1024).toFixed(0).padStart(4)} MB`);
        }
        await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      }
    }
  }
} finally {
  await admin.end().catch(() => {});
  server.stop();
}

// ------------------------------------------------------------ report
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const md = [FLEET_BEGIN, '', `## Fleet (W3) — ${TENANTS.map((n) => n.toLocaleString('en')).join(' and ')} tenant schemas × 20 migrations in one database`, ''];
md.push(`Generated by \`node bench/fleet.js --tenants ${opt.tenants} --runs ${RUNS} --tools ${opt.tools}${opt.concurrency ? ` --concurrency ${opt.concurrency}` : ''}\` on ${new Date().toISOString()}; ${os.availableParallelism()} CPUs, load average at start ${load.map((x) => x.toFixed(2)).join(' ')}; PostgreSQL ${pgVersion} (${server.own ? 'throw-away server, stock settings' : 'BENCH_DATABASE_URL'}; fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}, max_connections=${settings.max_connections}). Each tool run: a fresh database with N empty schemas \`tenant_00001\`…; wall time spawn to exit; peak RSS by ${TIME_BIN ? 'GNU time %M' : '/proc VmHWM'}; every run verified (objects in every tenant, seeded rows in a sample). Ratios: median over runs. Total ${((Date.now() - t0) / 1000).toFixed(0)} s.`, '');
/** A table of one measurement (suffix '' or ':upgrade'): each tool's runs against the floor's in the same table. */
function table(suffix, extraRows = []) {
  md.push('| tenants | tool | median | min | max | vs serial floor | peak RSS MB | runs |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of TENANTS) {
    const floor = samples[`${n}:floor${suffix}`];
    const floorMedian = floor ? median(floor.map((s) => s.ms)) : undefined;
    for (const [key, label] of [...TOOLS.map((id) => [`${n}:${id}${suffix}`, tools[id]?.label]), ...extraRows.map(([k, l]) => [`${n}:${k}`, l])]) {
      const list = samples[key];
      if (!label) continue;
      if (!list?.length) {
        if (failures[key]) md.push(`| ${n} | ${label} | failed: ${failures[key][0].replace(/\|/g, '\\|')} | | | | | 0 |`);
        continue;
      }
      const xs = list.map((s) => s.ms);
      const m = median(xs);
      md.push(`| ${n} | ${label} | ${fmt(m)} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} | ${floorMedian ? `${(m / floorMedian).toFixed(2)}×` : '–'} | ${(median(list.map((s) => s.rssKB)) / 1024).toFixed(1)} | ${xs.length} |`);
    }
  }
}
table('', [['cutover:noop', 'cutover no-op (all applied, same command again)']]);
md.push('', 'The upgrade: the release after, one new migration (three indexes on a table, t0004, that has no rows yet) on the fleet each tool just brought to 20; same runs, same databases.', '');
table(':upgrade');
md.push('', `Per 1,000 tenants (cutover, median): ${TENANTS.map((n) => samples[`${n}:cutover`] ? `${n}: ${fmt((median(samples[`${n}:cutover`].map((s) => s.ms)) / n) * 1000)}` : null).filter(Boolean).join('; ')}.`, '', FLEET_END, '');
const section = md.join('\n');
console.log(section);
if (!opt['no-write']) {
  const out = join(BENCH, 'RESULTS.md');
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '# cutover benchmark results\n';
  const begin = text.indexOf(FLEET_BEGIN);
  const end = text.indexOf(FLEET_END);
  const next = begin >= 0 && end > begin ? text.slice(0, begin) + section + text.slice(end + FLEET_END.length + 1) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(out, next);
  log('bench: wrote the fleet section of bench/RESULTS.md');
}
