#!/usr/bin/env node
// What the CLI loads before its first query, per path, and its peak RSS on 1,000 files (issue 19, item 4).
//
//   node bench/startup.js [--runs 7] [--url URL] [--paths version,noop,…] [--before DIR] [--rss-runs 3] [--write] [--json]
//
// Each path runs `node --import bench/lib/startup-probe.mjs bin/cutover.js …` from a
// scratch directory; the probe notes the first query (the first 'Q'/'P' message written
// to a socket) or, on paths without one, the exit: ms and CPU ms since the process started
// (Node.js's own boot included), RSS then. One more run per path with an ESM load hook
// lists the modules loaded by then (files of the bundle and of node_modules, with their
// bytes; Node.js's built-ins are not counted). Medians over --runs, interleaved.
// --before DIR: another checkout (built), measured the same way in the same rounds, for a
// before/after table. --rss-runs N (default 3, 0 = skip): peak RSS (GNU time %M: the largest
// process of the tree, the parser's child included) of `migrate` on a fresh database and
// `lint`, each on bench/generate.js's 1,000 files.
// --write puts the tables in bench/RESULTS.md between <!-- startup:start/end --> markers.
// Needs built checkouts (npm run build) and a server: --url, else BENCH_DATABASE_URL or TEST_DATABASE_URL.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateMigrations, writeLayouts } from './generate.js';
import { measure, STRIPPED_ENV, TIME_BIN } from './lib/measure.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    'rss-runs': { type: 'string', default: '3' },
    url: { type: 'string' },
    paths: { type: 'string' },
    before: { type: 'string' },
    write: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const TARGETS = [
  ...(opt.before ? [{ id: 'before', repo: resolve(opt.before) }] : []),
  { id: opt.before ? 'after' : 'this', repo: join(BENCH, '..') },
];
const URL_BASE = opt.url ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!URL_BASE) throw new Error('bench/startup.js needs a server: --url, BENCH_DATABASE_URL or TEST_DATABASE_URL');
for (const t of TARGETS) if (!existsSync(join(t.repo, 'dist', 'bundle', 'cli', 'bin.js'))) throw new Error(`build ${t.repo} first: npm run build`);
const RUNS = Number(opt.runs);
const RSS_RUNS = Number(opt['rss-runs']);
const work = join(BENCH, '.work', 'startup');
const PROBE = join(BENCH, 'lib', 'startup-probe.mjs');
const APPLIED = 10; // files applied before the measured runs; one more is pending
const BIG = 1000;

const urlFor = (database) => {
  const u = new URL(URL_BASE);
  u.pathname = `/${database}`;
  return u.toString();
};
async function admin(sql) {
  const client = new pg.Client({ connectionString: URL_BASE });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// The generated set: the first APPLIED files, those plus one, and BIG files.
rmSync(work, { recursive: true, force: true });
const migrations = generateMigrations(APPLIED + 1);
const dirs = { applied: join(work, 'applied'), pending: join(work, 'pending') };
for (const [name, dir] of Object.entries(dirs)) {
  mkdirSync(dir, { recursive: true });
  for (const m of migrations.slice(0, name === 'applied' ? APPLIED : APPLIED + 1)) writeFileSync(join(dir, `${String(m.index).padStart(4, '0')}_${m.name}.sql`), m.sql);
}
const base = `startup_${process.pid}`;
const DATABASE_ENV = ['DATABASE_URL', 'DB_SCHEMA', 'CUTOVER_DIR', 'NODE_OPTIONS', ...STRIPPED_ENV, ...Object.keys(process.env).filter((k) => /^PG[A-Z]+$/.test(k))];
// Cold by default: no verdict cache (issue 19.1; an older checkout ignores the variable). The
// `cached` paths use a cache of their own, filled by one run first.
const env = { ...process.env, CI: '1', CUTOVER_CACHE: 'false' };
const cached = { CUTOVER_CACHE: 'true', CUTOVER_CACHE_DIR: join(work, 'cache') };
for (const key of DATABASE_ENV) delete env[key];

function cli(target, args, extraEnv = {}) {
  return new Promise((done, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PROBE, join(target.repo, 'bin', 'cutover.js'), ...args], { cwd: work, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => done({ code, wall: performance.now() - started, output }));
  });
}

