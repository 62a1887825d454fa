#!/usr/bin/env node
// cutover benchmark: cutover (CLI and library) against the floor (bench/floor.js,
// raw `pg`) and peer tools, on generated workloads, one fresh database per run.
//
//   node bench/run.js [--runs 5] [--only W1,W2,W3] [--tools floor,dbmate,...]
//                     [--out bench/RESULTS.md] [--no-write] [--no-fsync]
//
// W1  200 generated migrations applied to a fresh database
// W2  the same directory again once everything is applied (app-boot no-op)
// W3  1,000 generated migrations applied to a fresh database (cutover + floor only;
//     mostly about cutover's peak RSS)
// LOCKS  lock safety under live traffic: bench/lock-safety.js (naive ALTER vs cutover)
// LINT   1,000 generated files linted by cutover and squawk-cli: bench/lint-bench.js
//
// Server: BENCH_DATABASE_URL (its user must be allowed to CREATE DATABASE), or a
// throw-away PostgreSQL started here (Debian's /usr/lib/postgresql/*/bin, through
// `runuser -u postgres` when running as root), with stock settings; --no-fsync
// turns off fsync/synchronous_commit/full_page_writes there, taking the disk's
// commit latency (the same for every tool, and noisy) out of the numbers.
// Bench dependencies (peer tools) live in bench/package.json and are installed
// here on first use.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateMigrations, expectedObjects, writeLayouts } from './generate.js';
import { ensureBenchDeps } from './lib/deps.js';
import { startServer } from './lib/pg-server.js';
import { measure as measureProcess, STRIPPED_ENV, TIME_BIN } from './lib/measure.js';
import { median } from './lib/stats.js';
import { verifyObjects } from './lib/verify.js';

const BENCH = import.meta.dirname;
const REPO = join(BENCH, '..');
// Which cutover to measure: this checkout by default; BENCH_CUTOVER_ROOT points at
// another checkout or an installed package (it needs bin/cutover.js and dist/).
const CUTOVER = process.env.BENCH_CUTOVER_ROOT ? resolve(process.env.BENCH_CUTOVER_ROOT) : REPO;
const NM = join(BENCH, 'node_modules');

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string', default: 'W1,W2,W3,LOCKS,LINT' },
    tools: { type: 'string' },
    out: { type: 'string', default: join(BENCH, 'RESULTS.md') },
    'no-write': { type: 'boolean', default: false },
    'no-fsync': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '300' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const RUNS = Number(opt.runs);
const ONLY = new Set(opt.only.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean));
const TIMEOUT_MS = Number(opt.timeout) * 1000;
const log = (...a) => console.error(...a);
let lockBlock; // bench/lock-safety.js's RESULTS.md section
let lintBlock; // bench/lint-bench.js's RESULTS.md section

// ---------------------------------------------------------------- deps
ensureBenchDeps(log);
const pg = createRequire(join(BENCH, 'package.json'))('pg');

