/**
 * Where the database comes from when no URL is given: libpq's `PG*` variables
 * (https://www.postgresql.org/docs/current/libpq-envars.html) turned into a keyword
 * connection string, and the order every source is looked at in. Pure: the caller
 * hands in the variables (the environment's, or a `.env` file's).
 */

/** The variables that name a database by themselves (any one of them is "set"). */
export const PG_TRIGGERS = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER'] as const;

/** Each `PG*` variable cutover honours, and its keyword in a connection string. */
const PG_KEYWORDS: Record<string, string> = {
  PGHOST: 'host', PGHOSTADDR: 'host', PGPORT: 'port', PGDATABASE: 'dbname', PGUSER: 'user', PGPASSWORD: 'password',
  PGSSLMODE: 'sslmode', PGSSLROOTCERT: 'sslrootcert', PGSSLCERT: 'sslcert', PGSSLKEY: 'sslkey',
  PGAPPNAME: 'application_name', PGOPTIONS: 'options', PGCONNECT_TIMEOUT: 'connect_timeout',
};

/** A keyword value, single-quoted with `\` and `'` escaped (libpq's rule). */
const quote = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/**
 * The libpq keyword string the `PG*` variables make, and which were used; undefined when
 * none of {@link PG_TRIGGERS} is set (PGPASSWORD alone names no database).
 *
 * @example
 * pgConninfo({ PGHOST: 'db', PGUSER: 'app' }); // { conninfo: "host='db' user='app'", used: ['PGHOST', 'PGUSER'] }
 */
export function pgConninfo(vars: Record<string, string | undefined>): { conninfo: string; used: string[] } | undefined {
  if (!PG_TRIGGERS.some((name) => vars[name])) return undefined;
  // PGHOST wins over PGHOSTADDR for the one host node-postgres connects to.
  const used = Object.keys(PG_KEYWORDS).filter((name) => vars[name] && !(name === 'PGHOSTADDR' && vars.PGHOST));
  return { conninfo: used.map((name) => `${PG_KEYWORDS[name]}=${quote(vars[name]!)}`).join(' '), used };
}

/** Is this run interactive: a terminal, and not CI (`CI` set to anything but `false` / `0`)? */
export function isInteractive(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return isTTY && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}
