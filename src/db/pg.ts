/**
 * node-postgres at the edge: dedicated connections from a URL or a pool,
 * connection errors turned into CutoverErrors that name host:port and never
 * the password, and the client settings of a connection string (src/target/pool.ts builds the app's pool).
 */
import type { Client, ClientConfig, PoolClient } from 'pg';
import { pgModule } from './pg-module.js';
import { connectionLost, CutoverError } from '../errors.js';
import { isConnectionLost } from './connection-lost.js';
import { withSettings, type Connection, type Connector, type Session } from './session.js';
import { batchOn } from './batch.js';
import { ident, literal, LONG_NAME_HINT, longNameProblem } from './sql.js';
import { describeUrl, redact } from './url.js';
import { parseConninfo } from './conninfo.js';

/** A pool or anything with `connect()` returning a releasable client (a pg.Pool fits). */
export interface PoolLike {
  connect(): Promise<PoolClient>;
}

/** Map a failure to connect into a clear error (host:port named, password never shown). */
export function connectionError(error: unknown, where: string): CutoverError {
  const e = error as { code?: string; message?: string };
  const message = redact(e.message ?? String(error));
  if (e.code === '28P01' || e.code === '28000') {
    return new CutoverError('AUTHENTICATION', `cannot log in to ${where}: ${message}`, {
      hint: 'Check the user name and password in --url / DATABASE_URL, and the server\'s pg_hba.conf.', details: { target: where, sqlstate: e.code },
    });
  }
  if (e.code === '3D000') {
    return new CutoverError('CONNECTION', `cannot connect to ${where}: ${message}`, {
      hint: 'Create the database first (createdb), or fix the database name in the URL.', details: { target: where, sqlstate: e.code },
    });
  }
  if (e.code === '42501') {
    return new CutoverError('PERMISSION', `cannot connect to ${where}: ${message}`, {
      hint: 'Grant the role CONNECT on the database.', details: { target: where, sqlstate: e.code },
    });
  }
  return new CutoverError('CONNECTION', `cannot connect to ${where}: ${message}${e.code && !message.includes(e.code) ? ` (${e.code})` : ''}`, {
    hint: 'Is the server running and reachable from here? Check host and port in --url / DATABASE_URL, firewalls, and that it listens on that address.',
    details: { target: where, errno: e.code },
  });
}

/**
 * A client's queries, with a lost session reported as CONNECTION_LOST: by
 * SQLSTATE or socket error (src/db/connection-lost.ts), or because the
 * client saw its socket end (node-postgres then gives an error with no code).
 */
function guarded(client: Client | PoolClient): Session & { detach: () => void } {
  let ended = false;
  const onError = () => { ended = true; };
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on('error', onError);
  const mapped = (error: unknown) => (ended || isConnectionLost(error) ? connectionLost(error) : error);
  return {
    query: (text, values) => (client.query(text, values) as Promise<any>).catch((error: unknown) => {
      throw mapped(error);
    }),
    batch: (statements) => batchOn(client, statements, mapped),
    detach: () => client.off('error', onError),
  };
}

/**
 * Cancel what `client`'s backend is running, with pg_cancel_backend from
 * another session (best effort: a failure leaves the statement to finish).
 */
async function cancelBackend(open: () => Promise<{ query: Client['query']; release: () => void }>, client: Client | PoolClient): Promise<void> {
  const pid = (client as { processID?: number | null }).processID;
  if (!pid) return;
  try {
    const other = await open();
    try {
      await other.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      other.release();
    }
  } catch {
    // the statement runs to its end; the run stops before the next one
  }
}

/** Options for {@link pgConnector}. */
export interface PgConnectorOptions {
  url?: string;
  pool?: PoolLike;
  /** Shown in pg_stat_activity, so operators can see the run. */
  applicationName: string;
  /** Pin `search_path` to this schema on every connection. */
  schema?: string;
  connectTimeoutMs?: number;
}

/**
 * Dedicated connections through node-postgres. With a URL each connection is
 * a new `pg.Client`; with a pool, a client is checked out for the whole run
 * (nobody else uses it meanwhile) and given back at the end.
 *
 * @example
 * const connector = pgConnector({ url: process.env.DATABASE_URL, applicationName: 'cutover' });
 * const connection = await connector.connect();
 */
