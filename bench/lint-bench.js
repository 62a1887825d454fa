#!/usr/bin/env node
// W-LINT: 1,000 generated migration files (mixed safe and unsafe) linted by
// cutover (`cutover lint --output json`, this checkout's bin/cutover.js) and by
// squawk (`squawk-cli` from npm, bench/package.json), the same files,
// interleaved runs (the order alternates). Wall time from spawn to exit, peak
// RSS as in run.js (bench/lib/measure.js). Then, on the same corpus, where the
// two disagree, per kind of statement, with the server-verified truth from
// cutover's facts table (proven by test/lint/facts-server.test.ts).
//
//   node bench/lint-bench.js [--runs 5] [--files 1000] [--no-write] [--out bench/RESULTS.md] [--json FILE]
//
// cutover runs cold (CUTOVER_CACHE_DIR an empty directory of its own per run)
// and, when the build has the verdict cache, cold with the cache off
// (CUTOVER_CACHE=false: nothing written) and with verdicts (a cache filled by
// one unmeasured run first). --json writes the medians and ratios (bench/net.js).
//
// Prints a `<!-- lint:start --> … <!-- lint:end -->` section; run.js (workload
// LINT) puts it into RESULTS.md, and so does this script unless --no-write.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hasVerdictCache } from './lib/cutover-build.js';
import { measure } from './lib/measure.js';
import { median } from './lib/stats.js';

const BENCH = import.meta.dirname;
// The cutover measured: this checkout, or BENCH_CUTOVER_ROOT (another checkout or an install with bin/ and dist/).
const REPO = process.env.BENCH_CUTOVER_ROOT ? resolve(process.env.BENCH_CUTOVER_ROOT) : join(BENCH, '..');
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    files: { type: 'string', default: '1000' },
    out: { type: 'string', default: join(BENCH, 'RESULTS.md') },
    'no-write': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const RUNS = Number(opt.runs);
