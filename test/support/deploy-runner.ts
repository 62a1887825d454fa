/**
 * Running the commands that deploy artefacts and guides contain, as they are
 * written: each argv spawned with `cutover` on PATH being the built single
 * executable, the app's command being the fake app, and the values a
 * cluster would fill in (secrets, the pod name, free ports) filled in here.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, symlink, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
/** The fake app (test/support/fake-app.cjs). */
export const FAKE_APP = join(root, 'test/support/fake-app.cjs');

/** Build the single executable once into a temp directory with `cutover` and `server` on a PATH of their own. */
export async function exeBin(): Promise<{ bin: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-deploy-bin-'));
  await new Promise<void>((done, fail) => execFile(process.execPath, [join(root, 'scripts/build-exe.mjs'), '--out', join(dir, 'build')], { cwd: root }, (error, _out, stderr) => (error ? fail(new Error(stderr)) : done())));
  await symlink(join(dir, 'build/cutover-linux-x64'), join(dir, 'cutover'));
  await symlink(FAKE_APP, join(dir, 'server'));
  return { bin: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A finished command. */
export interface Ran {
  argv: string[];
  code: number | null;
  output: string;
}

/** Run argv to its end (or, `background`, start it and hand back the child). */
export function runArgv(argv: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((done) => {
    child.on('error', (error) => done({ argv, code: -1, output: String(error) }));
    child.on('exit', (code) => setImmediate(() => done({ argv, code, output })));
  });
}

/** Start a long-running command; `stop()` sends SIGTERM and resolves with how it ended. */
export function startArgv(argv: string[], env: Record<string, string>, cwd: string): { child: ChildProcess; output: () => string; stop(): Promise<Ran> } {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return { argv, code: await exited, output };
    },
  };
}

/** Whether a command runs until stopped (an app under `cutover exec`, the health server). */
export function isLongRunning(argv: readonly string[]): boolean {
  const at = argv.indexOf('cutover');
  return at >= 0 && (argv[at + 1] === 'exec' || argv[at + 1] === 'serve');
}

/** Poll a URL until it answers 200 (bounded by the test's timeout). */
export async function untilHealthy(url: string): Promise<unknown> {
  for (;;) {
    const body = await fetch(url).then(async (r) => (r.ok ? r.json() : undefined), () => undefined);
    if (body) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}