export function pgConnector(options: PgConnectorOptions): Connector {
  const tooLong = options.schema === undefined ? undefined : longNameProblem(options.schema);
  if (tooLong) {
    throw new CutoverError('CONFIG', `schema "${options.schema}" is not a usable schema name (${tooLong})`, { hint: LONG_NAME_HINT, details: { setting: 'schema' } });
  }
  const describe = options.url ? describeUrl(options.url) : 'the given pool';
  return {
    describe,
    async connect(): Promise<Connection> {
      if (options.pool) {
        let client: PoolClient;
        try {
          client = await options.pool.connect();
        } catch (error) {
          throw connectionError(error, describe);
        }
        // The session settings a URL connection sends in its startup packet travel here with the
        // first parameterless query (one simple-protocol round trip), not in a round trip of their own.
        const searchPath = options.schema === undefined ? '' : `; SET search_path TO ${ident(options.schema)}`;
        const settings = `SET application_name = ${literal(options.applicationName)}${searchPath}`;
        const session = guarded(client);
        return {
          ...withSettings(session, settings, options.schema === undefined ? 1 : 2),
          // Never hand the app back a session we changed (search_path pinned to this schema,
          // application_name): discard it, and the pool opens a fresh one, running the app's own
          // 'connect' hooks again. A RESET could not restore what those hooks had set.
          close: async () => {
            session.detach();
            client.release(true);
          },
          cancel: () => cancelBackend(() => options.pool!.connect(), client),
        };
      }
      const client = await connectClient(clientConfig(options.url!, {
        application_name: options.applicationName,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
        ...(options.schema === undefined ? {} : { options: searchPathOption(options.schema) }),
      }), describe, parseConninfo(options.url!).sslmode === 'prefer');
      const session = guarded(client);
      return {
        query: session.query,
        batch: session.batch,
        cancel: () => cancelBackend(async () => {
          const other = new (pgModule().Client)({ connectionString: options.url, application_name: options.applicationName, connectionTimeoutMillis: 5_000 });
          other.on('error', () => {});
          await other.connect();
          return Object.assign(other, { release: () => void other.end().catch(() => {}) });
        }, client),
        close: async (broken) => {
          const ended = client.end().catch(() => {});
          if (broken) return ended;
          // As libpq's PQfinish: the Terminate message is sent, and the socket is let go of without
          // waiting for the server to end its backend (~10 ms). Nothing is left to read: the work is
          // committed and the locks released; the socket closes itself, and does not keep a CLI alive.
          (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
        },
      };
    },
  };
}

/**
 * node-postgres' settings for a connection string (URL or keyword string, libpq's meanings),
 * with `extra` on top. libpq's `options` from the string comes before cutover's search_path.
 */
export function clientConfig(url: string, extra: ClientConfig = {}): ClientConfig {
  const { sslmode: _sslmode, connectTimeoutMs, options, ...info } = parseConninfo(url);
  return {
    ...info,
    ...(connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: connectTimeoutMs }),
    ...extra,
    ...(options === undefined ? {} : { options: extra.options ? `${options} ${extra.options}` : options }),
  };
}

/**
 * Connect a client. sslmode=prefer as libpq means it: SSL when the server offers it, else
 * a plain connection (node-postgres alone would fail on a server without SSL).
 */
async function connectClient(config: ClientConfig, describe: string, prefer: boolean): Promise<Client> {
  const attempt = async (settings: ClientConfig) => {
    const client = new (pgModule().Client)(settings);
    // No crash on 'error' while connecting (the failure is thrown); guarded() listens once connected.
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
  };
  try {
    return await attempt(config);
  } catch (error) {
    if (!prefer || !/does not support SSL/i.test((error as Error).message ?? '')) throw connectionError(error, describe);
    try {
      return await attempt({ ...config, ssl: false });
    } catch (retry) {
      throw connectionError(retry, describe);
    }
  }
}

/** The libpq `options` startup parameter that pins search_path (spaces and backslashes escaped). */
export function searchPathOption(schema: string): string {
  return `-c search_path=${ident(schema).replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`;
}
