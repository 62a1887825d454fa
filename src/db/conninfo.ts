/**
 * Connection strings as libpq reads them: `postgres://` / `postgresql://`
 * URLs (a socket directory in `?host=`, an empty host: `postgres://u@/db?host=/cloudsql/p:r:i`)
 * and keyword strings (`host=db port=5432 dbname=app password='a b'`), turned into
 * node-postgres' client config with libpq's sslmode meanings
 * (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING).
 * Nothing here prints: node-postgres' sslmode deprecation warning is never
 * triggered because the libpq meanings are asked for explicitly.
 */
import { parse } from 'pg-connection-string';
import { CutoverError } from '../errors.js';

/** node-postgres' client settings for one connection string, and how SSL was asked for. */
export interface Conninfo {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** libpq's sslmode (`prefer` when SSL is asked for without one), absent when no SSL setting was given. */
  sslmode?: string;
  ssl?: boolean | { rejectUnauthorized?: boolean; ca?: string; cert?: string; key?: string; checkServerIdentity?: () => undefined };
  application_name?: string;
  options?: string;
  connectTimeoutMs?: number;
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

/** Is this a libpq keyword string (`host=… dbname=…`) rather than a URL? */
export function isKeywordString(text: string): boolean {
  return /^\s*[a-z_]+\s*=/i.test(text) && !/^\s*[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

/** `key=value` pairs of a keyword string: values bare or single-quoted, `\'` and `\\` escaped. */
function keywords(text: string): Map<string, string> | undefined {
  const pairs = new Map<string, string>();
  const pattern = /\s*([a-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|((?:[^\s'\\]|\\.)*))/giy;
  let at = 0;
  for (;;) {
    if (/^\s*$/.test(text.slice(at))) return pairs;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) return undefined;
    pairs.set(m[1]!.toLowerCase(), (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
    at = pattern.lastIndex;
  }
}

/** The same keys a URL query takes, from a keyword string, as a URL pg-connection-string reads. */
function keywordsToUrl(pairs: Map<string, string>): string {
  const { dbname = '', ...rest } = Object.fromEntries(pairs);
  const query = new URLSearchParams(rest).toString();
  return `postgres:///${encodeURIComponent(dbname)}${query ? `?${query}` : ''}`;
}

/** pg-connection-string's reading of a connection string (URL or keyword string), checked; INVALID_URL otherwise. */
function parseRaw(text: string): ReturnType<typeof parse> {
  let url = text;
  if (isKeywordString(text)) {
    const pairs = keywords(text);
    if (!pairs) throw invalidUrl(text, 'not a valid keyword string (key=value pairs, values with spaces in single quotes)');
    url = keywordsToUrl(pairs);
  } else {
    if (!/^postgres(ql)?:\/\//i.test(text)) throw invalidUrl(text, 'not a postgres:// or postgresql:// URL, nor a key=value connection string');
    // A second `@` before the path: a password with an unencoded `@` (or `/`), which would
    // otherwise be read as part of the host and the database name, and shown in messages.
    const authority = text.replace(/^[^:]+:\/\//, '').split(/[?#]/)[0]!;
    if (authority.split('@').length > 2) throw invalidUrl(text, 'more than one "@": the password must be percent-encoded (@ is %40, / is %2F)');
  }
  let raw: ReturnType<typeof parse>;
  try {
    raw = parse(url, { useLibpqCompat: true });
  } catch (error) {
    throw invalidUrl(text, (error as Error).message.includes('verify-ca') ? 'sslmode=verify-ca needs sslrootcert' : undefined);
  }
  if (typeof raw.sslmode === 'string' && !SSL_MODES.includes(raw.sslmode)) throw invalidUrl(text, `sslmode=${raw.sslmode} is not one of ${SSL_MODES.join(', ')}`);
  const port = raw.port ? Number(raw.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw invalidUrl(text, 'the port is not a number from 1 to 65535');
  return raw;
}

/** node-postgres' own keys in a parsed connection string, which libpq's programs do not take. */
const NOT_LIBPQ = new Set(['ssl', 'uselibpqcompat', 'database']);

/**
 * The libpq keywords of a connection string (URL or keyword string), as libpq's programs
 * (pg_dump, pg_restore, psql) take them: the same reading as {@link parseConninfo}, so every
 * form `migrate` accepts reaches them alike. Holds the password when there is one.
 *
 * @example
 * conninfoKeywords('postgres://app:pw@/app?host=/run/pg'); // { host: '/run/pg', user: 'app', password: 'pw', dbname: 'app' }
 */
export function conninfoKeywords(text: string): Record<string, string> {
  const raw = parseRaw(text) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string' && value !== '' && !NOT_LIBPQ.has(key)) out[key] = value;
  if (typeof raw.database === 'string' && raw.database !== '') out.dbname = raw.database;
  if (out.sslmode === 'no-verify') out.sslmode = 'require'; // node-postgres' name for what libpq calls require (encrypted, not verified)
  return out;
}

/** A keyword value, single-quoted with `\` and `'` escaped (libpq's rule). */
const quote = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/**
 * A libpq keyword string of `keywords` (undefined values left out), every value quoted.
 *
 * @example
 * toKeywordString({ host: 'db', dbname: 'my app' }); // "host='db' dbname='my app'"
 */
export function toKeywordString(keywords: Record<string, string | undefined>): string {
  return Object.entries(keywords).filter(([, value]) => value !== undefined).map(([key, value]) => `${key}=${quote(value!)}`).join(' ');
}

/**
 * Parse a connection string (URL or keyword string) into node-postgres' settings, or an
 * INVALID_URL error whose message and fields never hold the password.
 *
 * @example
 * parseConninfo('postgres://app@/app?host=/cloudsql/p:r:i'); // { host: '/cloudsql/p:r:i', user: 'app', database: 'app' }
 * parseConninfo("host=db dbname=app password='x y' sslmode=require");
 */
export function parseConninfo(text: string): Conninfo {
  const raw = parseRaw(text);
  const sslmode = typeof raw.sslmode === 'string' ? raw.sslmode : undefined;
  const port = raw.port ? Number(raw.port) : undefined;
  const connectTimeout = typeof raw.connect_timeout === 'string' ? Number(raw.connect_timeout) : undefined;
  const info: Conninfo = {};
  if (raw.host) info.host = raw.host;
  if (port !== undefined) info.port = port;
  if (raw.user) info.user = raw.user;
  if (raw.password) info.password = raw.password;
  if (raw.database) info.database = raw.database;
  if (sslmode !== undefined) info.sslmode = sslmode;
  if (raw.ssl !== undefined) info.ssl = sslmode === 'allow' ? false : (raw.ssl as Conninfo['ssl']);
  if (sslmode === 'no-verify' && typeof info.ssl === 'object') info.ssl.rejectUnauthorized = false;
  if (typeof raw.application_name === 'string') info.application_name = raw.application_name;
  if (typeof raw.options === 'string') info.options = raw.options;
  if (connectTimeout !== undefined && connectTimeout > 0) info.connectTimeoutMs = connectTimeout * 1000;
  return info;
}

/**
 * How a connection string is shown: `postgres://user@host:port/db` (a socket directory as
 * `?host=`), never with the password.
 *
 * @example
 * describeConninfo(parseConninfo('host=/run/pg user=app dbname=app password=x')); // 'postgres://app@/app?host=/run/pg'
 */
export function describeConninfo(info: Conninfo): string {
  const user = info.user ? `${info.user}@` : '';
  const db = `/${info.database ?? ''}`;
  if (info.host?.startsWith('/')) return `postgres://${user}${db}?host=${info.host}${info.port ? `&port=${info.port}` : ''}`;
  const host = info.host?.includes(':') ? `[${info.host}]` : (info.host ?? 'localhost');
  return `postgres://${user}${host}:${info.port ?? 5432}${db}`;
}

/** Mask `password=…` in keyword strings and URL queries (`?password=…`), quoted values included. */
export function redactPasswordKeywords(text: string): string {
  return text.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&'"]*)/gi, '$1***');
}

/** Remove passwords from a connection string that did not parse: URL userinfo, `?password=`, `password=`. */
function redactConninfo(text: string): string {
  // user:password@ at the start, with or without a scheme, up to the last @ (a raw @ in the password).
  return redactPasswordKeywords(text).replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^:/@\s]*):[^?#\s]*@/i, '$1:***@');
}

function invalidUrl(text: string, why?: string, cause?: unknown): CutoverError {
  const shown = redactConninfo(text);
  return new CutoverError('INVALID_URL', `invalid database URL "${shown}"${why ? `: ${why}` : ''}`, {
    hint: 'Use postgres://user:password@host:5432/database (percent-encode special characters in the password), or a libpq keyword string: host=… port=… dbname=… user=….',
    details: { url: shown },
    cause,
  });
}
