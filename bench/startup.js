#!/usr/bin/env node
// What the CLI loads before its first query, per path (issue 19, item 4).
//
//   node bench/startup.js [--runs 7] [--url URL] [--paths version,noop,…] [--repo DIR] [--write] [--json]
//
// Each path runs `node --import bench/lib/startup-probe.mjs bin/cutover.js …` from a
// scratch directory; the probe notes the first query (the first 'Q'/'P' message written
// to a socket) or, on paths without one, the exit: ms since the process started
// (performance.now(): Node.js's own boot included), RSS then. One more run per path with
// an ESM load hook lists the modules loaded by then (files of the bundle and node_modules,
// with their bytes; Node.js's built-ins are not counted). Medians over --runs, interleaved.
// --write puts the table in bench/RESULTS.md between <!-- startup:start/end --> markers.
// Needs a built checkout (npm run build) and a server: --url, else BENCH_DATABASE_URL or TEST_DATABASE_URL.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateMigrations } from './generate.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    url: { type: 'string' },
    paths: { type: 'string' },
    write: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    repo: { type: 'string' },
  },
});
// Which checkout to measure: this one, or --repo (another checkout, built: the "before" of a change).
const REPO = opt.repo ?? join(BENCH, '..');
const URL_BASE = opt.url ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!URL_BASE) throw new Error('bench/startup.js needs a server: --url, BENCH_DATABASE_URL or TEST_DATABASE_URL');
if (!existsSync(join(REPO, 'dist', 'bundle', 'cli', 'bin.js'))) throw new Error('build first: npm run build');
const RUNS = Number(opt.runs);
const work = join(BENCH, '.work', 'startup');
const PROBE = join(BENCH, 'lib', 'startup-probe.mjs');
const APPLIED = 10; // files applied before the measured runs; one more is pending

const urlFor = (database) => {
  const u = new URL(URL_BASE);
  u.pathname = `/${database}`;
  return u.toString();
};
async function admin(fn) {
  const client = new pg.Client({ connectionString: URL_BASE });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// Two directories of the generated set: the first APPLIED files, and those plus one.
rmSync(work, { recursive: true, force: true });
const migrations = generateMigrations(APPLIED + 1);
const dirs = { applied: join(work, 'applied'), pending: join(work, 'pending') };
for (const [name, dir] of Object.entries(dirs)) {
  mkdirSync(dir, { recursive: true });
  for (const m of migrations.slice(0, name === 'applied' ? APPLIED : APPLIED + 1)) writeFileSync(join(dir, `${String(m.index).padStart(4, '0')}_${m.name}.sql`), m.sql);
}
const base = `startup_${process.pid}`;
const DATABASE_ENV = ['DATABASE_URL', 'DB_SCHEMA', 'CUTOVER_DIR', 'NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', ...Object.keys(process.env).filter((k) => /^PG[A-Z]+$/.test(k))];
const env = { ...process.env, CI: '1' };
for (const key of DATABASE_ENV) delete env[key];

function cli(args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PROBE, join(REPO, 'bin', 'cutover.js'), ...args], { cwd: work, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, wall: performance.now() - started, output }));
  });
}

/** The measured paths: their arguments, and what to do before each run. */
const PATHS = {
  version: { label: '`--version`', args: () => ['--version'] },
  help: { label: '`--help`', args: () => ['--help'] },
  noop: { label: '`migrate`, nothing pending', args: () => ['migrate', '--url', urlFor(`${base}_done`), '--dir', dirs.applied, '--quiet'] },
  pending: {
    label: '`migrate`, one file pending',
    setup: async (i) => admin((c) => c.query(`CREATE DATABASE ${base}_run${i} TEMPLATE ${base}_done`)),
    args: (i) => ['migrate', '--url', urlFor(`${base}_run${i}`), '--dir', dirs.pending, '--quiet'],
    teardown: async (i) => admin((c) => c.query(`DROP DATABASE ${base}_run${i}`)),
  },
  plan: { label: '`plan`, one file pending', args: () => ['plan', '--url', urlFor(`${base}_done`), '--dir', dirs.pending] },
  status: { label: '`status`', args: () => ['status', '--url', urlFor(`${base}_done`), '--dir', dirs.applied] },
  lint: { label: `\`lint\`, ${APPLIED + 1} files, offline`, args: () => ['lint', '--dir', dirs.pending], codes: [0, 3] },
};
const chosen = opt.paths ? opt.paths.split(',') : Object.keys(PATHS);

