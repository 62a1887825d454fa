/**
 * Finding pg_dump, pg_restore and psql, and checking their major version
 * against the server's: `--pg-bin` / `PG_BIN` when given (only there), else
 * PATH, else Debian's /usr/lib/postgresql/<major>/bin, newest first. A
 * pg_dump older than the server refuses to dump it
 * (https://www.postgresql.org/docs/current/app-pgdump.html, "Notes"), so the
 * first one at least as new as the server is taken, and when none is the
 * error says exactly which was found and how to get a newer one.
 */
import { CutoverError } from '../errors.js';
import { conninfoKeywords, toKeywordString } from '../db/conninfo.js';
import { redact } from '../db/url.js';
import type { BackupFiles, ProcessRunner } from './ports.js';

/** The client programs of one PostgreSQL installation. */
export interface PgTools {
  /** Where they were found (`PATH` when found on PATH). */
  from: string;
  pgDump: string;
  pgRestore: string;
  psql: string;
  /** `pg_dump --version`'s version, e.g. `15.18`. */
  version: string;
  major: number;
}

/** Where the locator looks when neither `--pg-bin` nor `PG_BIN` is given, after PATH. */
export const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

/**
 * The major version in `pg_dump --version` output.
 *
 * @example
 * parseToolVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)'); // { version: '15.18', major: 15 }
 */
export function parseToolVersion(output: string): { version: string; major: number } | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  return { version: match[2] === undefined ? match[1]! : `${match[1]}.${match[2]}`, major: Number(match[1]) };
}

async function probe(runner: ProcessRunner, dir: string | undefined): Promise<PgTools | undefined> {
  const path = (name: string) => (dir === undefined ? name : `${dir.replace(/\/+$/, '')}/${name}`);
  const result = await runner.run(path('pg_dump'), ['--version']);
  if (result.missing || result.code !== 0) return undefined;
  const parsed = parseToolVersion(result.stdout);
  if (!parsed) return undefined;
  return { from: dir ?? 'PATH', pgDump: path('pg_dump'), pgRestore: path('pg_restore'), psql: path('psql'), ...parsed };
}

/** Options of {@link findPgTools}. */
export interface FindPgToolsOptions {
  /** `--pg-bin` / `PG_BIN`: look only there. */
  pgBin?: string | undefined;
  /** The server's major version: the tools must be at least as new. */
  serverMajor: number;
  /** Where the server is, for the message. */
  target: string;
  /**
   * A newer major to prefer when one is installed: copying into a newer
   * server, the newer client programs are recommended
   * (https://www.postgresql.org/docs/current/upgrading.html), though older ones load fine.
   */
  preferMajor?: number;
}

/**
 * Find client programs at least as new as the server.
 *
 * @example
 * const tools = await findPgTools(runner, files, { serverMajor: 15, target: 'postgres://app@db:5432/app' });
 */
export async function findPgTools(runner: ProcessRunner, files: BackupFiles, options: FindPgToolsOptions): Promise<PgTools> {
  const candidates: (string | undefined)[] = [];
  if (options.pgBin) candidates.push(options.pgBin);
  else {
    candidates.push(undefined);
    const majors = (await files.list(DEBIAN_PG_ROOT)).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((m) => `${DEBIAN_PG_ROOT}/${m}/bin`));
  }
  const found: PgTools[] = [];
  for (const dir of candidates) {
    const tools = await probe(runner, dir);
    if (!tools) continue;
    if (tools.major >= Math.max(options.serverMajor, options.preferMajor ?? 0)) return tools;
    found.push(tools);
  }
  const usable = found.filter((t) => t.major >= options.serverMajor).sort((a, b) => b.major - a.major)[0];
  if (usable) return usable;
  const where = options.pgBin ? `in ${options.pgBin} (--pg-bin / PG_BIN)` : `on PATH or in ${DEBIAN_PG_ROOT}/*/bin`;
  if (found.length === 0) {
    throw new CutoverError('PG_DUMP_MISSING', `pg_dump was not found ${where}`, {
      hint: `Install the PostgreSQL ${options.serverMajor} client programs (Debian/Ubuntu: apt-get install postgresql-client-${options.serverMajor}) and put them on PATH, or point --pg-bin / PG_BIN at their directory.`,
      details: { ...(options.pgBin ? { pgBin: options.pgBin } : {}), serverMajor: options.serverMajor },
    });
  }
  const best = found.sort((a, b) => b.major - a.major)[0]!;
  throw new CutoverError('PG_DUMP_TOO_OLD', `pg_dump ${best.version} (${best.from === 'PATH' ? 'on PATH' : best.from}) is older than the server: ${options.target} runs PostgreSQL ${options.serverMajor}, and pg_dump refuses to dump a newer major version`, {
    hint: `Install the PostgreSQL ${options.serverMajor} client programs (Debian/Ubuntu: apt-get install postgresql-client-${options.serverMajor}, from apt.postgresql.org) and point --pg-bin / PG_BIN at their bin directory.`,
    details: { pgDumpVersion: best.version, pgDumpMajor: best.major, serverMajor: options.serverMajor, from: best.from },
  });
}

/**
 * How the client programs connect: the connection string (any form `migrate`
 * takes: URL, socket URL, keyword string) as a keyword string without its
 * password (given as `--dbname`), and the password in PGPASSWORD, never on a
 * command line (`ps` shows those to every user).
 *
 * @example
 * toolConnection('postgres://app:secret@db/app', 'cutover backup'); // { dbname: "user='app' host='db' dbname='app' application_name='cutover backup'", env: { PGPASSWORD: 'secret' } }
 */
export function toolConnection(url: string, applicationName: string): { dbname: string; env: Record<string, string> } {
  const { password, ...keywords } = conninfoKeywords(url);
  return { dbname: toKeywordString({ ...keywords, application_name: applicationName }), env: password === undefined ? {} : { PGPASSWORD: password } };
}

/** A client program failed: its stderr (passwords removed) in the message. */
export function toolFailed(code: 'BACKUP_FAILED' | 'RESTORE_FAILED' | 'COPY_FAILED', what: string, result: { code: number | null; stderr: string }, hint: string): CutoverError {
  const stderr = redact(result.stderr.trim()).split('\n').slice(-8).join('\n');
  return new CutoverError(code, `${what} failed (exit ${result.code}): ${stderr}`, { hint, details: { exitCode: result.code, stderr } });
}
