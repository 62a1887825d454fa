#!/usr/bin/env node
// W-LARGE: one large migration file (issue 16.8/16.9): `cutover lint` (offline,
// parse trees kept: the heaviest path) on files of N MB of ~90-byte INSERTs,
// and the error of a file holding one 140k-character literal with a syntax
// error after it (redaction and the code frame run on that line). Wall time
// from spawn to exit and peak RSS (bench/lib/measure.js), one run each
// (the effects measured are 10x, not 10%).
//
//   node bench/large-files.js [--sizes 1,5,10,50] [--no-write] [--out bench/RESULTS.md]
//
// Prints a `<!-- large:start --> … <!-- large:end -->` section and puts it
// into RESULTS.md unless --no-write.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measure } from './lib/measure.js';

const BENCH = import.meta.dirname;
const REPO = join(BENCH, '..');
const { values: opt } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,5,10,50' },
    out: { type: 'string', default: join(BENCH, 'RESULTS.md') },
    'no-write': { type: 'boolean', default: false },
  },
});

const work = mkdtempSync(join(os.tmpdir(), 'cutover-large-'));
const row = (i) => `INSERT INTO t (a, b) VALUES (${i}, 'row number ${i} with some padding text here ok');\n`;
function largeDir(mb) {
  const dir = join(work, `m${mb}`);
  mkdirSync(dir);
  const parts = ['CREATE TABLE t (a int, b text);\n'];
  let size = parts[0].length;
  for (let i = 0; size < mb * 1e6; i++) {
    const line = row(i);
    parts.push(line);
    size += line.length;
  }
  writeFileSync(join(dir, '1_big.sql'), parts.join(''));
  return { dir, statements: parts.length };
}

const cutover = (args) => measure({ file: process.execPath, args: [join(REPO, 'bin/cutover.js'), ...args], cwd: work });
const lines = [];
for (const mb of opt.sizes.split(',').map(Number)) {
  const { dir, statements } = largeDir(mb);
  const r = await cutover(['lint', '--dir', dir, '--json']);
  const verdict = r.code === 0 ? 'ok' : (/"code": "([A-Z_]+)"/.exec(r.stdout + r.stderr)?.[1] ?? `exit ${r.code}`);
  lines.push(`| lint, ${mb} MB (${statements.toLocaleString('en')} statements) | ${(r.ms / 1000).toFixed(1)} s | ${Math.round(r.rssKB / 1024)} MB | ${verdict} |`);
  rmSync(dir, { recursive: true, force: true });
}
{
  const dir = join(work, 'literal');
  mkdirSync(dir);
  writeFileSync(join(dir, '1_literal.sql'), `SELECT '${'x'.repeat(140_000)}' FROM;\n`);
  const r = await cutover(['lint', '--dir', dir]);
  lines.push(`| lint, one 140k-character literal, then a syntax error (the error printed) | ${(r.ms / 1000).toFixed(1)} s | ${Math.round(r.rssKB / 1024)} MB | ${/SYNTAX_ERROR/.test(r.stderr + r.stdout) ? 'SYNTAX_ERROR' : `exit ${r.code}`} |`);
}
rmSync(work, { recursive: true, force: true });

const block = [
  '<!-- large:start -->',
  '## W-LARGE — one large migration file (`node bench/large-files.js`)',
  '',
  `${new Date().toISOString()}, ${os.cpus().length} CPUs, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}. One run each; lint keeps every statement's parse tree, the heaviest path.`,
  '',
  '| case | wall | peak RSS | outcome |',
  '| --- | ---: | ---: | --- |',
  ...lines,
  '<!-- large:end -->',
].join('\n');
console.log(block);
if (!opt['no-write']) {
  const old = readFileSync(opt.out, 'utf8');
  const next = /<!-- large:start -->[\s\S]*?<!-- large:end -->/.test(old) ? old.replace(/<!-- large:start -->[\s\S]*?<!-- large:end -->/, block) : `${old.trimEnd()}\n\n${block}\n`;
  writeFileSync(opt.out, next);
}