function dbmateBinary() {
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32' }[process.arch];
  const p = join(NM, '@dbmate', `${process.platform}-${arch}`, 'bin', process.platform === 'win32' ? 'dbmate.exe' : 'dbmate');
  return existsSync(p) ? p : null;
}
const pkgVersion = (name) => {
  try {
    return JSON.parse(readFileSync(join(NM, name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
};

// ---------------------------------------------------------------- measuring
const RSS_METHOD = TIME_BIN ? 'GNU time `%M` (max RSS of the process tree\'s largest process)' : 'VmHWM polled from /proc every 5 ms (approximate)';

/** Runs one process (bench/lib/measure.js) from the repo root with the --timeout; resolves { ok, ms, rssKB, stdout, stderr, code }. */
function measure({ file, args, cwd = REPO, env = {} }) {
  return measureProcess({ file, args, cwd, env, timeoutMs: TIMEOUT_MS });
}

function lastJsonLine(stdout) {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      const v = JSON.parse(l);
      if (v && typeof v === 'object') return v;
    } catch {}
  }
  return null;
}

// ---------------------------------------------------------------- tools
const node = process.execPath;
const cutoverBuilt = existsSync(join(CUTOVER, 'dist', 'index.js'));
const cutoverCliBuilt = cutoverBuilt && existsSync(join(CUTOVER, 'bin', 'cutover.js'));

/**
 * Each tool: id, label, workloads it takes part in, why it is unavailable (or
 * null), and cmd(url, dirs) for one process. rows: the result rows one process
 * yields (the library yields a whole-process row and an in-process row).
 */
const TOOLS = [
  {
    id: 'floor',
    label: 'floor (bench/floor.js, raw pg)',
    workloads: ['W1', 'W2', 'W3'],
    unavailable: null,
    cmd: (url, d) => ({ file: node, args: [join(BENCH, 'floor.js'), '--url', url, '--dir', d.cutover] }),
    inProcess: true,
  },
  {
    id: 'cutover-cli',
    label: 'cutover CLI',
    workloads: ['W1', 'W2', 'W3'],
    unavailable: cutoverCliBuilt ? null : 'n/a (not built)',
    cmd: (url, d) => ({ file: node, args: ['bin/cutover.js', 'migrate', '--url', url, '--dir', d.cutover, '--quiet'], cwd: CUTOVER }),
  },
  {
    id: 'cutover-lib',
    label: 'cutover library (whole process)',
    inProcessLabel: '↳ cutover library, in-process migrate() only (ratio vs floor in-process)',
    workloads: ['W1', 'W2', 'W3'],
    unavailable: cutoverBuilt ? null : 'n/a (not built)',
    cmd: (url, d) => ({ file: node, args: [join(BENCH, 'runners', 'cutover-lib.js'), '--url', url, '--dir', d.cutover, '--repo', CUTOVER] }),
    inProcess: true,
  },
  {
    id: 'node-pg-migrate',
    label: `node-pg-migrate ${pkgVersion('node-pg-migrate')} (CLI)`,
    workloads: ['W1', 'W2'],
    unavailable: null,
    cmd: (url, d) => ({
      file: node,
      args: [join(NM, 'node-pg-migrate', 'bin', 'node-pg-migrate.js'), 'up', '--migrations-dir', d['node-pg-migrate'], '--no-verbose'],
      env: { DATABASE_URL: url },
    }),
  },
  {
    id: 'node-pg-migrate-per-file',
    label: `node-pg-migrate ${pkgVersion('node-pg-migrate')} (CLI, --no-single-transaction)`,
    workloads: ['W1'],
    unavailable: null,
    cmd: (url, d) => ({
      file: node,
      args: [join(NM, 'node-pg-migrate', 'bin', 'node-pg-migrate.js'), 'up', '--migrations-dir', d['node-pg-migrate'], '--no-verbose', '--no-single-transaction'],
      env: { DATABASE_URL: url },
    }),
  },
  {
    id: 'postgres-migrations',
    label: `postgres-migrations ${pkgVersion('postgres-migrations')} (API script)`,
    workloads: ['W1', 'W2'],
    unavailable: null,
    cmd: (url, d) => ({ file: node, args: [join(BENCH, 'runners', 'postgres-migrations.js'), '--url', url, '--dir', d['postgres-migrations']] }),
  },
  {
    id: 'graphile-migrate',
    label: `graphile-migrate ${pkgVersion('graphile-migrate')} (CLI)`,
    workloads: ['W1', 'W2'],
    unavailable: null,
    cmd: (url, d) => ({
      file: node,
      args: [join(NM, 'graphile-migrate', 'dist', 'cli.js'), 'migrate'],
      cwd: d['graphile-migrate'],
      env: { DATABASE_URL: url },
    }),
  },
  {
    id: 'dbmate',
    label: `dbmate ${pkgVersion('dbmate')} (CLI, native binary)`,
    workloads: ['W1', 'W2'],
    unavailable: dbmateBinary() ? null : `n/a (no @dbmate/${process.platform}-${process.arch} binary)`,
    cmd: (url, d) => ({
      file: dbmateBinary(),
      args: ['--url', withSslDisabled(url), '--migrations-dir', d.dbmate, '--no-dump-schema', 'migrate'],
    }),
  },
];
const selectedTools = opt.tools ? new Set(opt.tools.split(',').map((s) => s.trim())) : null;
if (selectedTools) selectedTools.add('floor'); // ratios need it
const tools = TOOLS.filter((t) => !selectedTools || selectedTools.has(t.id));

let ownServer = false;
function withSslDisabled(url) {
  // lib/pq (dbmate) defaults to sslmode=require; our own server has no TLS.
  const u = new URL(url);
  if (ownServer && !u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  return u.toString();
}
const redact = (s) => String(s).replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');

// ---------------------------------------------------------------- workloads
const W = { W1: 200, W3: 1000 };
const workDir = join(BENCH, '.work');
log('bench: generating workloads ...');
const dirs200 = writeLayouts(join(workDir, 'w200'), generateMigrations(W.W1));
const dirs1000 = ONLY.has('W3') ? writeLayouts(join(workDir, 'w1000'), generateMigrations(W.W3), ['cutover']) : null;
const expected = { 200: expectedObjects(W.W1), 1000: expectedObjects(W.W3) };

// ---------------------------------------------------------------- server
let server;
if (process.env.BENCH_DATABASE_URL) {
  server = { url: process.env.BENCH_DATABASE_URL, stop: () => {}, ownServer: false };
  log(`bench: using BENCH_DATABASE_URL (${redact(server.url)})${opt['no-fsync'] ? '; --no-fsync ignored (not our server)' : ''}`);
} else {
  log('bench: starting a throw-away PostgreSQL ...');
  const settings = opt['no-fsync'] ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {};
  server = await startServer({ log, settings });
  ownServer = true;
  log(`bench: ${server.version} on 127.0.0.1:${server.port}`);
}
const cleanup = () => server.stop();
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
const pgSettings = Object.fromEntries(
  (await admin.query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','shared_buffers')")).rows.map((r) => [r.name, r.setting]),
);
const dbUrl = (db) => {
  const u = new URL(server.url);
  u.pathname = '/' + db;
  return u.toString();
};
const qi = (s) => `"${s.replace(/"/g, '""')}"`;
async function freshDb(name) {
  await admin.query(`DROP DATABASE IF EXISTS ${qi(name)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${qi(name)}`);
}
const dropDb = (name) => admin.query(`DROP DATABASE IF EXISTS ${qi(name)} WITH (FORCE)`);

const verify = (db, count) => verifyObjects(pg, dbUrl(db), expected[count]);

// ---------------------------------------------------------------- schedule
/** samples[workload][rowId] = [{ run, ms, rssKB, inMs }] ; failures[workload][rowId] = [msg] */
const samples = {};
const failures = {};
const push = (w, id, s) => ((samples[w] ??= {})[id] ??= []).push(s);
const fail = (w, id, msg) => ((failures[w] ??= {})[id] ??= []).push(msg);
/** A run whose database did not end up as expected: its timing does not count. */
const discard = (w, id, run, msg) => {
  const list = samples[w]?.[id];
  if (list) samples[w][id] = list.filter((s) => s.run !== run);
  fail(w, id, msg);
};

async function runOne(tool, workload, url, d, run) {
  const r = await measure(tool.cmd(url, d));
  const mb = (r.rssKB / 1024).toFixed(0);
  if (!r.ok) {
    const lines = (r.stderr + '\n' + r.stdout).split('\n').map((l) => l.trim()).filter(Boolean);
    const firstError = lines.find((l) => /error|fail|denied|refus|unknown|cannot|not found/i.test(l));
    const msg = redact(firstError ?? lines.slice(-3).join(' | ')).slice(0, 300);
    log(`  ${workload} ${tool.id.padEnd(20)} FAILED (exit ${r.code}): ${msg}`);
    fail(workload, tool.id, `exit ${r.code}: ${msg}`);
    return false;
  }
  const j = tool.inProcess ? lastJsonLine(r.stdout) : null;
  push(workload, tool.id, { run, ms: r.ms, rssKB: r.rssKB, inMs: j?.ms });
  log(`  ${workload} ${tool.id.padEnd(20)} ${r.ms.toFixed(0).padStart(6)} ms  ${mb.padStart(4)} MB${j?.ms != null ? `  (in-process ${j.ms.toFixed(0)} ms)` : ''}`);
  return true;
}

const t0 = Date.now();
const loadAtStart = os.loadavg();
try {
  for (let run = 1; run <= RUNS; run++) {
    log(`bench: run ${run}/${RUNS}`);
    // Interleaved, and the order rotates by one tool each run so that no tool
    // always runs right after the same neighbour (or the previous run's W3).
    const order = tools.map((_, i) => tools[(i + run - 1) % tools.length]);
    if (ONLY.has('W1') || ONLY.has('W2')) {
      for (const tool of order) {
        const doW1 = ONLY.has('W1') && tool.workloads.includes('W1');
        const doW2 = ONLY.has('W2') && tool.workloads.includes('W2');
        if (tool.unavailable || (!doW1 && !doW2)) continue;
        const db = `bench_${tool.id.replace(/-/g, '_')}_${run}`;
        await freshDb(db);
        const url = dbUrl(db);
        let ok;
        if (doW1) {
          ok = await runOne(tool, 'W1', url, dirs200, run);
        } else {
          ok = (await measure(tool.cmd(url, dirs200))).ok; // set-up for W2, not measured
          if (!ok) fail('W2', tool.id, 'could not apply W1 first');
        }
        if (ok) {
          const problem = await verify(db, W.W1);
          if (problem) {
            log(`  ${tool.id}: W1 verification failed: ${problem}`);
            if (doW1) discard('W1', tool.id, run, `verification: ${problem}`);
            else fail('W2', tool.id, `W1 set-up verification: ${problem}`);
            ok = false;
          }
        }
        if (doW2) {
          if (ok) await runOne(tool, 'W2', url, dirs200, run);
          else if (doW1) fail('W2', tool.id, 'skipped: its W1 run failed');
        }
        await dropDb(db);
      }
    }
    if (ONLY.has('W3')) {
      for (const tool of order) {
        if (tool.unavailable || !tool.workloads.includes('W3')) continue;
        const db = `bench_w3_${tool.id.replace(/-/g, '_')}_${run}`;
        await freshDb(db);
        if (await runOne(tool, 'W3', dbUrl(db), dirs1000, run)) {
          const problem = await verify(db, W.W3);
          if (problem) {
            log(`  ${tool.id}: W3 verification failed: ${problem}`);
            discard('W3', tool.id, run, `verification: ${problem}`);
          }
        }
        await dropDb(db);
      }
    }
  }
  // Lock safety under live traffic (bench/lock-safety.js), on the same server.
  if (ONLY.has('LOCKS')) {
    const r = spawnSync(process.execPath, [join(BENCH, 'lock-safety.js'), '--no-write'], { env: { ...process.env, BENCH_DATABASE_URL: server.url }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    lockBlock = /<!-- lock-safety:start -->[\s\S]*?<!-- lock-safety:end -->/.exec(r.stdout ?? '')?.[0];
    if (r.status !== 0) log(`bench: lock-safety exited with ${r.status}`);
  }
  // Linting: cutover vs squawk-cli on 1,000 generated files (bench/lint-bench.js); no database.
  if (ONLY.has('LINT')) {
    const r = spawnSync(process.execPath, [join(BENCH, 'lint-bench.js'), '--no-write', '--runs', String(RUNS)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    lintBlock = /<!-- lint:start -->[\s\S]*?<!-- lint:end -->/.exec(r.stdout ?? '')?.[0];
    if (r.status !== 0) log(`bench: lint-bench exited with ${r.status}`);
  }
} finally {
  await admin.end().catch(() => {});
  cleanup();
}
const elapsed = (Date.now() - t0) / 1000;

// ---------------------------------------------------------------- report
const fmtMs = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

function rowsFor(workload) {
  const floor = samples[workload]?.floor ?? [];
  const floorByRun = new Map(floor.map((s) => [s.run, s]));
  const out = [];
  const add = (label, list, pick, floorPick, rss = true) => {
    const xs = list.map(pick);
    const ratios = list.filter((s) => floorByRun.has(s.run)).map((s) => pick(s) / floorPick(floorByRun.get(s.run)));
    out.push([
      label,
      fmtMs(median(xs)),
      fmtMs(Math.min(...xs)),
      fmtMs(Math.max(...xs)),
      ratios.length ? `${median(ratios).toFixed(2)}×` : '–',
      rss ? (median(list.map((s) => s.rssKB)) / 1024).toFixed(1) : '(same process)',
      String(xs.length),
    ]);
  };
  for (const tool of tools) {
    if (!tool.workloads.includes(workload)) continue;
    const list = samples[workload]?.[tool.id] ?? [];
    const fails = failures[workload]?.[tool.id] ?? [];
    if (tool.unavailable) {
      out.push([tool.label, tool.unavailable, '', '', '', '', '0']);
      if (tool.inProcessLabel) out.push([tool.inProcessLabel, tool.unavailable, '', '', '', '', '0']);
      continue;
    }
    if (!list.length) {
      const why = fails.length ? `failed: ${fails[0]}`.replace(/\|/g, '\\|') : 'no samples';
      out.push([tool.label, why, '', '', '', '', '0']);
      continue;
    }
    const note = fails.length ? ` (${fails.length} failed run${fails.length > 1 ? 's' : ''})` : '';
    add(tool.label + note, list, (s) => s.ms, (f) => f.ms);
    if (tool.inProcessLabel) {
      const inList = list.filter((s) => s.inMs != null);
      if (inList.length) add(tool.inProcessLabel, inList, (s) => s.inMs, (f) => f.inMs ?? NaN, false);
    }
  }
  const fl = samples[workload]?.floor?.filter((s) => s.inMs != null) ?? [];
  if (fl.length) {
    const xs = fl.map((s) => s.inMs);
    out.push(['↳ floor, in-process (connect .. end)', fmtMs(median(xs)), fmtMs(Math.min(...xs)), fmtMs(Math.max(...xs)), '1.00×', '(same process)', String(xs.length)]);
  }
  return out;
}

const cpuModel = (() => {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model ?? '?';
  }
})();
const dbmateVersion = (() => {
  const b = dbmateBinary();
  if (!b) return '?';
  return spawnSync(b, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^dbmate version /, '');
})();

const titles = {
  W1: `W1 — ${W.W1} generated migrations on a fresh database`,
  W2: `W2 — re-run with all ${W.W1} applied (app-boot no-op)`,
  W3: `W3 — ${W.W3} generated migrations on a fresh database (cutover's memory on a big directory)`,
};
const md = [];
md.push('# cutover benchmark results', '');
md.push(`Generated by \`npm run bench\` (\`node bench/run.js --runs ${RUNS} --only ${[...ONLY].join(',')}${opt['no-fsync'] ? ' --no-fsync' : ''}\`) — do not edit by hand.`, '');
md.push(`- Date: ${new Date().toISOString()}`);
md.push(`- Machine: ${os.availableParallelism?.() ?? os.cpus().length} CPUs (nproc), ${cpuModel}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}`);
md.push(`- Node ${process.version}; PostgreSQL ${pgVersion} (${ownServer ? `throw-away local server started by the bench, ${opt['no-fsync'] ? 'stock settings except --no-fsync' : 'stock settings'}` : 'BENCH_DATABASE_URL'}; fsync=${pgSettings.fsync}, synchronous_commit=${pgSettings.synchronous_commit}, full_page_writes=${pgSettings.full_page_writes}, shared_buffers=${pgSettings.shared_buffers}×8kB)`);
md.push(`- Tools: cutover ${cutoverBuilt ? JSON.parse(readFileSync(join(CUTOVER, 'package.json'), 'utf8')).version + (CUTOVER === REPO ? ' (this checkout)' : ` (${CUTOVER})`) : '(not built)'}, node-pg-migrate ${pkgVersion('node-pg-migrate')}, postgres-migrations ${pkgVersion('postgres-migrations')}, graphile-migrate ${pkgVersion('graphile-migrate')}, dbmate ${dbmateVersion}, pg ${pkgVersion('pg')}`);
md.push(`- Method: ${RUNS} interleaved runs (each run: every tool once; the order rotates by one tool per run), each tool run on its own fresh database (CREATE DATABASE per run; W2 re-runs on the database its own W1 run just migrated). Wall time = the whole process from spawn to exit, measured by the parent. Peak RSS: ${RSS_METHOD}, median over runs. Ratio = median over runs of (tool ÷ floor in the same run). Every W1/W3 run is verified afterwards (tables, views, functions, seeded rows). ${STRIPPED_ENV.length ? `Unset for the measured processes: ${STRIPPED_ENV.join(', ')} (machine set-up, not the tools').` : ''} Total bench time ${elapsed.toFixed(0)} s.`);
md.push('');
for (const w of ['W1', 'W2', 'W3']) {
  if (!ONLY.has(w)) continue;
  md.push(`## ${titles[w]}`, '');
  md.push('| tool | median ms | min ms | max ms | ratio to floor | peak RSS MB | runs |');
  md.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rowsFor(w)) md.push(`| ${r.join(' | ')} |`);
  md.push('');
}
md.push('## How each tool is run', '');
md.push('- **floor**: `node bench/floor.js --url URL --dir DIR` — one `pg` connection, `pg_advisory_lock`, read `floor_history`, then per pending file one round trip `BEGIN; <file>; INSERT INTO floor_history …; COMMIT`. No parsing or checksums.');
md.push('- **cutover CLI**: `node bin/cutover.js migrate --url URL --dir DIR --quiet`, run from the repo root.');
md.push('- **cutover library**: `node bench/runners/cutover-lib.js` — `import { migrate } from \'cutover\'; await migrate({ url, dir })`, through the package\'s entry point (dist/bundle/index.js); the in-process row times only the `migrate()` call (import excluded).');
md.push('- **node-pg-migrate**: `node-pg-migrate up --migrations-dir DIR --no-verbose` with `DATABASE_URL`; plain `.sql` files through its SQL loader. Its defaults apply: all pending migrations in ONE transaction (`--single-transaction` defaults to true), advisory lock on. The `--no-single-transaction` row (W1 only) runs one transaction per file, like the others.');
md.push('- **postgres-migrations**: no migrate CLI exists, so `node bench/runners/postgres-migrations.js` calls `migrate({ client }, dir)` with one `pg.Client`. Files `1_<name>.sql` …; one transaction per file.');
md.push('- **graphile-migrate**: `graphile-migrate migrate` in a directory with `.gmrc` and `migrations/committed/000001-<name>.sql` files whose `--! Previous` / `--! Hash` headers the generator computes with graphile-migrate\'s own hash rule (the tool re-verifies them on every run); one transaction per file.');
md.push('- **dbmate**: the native binary that the npm package `dbmate` ships as `@dbmate/linux-x64` (run directly, not through the package\'s node wrapper, which would add a node start-up), `dbmate --url URL?sslmode=disable --migrations-dir DIR --no-dump-schema migrate`; files `db/migrations/<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down`; one transaction per file. `--no-dump-schema` skips writing `schema.sql` with pg_dump after migrating.');
md.push('');
md.push(`Workload generator: \`bench/generate.js\` (deterministic; a cycle of create table, add columns, create indexes, 100-row INSERT, create view, create plpgsql function). Generated files: \`${relative(REPO, workDir)}/\` (git-ignored).`);
md.push('');
// The lock-safety section: this run's, or the one already in the file (kept, not lost).
lockBlock ??= existsSync(opt.out) ? /<!-- lock-safety:start -->[\s\S]*?<!-- lock-safety:end -->/.exec(readFileSync(opt.out, 'utf8'))?.[0] : undefined;
// The fleet sections (bench/fleet.js, long runs of their own) are kept as they are.
const fleetBlocks = existsSync(opt.out) ? [...readFileSync(opt.out, 'utf8').matchAll(/<!-- fleet:[^\n]*:begin -->[\s\S]*?<!-- fleet:[^\n]*:end -->/g)].map((m) => `\n${m[0]}\n`).join('') : '';
lintBlock ??= existsSync(opt.out) ? /<!-- lint:start -->[\s\S]*?<!-- lint:end -->/.exec(readFileSync(opt.out, 'utf8'))?.[0] : undefined;
// The live-traffic check, the chaos table, the large-file, network and start-up sections (lock-safety.js --rate, scripts/chaos.js, large-files.js, net.js, startup.js) are kept too.
const keptBlocks = existsSync(opt.out) ? ['live-traffic', 'chaos', 'large', 'net', 'net-notes', 'startup'].map((name) => new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`).exec(readFileSync(opt.out, 'utf8'))?.[0]).filter(Boolean).map((b) => `\n${b}\n`).join('') : '';
const text = md.join('\n') + (lockBlock ? `\n${lockBlock}\n` : '') + (lintBlock ? `\n${lintBlock}\n` : '') + keptBlocks + fleetBlocks;
if (!opt['no-write']) writeFileSync(opt.out, text);
console.log(text);
log(`bench: done in ${elapsed.toFixed(0)} s${opt['no-write'] ? '' : `; wrote ${relative(process.cwd(), opt.out) || opt.out}`}`);
