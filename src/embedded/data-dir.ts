/**
 * The embedded server's data directory and what is left in it between runs:
 *
 *     <dataDir>/pgdata/       the cluster (PGDATA), owned by `postgres` under root
 *     <dataDir>/server.json   { port, ownerPid }: last port, and who runs it now
 *     <dataDir>/start.lock    held while one process initialises or starts it
 *
 * plus Postgres's own `pgdata/postmaster.pid`, read to tell a live server
 * from one left behind by a crash. Format of that file:
 * https://www.postgresql.org/docs/current/storage-file-layout.html and
 * `LOCK_FILE_LINE_*` in src/include/utils/pidfile.h.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Paths inside a data directory.
 *
 * @example
 * layout('.cutover/dev').pgdata; // '.cutover/dev/pgdata'
 */
export function layout(dataDir: string): { pgdata: string; state: string; lock: string } {
  return {
    pgdata: path.join(dataDir, 'pgdata'),
    state: path.join(dataDir, 'server.json'),
    lock: path.join(dataDir, 'start.lock'),
  };
}

/** What server.json remembers. */
export interface ServerState {
  port?: number;
  /** The process whose `startEmbedded` started the server still running, if any. */
  ownerPid?: number;
}

/**
 * Read server.json; a missing or unreadable file is an empty state.
 *
 * @example
 * const { port } = await readState(layout(dataDir).state);
 */
export async function readState(file: string): Promise<ServerState> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { port, ownerPid } = parsed as Record<string, unknown>;
    return {
      ...(Number.isInteger(port) ? { port: port as number } : {}),
      ...(Number.isInteger(ownerPid) ? { ownerPid: ownerPid as number } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Write server.json.
 *
 * @example
 * await writeState(layout(dataDir).state, { port: 54321, ownerPid: process.pid });
 */
export async function writeState(file: string, state: ServerState): Promise<void> {
  await writeFile(file, JSON.stringify(state) + '\n');
}

/** The facts `postmaster.pid` records about a server. */
export interface Postmaster {
  pid: number;
  port: number;
  /** `starting`, `ready`, `stopping` or `standby` (Postgres 10+). */
  status: string;
}

/**
 * Read `postmaster.pid`, or undefined when there is none (server stopped cleanly).
 *
 * @example
 * const postmaster = await readPostmaster(layout(dataDir).pgdata);
 * if (postmaster?.status === 'ready') console.log(`running on port ${postmaster.port}`);
 */
export async function readPostmaster(pgdata: string): Promise<Postmaster | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(pgdata, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, port: 0, status: 'garbage' };
  return { pid, port: Number.parseInt(lines[3] ?? '', 10), status: (lines[7] ?? '').trim() };
}

/**
 * Remove a stale `postmaster.pid` (its process is gone or is not a Postgres).
 *
 * @example
 * if (!isAlive(postmaster.pid)) await removePostmasterPid(pgdata);
 */
export async function removePostmasterPid(pgdata: string): Promise<void> {
  await unlink(path.join(pgdata, 'postmaster.pid')).catch(() => undefined);
}

/**
 * Whether a process with this id exists (EPERM means it does, owned by someone else).
 *
 * @example
 * isAlive(process.pid); // true
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false; // kill(0) would signal our own process group
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is a Postgres server. After a container restart, the pid in a
 * stale `postmaster.pid` often belongs to some other process, and Postgres
 * then refuses to start ("lock file already exists"). When we cannot tell
 * (no /proc, no ps), assume it is one: never delete a live server's lock file.
 *
 * @example
 * await isPostgresProcess(postmaster.pid); // false: the pid now belongs to something else
 */
export async function isPostgresProcess(pid: number): Promise<boolean> {
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8')
    .then((text) => text.split('\0')[0] ?? '')
    .catch(() => psCommand(pid));
  if (command === undefined) return true;
  return /(^|[/\\])(postgres|postmaster)(\.exe)?(\s|$)/.test(command);
}

function psCommand(pid: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'comm=', '-p', String(pid)], (error, stdout) => {
      if (error && !stdout) resolve((error as { code?: unknown }).code === 1 ? '' : undefined);
      else resolve(stdout.trim());
    });
  });
}

/**
 * Wait until `pid` is gone; false if it is still there after `timeoutMs`.
 *
 * @example
 * process.kill(pid, 'SIGINT');
 * if (!(await waitForExit(pid, 30_000))) process.kill(pid, 'SIGQUIT');
 */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Delete everything in the data directory except the start lock (`reset`).
 *
 * @example
 * await clearDataDir('.cutover/dev');
 */
export async function clearDataDir(dataDir: string): Promise<void> {
  const { lock } = layout(dataDir);
  const entries = await readdir(dataDir).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dataDir, entry);
    if (full !== lock) await rm(full, { recursive: true, force: true });
  }
}

/**
 * Take the start lock: an exclusive file holding our pid, so two processes
 * starting the same data directory at once (an app and `cutover migrate`)
 * neither run initdb twice nor start two servers. A lock whose holder is
 * dead is stale and taken over.
 *
 * @example
 * const release = await acquireStartLock(layout(dataDir).lock, 60_000);
 * try { ... } finally { await release(); }
 */
export async function acquireStartLock(lockFile: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return () => unlink(lockFile).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && !isAlive(holder)) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw Object.assign(new Error(`${lockFile} is held by process ${holder}`), { holder });
    }
    await sleep(100);
  }
}
