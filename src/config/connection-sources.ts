/**
 * Where the database comes from when no URL is given: libpq's `PG*` variables
 * (https://www.postgresql.org/docs/current/libpq-envars.html) turned into a keyword
 * connection string, and the order every source is looked at in. A `.env` file
 * is read as dbmate (godotenv) and Prisma (dotenv) load one: never over a variable
 * the environment sets, so per variable the environment wins and the file fills in,
 * and its `PG*` values are defaults for whatever parameter the chosen connection
 * string leaves out, as libpq's are. Pure: the caller hands in the variables.
 */
import { conninfoKeywords, toKeywordString } from '../db/conninfo.js';

/** The variables that name a database by themselves (any one of them is "set"). */
export const PG_TRIGGERS = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER'] as const;

/** Each `PG*` variable cutover honours, and its keyword in a connection string. */
const PG_KEYWORDS: Record<string, string> = {
  PGHOST: 'host', PGHOSTADDR: 'host', PGPORT: 'port', PGDATABASE: 'dbname', PGUSER: 'user', PGPASSWORD: 'password',
  PGSSLMODE: 'sslmode', PGSSLROOTCERT: 'sslrootcert', PGSSLCERT: 'sslcert', PGSSLKEY: 'sslkey',
  PGAPPNAME: 'application_name', PGOPTIONS: 'options', PGCONNECT_TIMEOUT: 'connect_timeout',
};

type Vars = Record<string, string | undefined>;
const isSet = (vars: Vars, name: string) => vars[name] !== undefined && vars[name] !== '';

/**
 * The libpq keyword string the `PG*` variables make, and which were used; undefined when
 * none of {@link PG_TRIGGERS} is set (PGPASSWORD alone names no database).
 *
 * @example
 * pgConninfo({ PGHOST: 'db', PGUSER: 'app' }); // { conninfo: "host='db' user='app'", used: ['PGHOST', 'PGUSER'] }
 */
export function pgConninfo(vars: Vars): { conninfo: string; used: string[] } | undefined {
  if (!PG_TRIGGERS.some((name) => isSet(vars, name))) return undefined;
  // PGHOST wins over PGHOSTADDR for the one host node-postgres connects to.
  const used = Object.keys(PG_KEYWORDS).filter((name) => isSet(vars, name) && !(name === 'PGHOSTADDR' && isSet(vars, 'PGHOST')));
  return { conninfo: toKeywordString(Object.fromEntries(used.map((name) => [PG_KEYWORDS[name]!, vars[name]!]))), used };
}

/** A connection string from the environment or the `.env` file, and what it was made of (`DATABASE_URL`, `PGHOST, .env PGPASSWORD`). */
export interface ConnectionCandidate {
  origin: 'env' | 'env-file';
  conninfo: string | undefined;
  source: string;
}

/** The `.env` file's `PG*` variables the environment does not set (godotenv's and dotenv's rule: a file never overrides a set variable). */
function filePgOnly(env: Vars, file: Vars): Vars {
  return Object.fromEntries(Object.keys(PG_KEYWORDS).filter((name) => !isSet(env, name) && isSet(file, name)).map((name) => [name, file[name]]));
}

/**
 * The connection strings the environment and a `.env` file give, in the order they are
 * tried: the environment's `DATABASE_URL`, its `PG*` variables, the file's `DATABASE_URL`,
 * its `PG*` variables. `PG*` are merged per variable, the environment's first.
 *
 * @example
 * connectionCandidates({ PGHOST: 'db' }, { path: '.env', values: { PGPASSWORD: 'pw' } });
 * // [{ origin: 'env', conninfo: undefined, source: 'DATABASE_URL' }, { origin: 'env', conninfo: "host='db' password='pw'", source: 'PGHOST, .env PGPASSWORD' }, …]
 */
export function connectionCandidates(env: Vars, file?: { path: string; values: Vars }): ConnectionCandidate[] {
  const fromFile = file ? filePgOnly(env, file.values) : {};
  const merged = pgConninfo({ ...env, ...fromFile });
  const label = (used: string[]) => [used.filter((n) => !(n in fromFile)).join(', '), used.filter((n) => n in fromFile).map((n) => `${file!.path} ${n}`).join(', ')].filter(Boolean).join(', ');
  const pg = (triggered: boolean, origin: ConnectionCandidate['origin']): ConnectionCandidate[] => (merged && triggered ? [{ origin, conninfo: merged.conninfo, source: label(merged.used) }] : []);
  const byEnv = PG_TRIGGERS.some((name) => isSet(env, name));
  return [
    { origin: 'env', conninfo: env.DATABASE_URL, source: 'DATABASE_URL' },
    ...pg(byEnv, 'env'),
    ...(file ? [{ origin: 'env-file' as const, conninfo: file.values.DATABASE_URL, source: `${file.path} DATABASE_URL` }, ...pg(!byEnv, 'env-file')] : []),
  ];
}

/**
 * What a connection string leaves out, filled in from the `.env` file's `PG*` variables the
 * environment does not set (libpq takes `PG*` as defaults for any parameter a connection
 * string lacks, and a loaded `.env` is part of the environment for dbmate and Prisma).
 * The environment's own `PG*` reach node-postgres and pg_dump directly.
 *
 * @example
 * fillFromEnvFile('postgres://app@db/app', {}, { PGPASSWORD: 'pw' }); // { conninfo: "user='app' host='db' dbname='app' password='pw'", used: ['PGPASSWORD'] }
 */
export function fillFromEnvFile(conninfo: string, env: Vars, file: Vars): { conninfo: string; used: string[] } {
  const given = conninfoKeywords(conninfo);
  const missing = (keyword: string) => given[keyword] === undefined && !(keyword === 'host' && given.hostaddr !== undefined);
  const fromFile = filePgOnly(env, file);
  const used = Object.keys(fromFile).filter((name) => missing(PG_KEYWORDS[name]!) && !(name === 'PGHOSTADDR' && fromFile.PGHOST !== undefined));
  if (used.length === 0) return { conninfo, used };
  return { conninfo: toKeywordString({ ...given, ...Object.fromEntries(used.map((name) => [PG_KEYWORDS[name]!, fromFile[name]!])) }), used };
}

/** Is this run interactive: a terminal, and not CI (`CI` set to anything but `false` / `0`)? */
export function isInteractive(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return isTTY && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}