/** The measured paths: their arguments, and what to do before and after each run. */
const PATHS = {
  version: { label: '`--version`', args: () => ['--version'] },
  help: { label: '`--help`', args: () => ['--help'] },
  noop: { label: '`migrate`, nothing pending', args: () => ['migrate', '--url', urlFor(`${base}_done`), '--dir', dirs.applied, '--quiet'] },
  pending: {
    label: '`migrate`, one file pending',
    setup: (run) => admin(`CREATE DATABASE ${base}_${run} TEMPLATE ${base}_done`),
    args: (run) => ['migrate', '--url', urlFor(`${base}_${run}`), '--dir', dirs.pending, '--quiet'],
    teardown: (run) => admin(`DROP DATABASE ${base}_${run}`),
  },
  plan: { label: '`plan`, one file pending', args: () => ['plan', '--url', urlFor(`${base}_done`), '--dir', dirs.pending] },
  status: { label: '`status`', args: () => ['status', '--url', urlFor(`${base}_done`), '--dir', dirs.applied] },
  lint: { label: `\`lint\`, ${APPLIED + 1} files, offline`, args: () => ['lint', '--dir', dirs.pending], codes: [0, 3] },
  'pending-cached': {
    label: '`migrate`, one file pending, verdict cached', env: cached,
    setup: (run) => admin(`CREATE DATABASE ${base}_${run} TEMPLATE ${base}_done`),
    args: (run) => ['migrate', '--url', urlFor(`${base}_${run}`), '--dir', dirs.pending, '--quiet'],
    teardown: (run) => admin(`DROP DATABASE ${base}_${run}`),
  },
  'lint-cached': { label: `\`lint\`, ${APPLIED + 1} files, offline, verdicts cached`, env: cached, args: () => ['lint', '--dir', dirs.pending], codes: [0, 3] },
};
const chosen = opt.paths ? opt.paths.split(',') : Object.keys(PATHS);

/** One run of a path: the probe's first note (the first query, else the exit), the exit's totals, the wall time. */
async function once(target, id, run, modulesFile) {
  const path = PATHS[id];
  const name = `${target.id}_${run}`;
  await path.setup?.(name);
  const out = join(work, `probe-${id}-${name}.jsonl`);
  rmSync(out, { force: true });
  try {
    const r = await cli(target, path.args(name), { ...path.env, STARTUP_PROBE_OUT: out, ...(modulesFile ? { STARTUP_PROBE_MODULES: modulesFile } : {}) });
    if (!(path.codes ?? [0]).includes(r.code)) throw new Error(`${target.id} ${id}: exit ${r.code}\n${r.output}`);
    const notes = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const exit = notes.find((n) => n.at === 'exit');
    const parserByExit = exit.cjs.some((m) => /node_modules[\\/]libpg-query[\\/]/.test(m.url));
    return { ...notes[0], wall: r.wall, totalCpuMs: exit.cpuMs, peakKB: exit.maxRssKB, parserByExit };
  } finally {
    await path.teardown?.(name);
  }
}