const FILES = Number(opt.files);
const log = (...a) => console.error(...a);
// squawk as installed from npm: the package's bin (a node launcher of the native binary in @squawk-cli/<platform>).
const SQUAWK = join(BENCH, 'node_modules', '.bin', 'squawk');
const SQUAWK_VERSION = (() => {
  try {
    return JSON.parse(readFileSync(join(BENCH, 'node_modules', 'squawk-cli', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
})();

// Each kind: a file body for table n (tables come from the kind `create` earlier in the
// corpus), and the truth as the server shows it (the facts table's claim, proven on
// PostgreSQL 15 and 18 by test/lint/facts-server.test.ts).
const KINDS = [
  { id: 'create', sql: (t) => `CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ref_id bigint, name varchar(20), amount numeric(10, 2), note text);`, truth: 'no lock on an existing table' },
  { id: 'create-index', sql: (t) => `CREATE INDEX ${t}_name_idx ON ${t} (name);`, truth: 'SHARE on the table (writes blocked) for the whole build' },
  { id: 'create-index-concurrently', header: '-- cutover:no-transaction', sql: (t) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_note_idx ON ${t} (note);`, truth: 'SHARE UPDATE EXCLUSIVE: reads and writes continue' },
  { id: 'add-column-constant-default', sql: (t) => `ALTER TABLE ${t} ADD COLUMN active boolean NOT NULL DEFAULT true;`, truth: 'ACCESS EXCLUSIVE, brief: no rewrite, no scan (PG 11+)' },
  { id: 'add-column-volatile-default', sql: (t) => `ALTER TABLE ${t} ADD COLUMN token uuid DEFAULT gen_random_uuid();`, truth: 'ACCESS EXCLUSIVE + table rewrite (new relfilenode)' },
  { id: 'varchar-to-text', header: '-- cutover:phase post', sql: (t) => `ALTER TABLE ${t} ALTER COLUMN name TYPE text;`, truth: 'ACCESS EXCLUSIVE, brief: binary-coercible, no rewrite (relfilenode unchanged)' },
  { id: 'numeric-widen', header: '-- cutover:phase post', sql: (t) => `ALTER TABLE ${t} ALTER COLUMN amount TYPE numeric(12, 2);`, truth: 'ACCESS EXCLUSIVE, brief: no rewrite' },
  { id: 'numeric-to-bigint', header: '-- cutover:phase post', sql: (t) => `ALTER TABLE ${t} ALTER COLUMN amount TYPE bigint;`, truth: 'ACCESS EXCLUSIVE + table rewrite' },
  { id: 'fk-not-valid', sql: (t) => `ALTER TABLE ${t} ADD CONSTRAINT ${t}_ref_fk FOREIGN KEY (ref_id) REFERENCES ${t} (id) NOT VALID;`, truth: 'SHARE ROW EXCLUSIVE on both tables, brief, no scan' },
  { id: 'drop-fk', sql: (t) => `ALTER TABLE ${t} DROP CONSTRAINT ${t}_ref_fk;`, truth: 'ACCESS EXCLUSIVE on the table and on the referenced table' },
  { id: 'add-column-check', sql: (t) => `ALTER TABLE ${t} ADD COLUMN qty int DEFAULT 1 CHECK (qty > 0);`, truth: 'ACCESS EXCLUSIVE + full scan to validate the CHECK' },
  { id: 'set-unlogged', sql: (t) => `ALTER TABLE ${t} SET UNLOGGED;`, truth: 'ACCESS EXCLUSIVE + table rewrite' },
  { id: 'refresh-matview', sql: (t) => `REFRESH MATERIALIZED VIEW ${t}_mv;`, truth: 'ACCESS EXCLUSIVE on the view + rewrite: reads of the view blocked' },
  { id: 'drop-column-post', header: '-- cutover:phase post', sql: (t) => `ALTER TABLE ${t} DROP COLUMN note;`, truth: 'ACCESS EXCLUSIVE, brief; safe after the deploy (contract phase)' },
  { id: 'drop-column-pre', sql: (t) => `ALTER TABLE ${t} DROP COLUMN note;`, truth: 'ACCESS EXCLUSIVE, brief; breaks the old app version still running (pre phase)' },
  { id: 'backfill-all', sql: (t) => `UPDATE ${t} SET note = '';`, truth: 'ROW EXCLUSIVE, every row locked until commit, full scan' },
  { id: 'vacuum-full', header: '-- cutover:no-transaction', sql: (t) => `VACUUM FULL ${t};`, truth: 'ACCESS EXCLUSIVE + table rewrite' },
  { id: 'set-not-null-post', header: '-- cutover:phase post', sql: (t) => `ALTER TABLE ${t} ALTER COLUMN ref_id SET NOT NULL;`, truth: 'ACCESS EXCLUSIVE + full scan (no validated CHECK)' },
  { id: 'attach-partition', sql: (t) => `ALTER TABLE ${t}_p ATTACH PARTITION ${t}_p1 FOR VALUES FROM (0) TO (100);`, truth: 'SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE + scan on the partition' },
  { id: 'lock-timeout-0', sql: () => 'SET lock_timeout = 0;', truth: 'no limit: a blocked ALTER waits forever, traffic queues behind it' },
];

/** Style rules (types, not locks): shown, but not counted as a verdict on the lock. */
const STYLE = /^prefer-(text|text-field|timestamptz|bigint|bigint-over-int|bigint-over-smallint|identity|bigint-identity)$/;

/** Squawk rules about its own procedure (set timeouts, robust statements): cutover sets lock_timeout per migration itself. */
const SQUAWK_PROCEDURAL = new Set(['require-lock-timeout', 'require-statement-timeout', 'prefer-robust-stmts', 'require-timeout-settings']);

function generate(dir) {
  const kinds = [];
  const perTable = KINDS.length;
  for (let i = 0; i < FILES; i++) {
    const kind = KINDS[i % perTable];
    const t = `t${String(Math.floor(i / perTable)).padStart(4, '0')}`;
    const name = `${String(i + 1).padStart(5, '0')}_${kind.id.replace(/-/g, '_')}_${t}.sql`;
    writeFileSync(join(dir, name), `${kind.header ? `${kind.header}\n` : ''}${kind.sql(t)}\n`);
    kinds.push({ name, kind: kind.id });
  }
  return kinds;
}

async function main() {
  if (!existsSync(join(REPO, 'dist', 'bundle', 'cli', 'bin.js'))) throw new Error('build cutover first: npm run build');
  const squawk = existsSync(SQUAWK) ? SQUAWK : undefined;
  if (!squawk) log('lint-bench: squawk binary not found (npm --prefix bench install squawk-cli): cutover only');
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-lint-'));
  const corpus = generate(dir);
  const files = corpus.map((c) => join(dir, c.name));
  // Start-up alone: the same command on a directory holding the first file only.
  const one = mkdtempSync(join(os.tmpdir(), 'bench-lint-one-'));
  writeFileSync(join(one, corpus[0].name), readFileSync(files[0]));
  // Cold: an empty cache directory per run; with verdicts: one cache, filled by an unmeasured run first.
  const caches = mkdtempSync(join(os.tmpdir(), 'bench-lint-cache-'));
  let cold = 0;
  const lint = (target, cacheDir, env = {}) => measure({ file: process.execPath, args: [join(REPO, 'bin', 'cutover.js'), 'lint', '--dir', target, '--output', 'json'], cwd: REPO, env: { CUTOVER_CACHE_DIR: cacheDir, ...env } });
  const verdicts = hasVerdictCache(REPO);
  if (verdicts) await lint(dir, join(caches, 'warm'));
  const tools = {
    'cutover-1-file': () => lint(one, join(caches, `cold-${++cold}`)),
    cutover: () => lint(dir, join(caches, `cold-${++cold}`)),
    ...(verdicts ? { 'cutover-verdicts': () => lint(dir, join(caches, 'warm')), 'cutover-no-cache': () => lint(dir, join(caches, `cold-${++cold}`), { CUTOVER_CACHE: 'false' }) } : {}),
    ...(squawk ? { squawk: () => measure({ file: squawk, args: ['--reporter', 'json', ...files], cwd: dir }) } : {}),
  };
  const results = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
  const outputs = {};
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? Object.keys(tools) : Object.keys(tools).reverse();
    for (const tool of order) {
      const r = await tools[tool]();
      results[tool].push(r);
      outputs[tool] ??= r.stdout;
      log(`lint-bench: run ${run + 1} ${tool} ${r.ms.toFixed(0)} ms (exit ${r.code})`);
    }
  }

  // Findings per file, per tool.
  const byFile = { cutover: new Map(), squawk: new Map() };
  for (const f of JSON.parse(outputs.cutover).findings) {
    if (!byFile.cutover.has(f.file)) byFile.cutover.set(f.file, new Set());
    byFile.cutover.get(f.file).add(f.rule);
  }
  if (outputs.squawk) {
    for (const f of JSON.parse(outputs.squawk)) {
      const file = f.file.split('/').pop();
      if (SQUAWK_PROCEDURAL.has(f.rule_name)) continue;
      if (!byFile.squawk.has(file)) byFile.squawk.set(file, new Set());
      byFile.squawk.get(file).add(f.rule_name);
    }
  }
  const rows = KINDS.map((kind) => {
    const mine = corpus.filter((c) => c.kind === kind.id);
    const rules = (tool) => [...new Set(mine.flatMap((c) => [...(byFile[tool].get(c.name) ?? [])]))].sort();
    const flagged = (tool) => mine.filter((c) => [...(byFile[tool].get(c.name) ?? [])].some((r) => !STYLE.test(r))).length;
    return { kind, n: mine.length, cutover: rules('cutover'), squawk: rules('squawk'), cutoverFlagged: flagged('cutover'), squawkFlagged: flagged('squawk') };
  });

  const md = ['<!-- lint:start -->', '## W-LINT — 1,000 generated migration files linted: cutover vs squawk', ''];
  md.push(`Generated by \`node bench/lint-bench.js --runs ${RUNS} --files ${FILES}\` (also \`npm run bench\`, workload LINT) on ${new Date().toISOString()}: ${os.cpus().length} CPUs, Node ${process.version}, squawk-cli ${SQUAWK_VERSION ?? 'not installed'} (from npm: its bin, a node launcher of the native binary in @squawk-cli/linux-x64), cutover this checkout (\`node bin/cutover.js lint --format json\`, offline). ${FILES} files, ${KINDS.length} kinds of statement in rotation (tables created by earlier files), the same files for both; ${RUNS} interleaved runs, the order alternating. Wall time = spawn to exit; peak RSS as in the tables above.`);
  md.push('', '| tool | median ms | min ms | max ms | peak RSS MB (median) | runs |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [tool, rs] of Object.entries(results)) {
    const ms = rs.map((r) => r.ms);
    md.push(`| ${{ cutover: 'cutover lint, cold (an empty cache: it writes 1,000 verdicts)', 'cutover-no-cache': 'cutover lint, cold, `CUTOVER_CACHE=false` (nothing written)', 'cutover-verdicts': 'cutover lint, with verdicts', 'cutover-1-file': '↳ cutover lint, 1 file, cold (start-up: node, the CLI, the parser\'s WASM)' }[tool] ?? `squawk ${SQUAWK_VERSION} (npm bin)`} | ${median(ms).toFixed(0)} | ${Math.min(...ms).toFixed(0)} | ${Math.max(...ms).toFixed(0)} | ${(median(rs.map((r) => r.rssKB)) / 1024).toFixed(1)} | ${rs.length} |`);
  }
  if (results.squawk) {
    const toSquawk = (k) => median(results[k].map((r, i) => r.ms / results.squawk[i].ms));
    const ratio = toSquawk('cutover');
    const withVerdicts = results['cutover-verdicts'] ? ` With verdicts: **${toSquawk('cutover-verdicts').toFixed(2)}×** (target ≤ 1.00×: ${toSquawk('cutover-verdicts') <= 1 ? 'met' : '**not met**'}).` : '';
    const perFile = (median(results.cutover.map((r) => r.ms)) - median(results['cutover-1-file'].map((r) => r.ms))) / (FILES - 1);
    md.push('', `cutover ÷ squawk, median of per-run ratios: cold **${ratio.toFixed(2)}×** (target ≤ 2.00×: ${ratio <= 2 ? 'met' : '**not met**'}).${withVerdicts} Most of cutover's time is start-up, paid once per run (the 1-file row): node itself, loading the CLI, and compiling libpg-query's 1.7 MB WASM (in the CLI's own process, with V8's Liftoff compiler alone, started first so that it compiles while the CLI reads the files: src/sql/parse-host.ts); each further file costs about ${perFile.toFixed(2)} ms (parsed 16 files per call of the parser, linted as the chunks come back: src/sql/split-many.ts). squawk is a native binary started by a small node launcher.`);
  }
  md.push('', '### Where they disagree, against the server', '');
  md.push(`Per kind of statement (${Math.round(FILES / KINDS.length)} files each): the rules each tool reported (squawk's procedural rules ${[...SQUAWK_PROCEDURAL].map((r) => `\`${r}\``).join(', ')} left out: cutover sets lock_timeout itself and retries), and what PostgreSQL does, as proven by cutover's server-verification suite (test/lint/facts-server.test.ts, PostgreSQL 15 and 18). ✓ = the tool's verdict matches the truth.`);
  md.push('', '| statement | server-verified truth | cutover | squawk | agree? |', '| --- | --- | --- | --- | --- |');
  const unsafe = new Set(['create-index', 'add-column-volatile-default', 'numeric-to-bigint', 'drop-fk', 'add-column-check', 'set-unlogged', 'refresh-matview', 'drop-column-pre', 'backfill-all', 'vacuum-full', 'set-not-null-post', 'lock-timeout-0']);
  for (const row of rows) {
    const truthUnsafe = unsafe.has(row.kind.id);
    const verdict = (flagged, rules) => {
      const lock = rules.filter((r) => !STYLE.test(r)).map((r) => `\`${r}\``);
      const style = rules.filter((r) => STYLE.test(r)).map((r) => `_${r}_`);
      return `${[...(lock.length ? lock : ['nothing']), ...style].join(', ')} ${(flagged > 0) === truthUnsafe ? '✓' : '✗'}`;
    };
    const agree = (row.cutoverFlagged > 0) === (row.squawkFlagged > 0) ? 'yes' : '**no**';
    md.push(`| \`${row.kind.sql('t').replace(/\|/g, '\\|')}\`${row.kind.header ? ` (${row.kind.header.replace('-- cutover:', '')})` : ''} | ${row.kind.truth} | ${verdict(row.cutoverFlagged, row.cutover)} | ${results.squawk ? verdict(row.squawkFlagged, row.squawk) : 'n/a'} | ${results.squawk ? agree : 'n/a'} |`);
  }
  md.push('', 'Style rules (in _italics_: column types, not locks) are listed but not counted in the verdict.');
  md.push('', 'Unsafe = blocks the application\'s reads or writes for longer than an instant on a populated table, or breaks the running application version. `attach-partition` is not flagged by cutover (SHARE UPDATE EXCLUSIVE on the parent; the partition being attached is not yet read by the app) — its lock and scan are shown by `cutover plan`.');
  md.push('<!-- lint:end -->');
  for (const d of [dir, one, caches]) rmSync(d, { recursive: true, force: true });
  if (opt.json) {
    const ms = (k) => (results[k] ? median(results[k].map((r) => r.ms)) : undefined);
    const toSquawk = (k) => (results[k] && results.squawk ? median(results[k].map((r, i) => r.ms / results.squawk[i].ms)) : undefined);
    const rssMB = (k) => (results[k] ? median(results[k].map((r) => r.rssKB)) / 1024 : undefined);
    const keys = { cold: 'cutover', nocache: 'cutover-no-cache', verdicts: 'cutover-verdicts', squawk: 'squawk' };
    const pick = (f) => Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, f(v)]));
    writeFileSync(opt.json, JSON.stringify({ runs: RUNS, files: FILES, squawkVersion: SQUAWK_VERSION, medians: pick(ms), ratios: pick(toSquawk), rssMB: pick(rssMB) }, null, 2));
  }
  const block = md.join('\n');
  process.stdout.write(`${block}\n`);
  if (!opt['no-write']) {
    const old = existsSync(opt.out) ? readFileSync(opt.out, 'utf8') : '# cutover benchmark results\n';
    const next = /<!-- lint:start -->[\s\S]*?<!-- lint:end -->/.test(old) ? old.replace(/<!-- lint:start -->[\s\S]*?<!-- lint:end -->/, block) : `${old.trimEnd()}\n\n${block}\n`;
    writeFileSync(opt.out, next);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
