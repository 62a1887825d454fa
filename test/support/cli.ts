/**
 * Running the CLI in tests: in-process through `main(argv, io)` (fast, no
 * spawn), or as a real child process (for concurrency and kill tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';

/**
 * The verdict cache as this test run has it (test/support/global-setup.ts turns it off unless
 * CUTOVER_CACHE is set): CLI runs get it too, so that a test of parsing sees a parse.
 */
export function cacheEnv(): Record<string, string> {
  const { CUTOVER_CACHE, CUTOVER_CACHE_DIR } = process.env;
  return { ...(CUTOVER_CACHE === undefined ? {} : { CUTOVER_CACHE }), ...(CUTOVER_CACHE_DIR === undefined ? {} : { CUTOVER_CACHE_DIR }) };
}

/** What a CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the CLI in-process. `env` replaces the environment entirely (no DATABASE_URL leaks in);
 * `tty` makes the run interactive (as at a terminal: the embedded database may be used).
 */
export async function cli(args: string[], options: { cwd?: string; env?: Record<string, string>; tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...cacheEnv(), ...options.env },
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.tty ?? false,
    now: () => new Date(),
    waitForInterrupt: () => Promise.resolve(),
  });
  return { code, stdout, stderr };
}

/** A CLI run with `--json`: its result, the parsed document (undefined when stdout is empty), and the error in it. */
export interface JsonCliResult extends CliResult {
  json: any;
  error: any;
}

/**
 * Run the CLI in-process with `--json` appended, and parse what it printed.
 *
 * @example
 * const { code, json, error } = await cliJson(['migrate', '--url', url, '--dir', dir]);
 */
export async function cliJson(args: string[], options: Parameters<typeof cli>[1] = {}): Promise<JsonCliResult> {
  const result = await cli([...args, '--json'], options);
  const json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  return { ...result, json, error: json?.error };
}

/** The built CLI (npm test builds first). */
export const BIN = resolve(import.meta.dirname, '../../bin/cutover.js');

/** Start the real CLI as a child process. */
export function spawnCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...cacheEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
  return { child, done };
}

/** A temp directory holding the given migration files (path → contents; `/` makes subdirectories). */
export async function migrationsDir(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-migrations-'));
  await mkdir(dir, { recursive: true });
  for (const [name, contents] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true }); // `meta/_journal.json`, `<dir>/up.sql`
    await writeFile(join(dir, name), contents);
  }
  return dir;
}