/** One run of a path: the probe's note (ms, RSS, the first query or exit) and the wall time. */
async function once(id, i, modulesFile) {
  const path = PATHS[id];
  await path.setup?.(i);
  const out = join(work, `probe-${id}-${i}.jsonl`);
  rmSync(out, { force: true });
  try {
    const r = await cli(path.args(i), { STARTUP_PROBE_OUT: out, ...(modulesFile ? { STARTUP_PROBE_MODULES: modulesFile } : {}) });
    if (!(path.codes ?? [0]).includes(r.code)) throw new Error(`${id}: exit ${r.code}\n${r.output}`);
    const notes = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const exit = notes.find((n) => n.at === 'exit');
    return { ...notes[0], wall: r.wall, totalCpuMs: exit.cpuMs, peakKB: exit.maxRssKB };
  } finally {
    await path.teardown?.(i);
  }
}

/** The modules loaded before the note: ES modules from the hook's list, CommonJS ones from require.cache. */
async function modules(id) {
  const file = join(work, `modules-${id}.jsonl`);
  rmSync(file, { force: true });
  const note = await once(id, 'm', file);
  const esm = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((m) => m.url.startsWith('file:') && m.stamp <= note.stamp && !m.url.endsWith('startup-probe.mjs'));
  const files = new Map();
  for (const m of esm) files.set(fileURLToPath(m.url), m.bytes);
  for (const m of note.cjs) files.set(m.url, m.bytes);
  const list = [...files.keys()];
  return {
    count: files.size,
    kB: [...files.values()].reduce((a, b) => a + b, 0) / 1024,
    pg: list.some((f) => f.includes('/node_modules/pg/')),
    parser: list.some((f) => f.includes('/node_modules/libpg-query/')),
    list,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

await admin(async (c) => {
  await c.query(`CREATE DATABASE ${base}_done`);
});
try {
  const done = await cli(['migrate', '--url', urlFor(`${base}_done`), '--dir', dirs.applied, '--quiet']);
  if (done.code !== 0) throw new Error(`set-up migrate failed:\n${done.output}`);
  const samples = Object.fromEntries(chosen.map((id) => [id, []]));
  await once(chosen[0], 'warm'); // the first process start after a build reads cold files
  for (let r = 0; r < RUNS; r++) {
    // Interleaved, the order rotating, so that load on the machine spreads over every path.
    for (let k = 0; k < chosen.length; k++) {
      const id = chosen[(k + r) % chosen.length];
      samples[id].push(await once(id, r));
    }
  }
  const rows = [];
  for (const id of chosen) {
    const s = samples[id];
    const m = (key) => median(s.map((x) => x[key]));
    rows.push({ id, label: PATHS[id].label, at: s[0].at, ms: m('ms'), cpuMs: m('cpuMs'), rssMB: m('rssKB') / 1024, wall: m('wall'), totalCpuMs: m('totalCpuMs'), peakMB: m('peakKB') / 1024, modules: await modules(id) });
  }
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const md = [
    '<!-- startup:start -->',
    '## Start-up: what the CLI loads before its first query',
    '',
    `Generated by \`node bench/startup.js --runs ${RUNS}\` on ${new Date().toISOString()}: ${os.cpus().length} CPUs, load average ${load}, Node ${process.version}. Medians of ${RUNS} interleaved runs per path. "Until": the first query (the first protocol message 'Q'/'P' the process writes to a socket) or, on paths without one, the exit; ms and CPU ms since the process started (Node.js's own boot included), RSS then; modules = files of the bundle and of node_modules loaded by then, with their size (Node.js's built-ins not counted; libpg-query's .wasm is read, not imported: not counted). Whole process: spawn to exit as the parent sees it, the process's CPU, its peak RSS.`,
    '',
    '| path | until | ms | CPU ms | RSS MB | modules | kB | pg | libpg-query | whole process: wall ms | CPU ms | peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${r.at === 'query' ? 'first query' : 'exit'} | ${r.ms.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.rssMB.toFixed(1)} | ${r.modules.count} | ${r.modules.kB.toFixed(0)} | ${r.modules.pg ? 'yes' : 'no'} | ${r.modules.parser ? 'yes' : 'no'} | ${r.wall.toFixed(0)} | ${r.totalCpuMs.toFixed(0)} | ${r.peakMB.toFixed(1)} |`),
    '<!-- startup:end -->',
  ].join('\n');
  if (opt.json) console.log(JSON.stringify(rows, null, 2));
  else console.log(md);
  if (opt.write) {
    const file = join(BENCH, 'RESULTS.md');
    const text = readFileSync(file, 'utf8');
    const block = /<!-- startup:start -->[\s\S]*?<!-- startup:end -->/;
    writeFileSync(file, block.test(text) ? text.replace(block, md) : `${text.trimEnd()}\n\n${md}\n`);
  }
} finally {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${base}_done`));
}