/** The modules loaded before the note: ES modules from the hook's list, CommonJS ones from require.cache. */
async function modules(target, id) {
  const file = join(work, `modules-${id}-${target.id}.jsonl`);
  rmSync(file, { force: true });
  const note = await once(target, id, 'modules', file);
  const esm = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.url.startsWith('file:') && m.stamp <= note.stamp && !m.url.endsWith('startup-probe.mjs'));
  const files = new Map();
  for (const m of esm) files.set(fileURLToPath(m.url), m.bytes);
  for (const m of note.cjs) files.set(m.url, m.bytes);
  const list = [...files.keys()];
  return {
    count: files.size,
    kB: [...files.values()].reduce((a, b) => a + b, 0) / 1024,
    pg: list.some((f) => /node_modules[\\/]pg[\\/]/.test(f)),
    parser: list.some((f) => /node_modules[\\/]libpg-query[\\/]/.test(f)),
    list,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Peak RSS (MB, GNU time) of `migrate` fresh and `lint` on BIG generated files, medians of RSS_RUNS interleaved runs. */
async function bigRuns() {
  const dir = writeLayouts(join(work, `gen-${BIG}`), generateMigrations(BIG), ['cutover']).cutover;
  const peaks = Object.fromEntries(TARGETS.map((t) => [t.id, { migrate: [], lint: [] }]));
  for (let run = 0; run < RSS_RUNS; run++) {
    for (const target of run % 2 ? [...TARGETS].reverse() : TARGETS) {
      const database = `${base}_big_${target.id}_${run}`;
      await admin(`CREATE DATABASE ${database}`);
      try {
        const bin = join(target.repo, 'bin', 'cutover.js');
        const migrate = await measure({ file: process.execPath, args: [bin, 'migrate', '--url', urlFor(database), '--dir', dir, '--quiet'], cwd: work, env: { CI: '1', CUTOVER_CACHE: 'false' } });
        if (!migrate.ok) throw new Error(`${target.id} migrate ${BIG}: ${migrate.stderr}`);
        const lint = await measure({ file: process.execPath, args: [bin, 'lint', '--dir', dir, '--output', 'json'], cwd: work, env: { CI: '1', CUTOVER_CACHE: 'false' } });
        if (lint.code !== 0 && lint.code !== 3) throw new Error(`${target.id} lint ${BIG}: ${lint.stderr}`);
        peaks[target.id].migrate.push({ mb: migrate.rssKB / 1024, ms: migrate.ms });
        peaks[target.id].lint.push({ mb: lint.rssKB / 1024, ms: lint.ms });
      } finally {
        await admin(`DROP DATABASE IF EXISTS ${database}`);
      }
    }
  }
  return Object.fromEntries(Object.entries(peaks).map(([id, p]) => [id, Object.fromEntries(Object.entries(p).map(([k, v]) => [k, { mb: median(v.map((x) => x.mb)), ms: median(v.map((x) => x.ms)) }]))]));
}

await admin(`CREATE DATABASE ${base}_done`);
try {
  const done = await cli(TARGETS[0], ['migrate', '--url', urlFor(`${base}_done`), '--dir', dirs.applied, '--quiet']);
  if (done.code !== 0) throw new Error(`set-up migrate failed:\n${done.output}`);
  const samples = Object.fromEntries(TARGETS.map((t) => [t.id, Object.fromEntries(chosen.map((id) => [id, []]))]));
  // The first start after a build reads cold files; the cached paths fill their cache.
  for (const target of TARGETS) for (const id of chosen.filter((p, i) => i === 0 || PATHS[p].env)) await once(target, id, 'warm');
  for (let r = 0; r < RUNS; r++) {
    // Interleaved, the order rotating, so that load on the machine spreads over every path and checkout.
    for (let k = 0; k < chosen.length; k++) {
      const id = chosen[(k + r) % chosen.length];
      for (const target of r % 2 ? [...TARGETS].reverse() : TARGETS) samples[target.id][id].push(await once(target, id, r));
    }
  }
  const rows = [];
  for (const id of chosen) {
    for (const target of TARGETS) {
      const s = samples[target.id][id];
      const m = (key) => median(s.map((x) => x[key]));
      rows.push({ id, target: target.id, label: PATHS[id].label, at: s[0].at, parserByExit: s.every((x) => x.parserByExit), ms: m('ms'), cpuMs: m('cpuMs'), rssMB: m('rssKB') / 1024, wall: m('wall'), totalCpuMs: m('totalCpuMs'), peakMB: m('peakKB') / 1024, modules: await modules(target, id) });
    }
  }
  const big = RSS_RUNS > 0 ? await bigRuns() : undefined;
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const two = TARGETS.length === 2;
  const cell = (id, f) => rows.filter((r) => r.id === id).map(f).join(' → ');
  const md = [
    '<!-- startup:start -->',
    '## Start-up: what the CLI loads before its first query, and its peak RSS on 1,000 files',
    '',
    `Generated by \`node bench/startup.js --runs ${RUNS}${opt.before ? ' --before <checkout>' : ''} --rss-runs ${RSS_RUNS}\` on ${new Date().toISOString()}: ${os.cpus().length} CPUs, load average ${load}, Node ${process.version}${two ? `; before = ${TARGETS[0].repo}, after = this checkout` : ''}. Medians of ${RUNS} interleaved runs per path${two ? ' and checkout' : ''}. "Until": the first query (the first protocol message 'Q'/'P' the process writes to a socket) or, on paths without one, the exit; ms and CPU ms since the process started (Node.js's own boot included), RSS then; modules = files of the bundle and of node_modules loaded by then, with their size (Node.js's built-ins not counted; libpg-query's .wasm is read, not imported: not counted). Whole process: its CPU and peak RSS${two ? '. Cells read before → after' : ''}.`,
    '',
    '| path | until | ms | CPU ms | RSS MB | modules | kB | pg | libpg-query | whole process: CPU ms | peak RSS MB | libpg-query by exit |',
    '|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---|',
    ...chosen.map((id) => `| ${PATHS[id].label} | ${rows.find((r) => r.id === id).at === 'query' ? 'first query' : 'exit'} | ${cell(id, (r) => r.ms.toFixed(0))} | ${cell(id, (r) => r.cpuMs.toFixed(0))} | ${cell(id, (r) => r.rssMB.toFixed(1))} | ${cell(id, (r) => r.modules.count)} | ${cell(id, (r) => r.modules.kB.toFixed(0))} | ${cell(id, (r) => (r.modules.pg ? 'yes' : 'no'))} | ${cell(id, (r) => (r.modules.parser ? 'yes' : 'no'))} | ${cell(id, (r) => r.totalCpuMs.toFixed(0))} | ${cell(id, (r) => r.peakMB.toFixed(1))} | ${cell(id, (r) => (r.parserByExit ? 'yes' : 'no'))} |`),
    ...(big ? [
      '',
      `Peak RSS on ${BIG} files (bench/generate.js), ${TIME_BIN ? 'GNU time %M: the largest process of the tree, the parser\'s child included' : 'VmHWM polled'}; medians of ${RSS_RUNS} interleaved runs (target ≤ 80 MB):`,
      '',
      '| run | peak RSS MB | wall ms |',
      '|---|---:|---:|',
      ...['migrate', 'lint'].map((k) => `| \`${k === 'migrate' ? 'migrate`, fresh database' : 'lint`, offline'} | ${TARGETS.map((t) => big[t.id][k].mb.toFixed(1)).join(' → ')} | ${TARGETS.map((t) => big[t.id][k].ms.toFixed(0)).join(' → ')} |`),
    ] : []),
    '<!-- startup:end -->',
  ].join('\n');
  if (opt.json) console.log(JSON.stringify({ rows, big }, null, 2));
  else console.log(md);
  if (opt.write) {
    const file = join(BENCH, 'RESULTS.md');
    const text = readFileSync(file, 'utf8');
    const block = /<!-- startup:start -->[\s\S]*?<!-- startup:end -->/;
    writeFileSync(file, block.test(text) ? text.replace(block, md) : `${text.trimEnd()}\n\n${md}\n`);
  }
} finally {
  await admin(`DROP DATABASE IF EXISTS ${base}_done`);
}
