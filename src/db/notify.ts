/**
 * LISTEN / NOTIFY: how a fleet run in one process tells a dashboard in
 * another what it just applied. The runner queues small JSON payloads and
 * sends them in batches (one round trip for many, off the migrations' own
 * connections, so it costs the run nothing it waits for); the dashboard
 * listens on a connection of its own per database.
 * https://www.postgresql.org/docs/current/sql-notify.html
 */
import { pgModule } from './pg-module.js';
import { connectionError } from './pg.js';
import { describeUrl } from './url.js';
import type { Connection, Connector } from './session.js';

/** The channel fleet runs announce progress on. */
export const PROGRESS_CHANNEL = 'cutover_progress';

/** How often queued notifications are sent. */
const FLUSH_EVERY_MS = 250;

/** A batch sender of notifications to one database. */
export interface Notifier {
  send(payload: string): void;
  /** Send what is queued and close the connection. */
  close(): Promise<void>;
}

/**
 * Queue payloads and send them every 250 ms. Best effort: progress is a side
 * channel, so a failure stops the notifications, never the run.
 *
 * @example
 * const notifier = notifier(connector); notifier.send('{"schema":"t1"}'); await notifier.close();
 */
export function notifier(connector: Connector, channel = PROGRESS_CHANNEL): Notifier {
  let queue: string[] = [];
  let connection: Promise<Connection> | undefined;
  let broken = false;
  let timer: NodeJS.Timeout | undefined;
  let sending = Promise.resolve();
  const flush = (): Promise<void> => {
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0 || broken) return sending;
    sending = sending.then(async () => {
      connection ??= connector.connect();
      const session = await connection;
      await session.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [channel, batch]);
    }).catch(() => { broken = true; });
    return sending;
  };
  return {
    send(payload) {
      if (broken) return;
      queue.push(payload);
      timer ??= setTimeout(() => void flush(), FLUSH_EVERY_MS);
    },
    async close() {
      if (timer) clearTimeout(timer);
      await flush();
      if (connection) await (await connection.catch(() => undefined))?.close().catch(() => {});
    },
  };
}

/** A LISTEN that can be stopped. */
export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTEN on `channel` over a connection of its own. `onLost` hears a broken
 * connection (the caller may listen again later).
 *
 * @example
 * const listener = await listen(url, PROGRESS_CHANNEL, (payload) => console.log(payload));
 */
export async function listen(url: string, channel: string, onPayload: (payload: string) => void, onLost: (error: Error) => void = () => {}): Promise<Listener> {
  const client = new (pgModule().Client)({ connectionString: url, application_name: 'cutover dashboard (listen)', connectionTimeoutMillis: 10_000 });
  client.on('error', onLost);
  client.on('notification', (message) => {
    if (message.channel === channel) onPayload(message.payload ?? '');
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${pgModule().escapeIdentifier(channel)}`);
  } catch (error) {
    await client.end().catch(() => {});
    throw connectionError(error, describeUrl(url));
  }
  return { close: () => client.end().catch(() => {}) };
}
