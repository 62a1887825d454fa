/**
 * What the built CLI loads on each path, seen from inside the real process
 * (bench/lib/startup-probe.mjs, the probe bench/startup.js measures with): the
 * ES modules of the bundle through a load hook, the CommonJS ones from
 * require.cache. `--version` registers no command, `--help` connects to
 * nothing, and a no-op `migrate` never loads the parser or the linter.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, migrationsDir } from './support/cli.js';
import { testSchema } from './support/db.js';
import { cleanup, database } from './support/fixtures.js';

const ROOT = resolve(import.meta.dirname, '..');
const PROBE = join(ROOT, 'bench/lib/startup-probe.mjs');
const BUNDLE = join(ROOT, 'dist/bundle');

/** The command modules of the bundle: the chunks main's table imports, one per command. */
async function commandChunks(): Promise<string[]> {
  const main = (await readdir(BUNDLE)).find((f) => /^main-[A-Z0-9]+\.js$/.test(f))!;
  const text = await readFile(join(BUNDLE, main), 'utf8');
  return [...text.matchAll(/import\("\.\/([^"]+)"\)/g)].map((m) => join(BUNDLE, m[1]!));
}

/** The probe's note at exit (the part read here). */
interface ExitNote {
  cjs: { url: string }[];
  /** V8's young generation at the probe's start and at exit, in kB. */
  startNewSpaceKB: number;
  newSpaceKB: number;
}

/** Run the built CLI with the probe; the files (bundle chunks, node_modules) it loaded. */
async function loaded(args: string[]): Promise<{ code: number; stdout: string; files: string[]; exit: ExitNote }> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-startup-'));
  cleanup(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'notes.jsonl');
  const modules = join(dir, 'modules.jsonl');
  const { NODE_OPTIONS: _options, DATABASE_URL: _url, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', PROBE, BIN, ...args], {
    // No verdict cache: what a cold run loads (a kept verdict would skip the parser).
    cwd: dir, env: { ...env, CI: '1', CUTOVER_CACHE: 'false', STARTUP_PROBE_OUT: out, STARTUP_PROBE_MODULES: modules }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.resume();
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
  const lines = (file: string) => readFile(file, 'utf8').then((text) => text.trim().split('\n').map((line) => JSON.parse(line)));
  const esm = (await lines(modules)).filter((m: { url: string }) => m.url.startsWith('file:')).map((m: { url: string }) => fileURLToPath(m.url));
  const exit = (await lines(out)).find((n: { at: string }) => n.at === 'exit') as ExitNote;
  return { code, stdout, files: [...esm, ...exit.cjs.map((m) => m.url)], exit };
}

const PG = /node_modules[\\/]pg[\\/]lib[\\/]client\.js$/;
const PARSER = /node_modules[\\/]libpg-query[\\/]/;
const LINT_ENGINE = /dist[\\/]bundle[\\/]engine-[A-Z0-9]+\.js$/;

describe('what the built CLI loads', () => {
  it('--version: no command module, node-postgres or parser', async () => {
    const { code, stdout, files } = await loaded(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const commands = await commandChunks();
    expect(commands.length).toBeGreaterThan(20);
    expect(files.filter((f) => commands.includes(f))).toEqual([]);
    expect(files.filter((f) => PG.test(f) || PARSER.test(f))).toEqual([]);
  });

  it('--help: every command, but neither node-postgres nor the parser', async () => {
    const { code, stdout, files } = await loaded(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('migrate');
    const commands = await commandChunks();
    expect(commands.filter((f) => !files.includes(f))).toEqual([]); // the check can fail: help lists them all
    expect(files.filter((f) => PG.test(f) || PARSER.test(f))).toEqual([]);
  });

  it('lint offline: the parser, not node-postgres', async () => {
    const dir = await migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n' });
    const { code, files } = await loaded(['lint', '--dir', dir]);
    expect(code).toBe(0);
    expect(files.some((f) => PARSER.test(f))).toBe(true);
    expect(files.filter((f) => PG.test(f))).toEqual([]);
  });

  it('migrate with nothing pending: neither the parser nor the linter', async () => {
    const url = await database();
    const dir = await migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);\n' });
    const args = ['migrate', '--url', url, '--schema', testSchema(), '--dir', dir, '--quiet'];
    const first = await loaded(args);
    expect(first.code).toBe(0);
    expect(first.files.some((f) => PARSER.test(f))).toBe(true); // the check can fail: a pending file is parsed
    const { code, files } = await loaded(args);
    expect(code).toBe(0);
    expect(files.some((f) => PG.test(f))).toBe(true);
    expect(files.filter((f) => PARSER.test(f) || LINT_ENGINE.test(f))).toEqual([]);
    const commands = await commandChunks();
    expect(files.filter((f) => commands.includes(f)).map((f) => f.replace(/^.*[\\/]/, '').replace(/-[A-Z0-9]+\.js$/, ''))).toEqual(['migrate']);
  });

  it('keeps V8\'s young generation at its initial size while it lints many files (src/cli/heap.ts)', async () => {
    // 300 files of three statements: enough allocation for V8's default to grow it (to 8 MB here).
    const files: Record<string, string> = {};
    for (let i = 1; i <= 300; i++) {
      files[`${String(i).padStart(4, '0')}_t${i}.sql`] = `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL);\nCREATE INDEX t${i}_name ON t${i} (name);\nINSERT INTO t${i} (id, name) SELECT g, 'n' || g FROM generate_series(1, 10) g;\n`;
    }
    const { code, exit } = await loaded(['lint', '--dir', await migrationsDir(files)]);
    expect([0, 3]).toContain(code);
    expect(exit.newSpaceKB).toBeLessThanOrEqual(2 * exit.startNewSpaceKB);
  });
});
