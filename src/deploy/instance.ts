/**
 * A registered app instance: it registers at start-up, heartbeats on a
 * timer (unref'd: it never keeps the process alive), and deregisters on a
 * clean stop. Its heartbeat session keeps `application_name` set to
 * `cutover:<id>`, so it is visible in pg_stat_activity too. With
 * `onHeartbeat` (auto-contract), each beat can also try the pending post
 * migrations, so the contract step runs as soon as the last old instance
 * is gone — not only when some instance happens to start.
 */
import { CutoverError } from '../errors.js';
import type { Connection, Connector, Session } from '../db/session.js';
import { storedName } from '../db/sql.js';
import { createRegistry, removeInstance, upsertInstance, type InstanceInfo } from './registry.js';

/** Defaults, documented in docs/zero-downtime.md. */
export const INSTANCE_DEFAULTS = { heartbeatMs: 10_000, ttlMs: 30_000 } as const;

/** The application_name of an instance's sessions (Postgres keeps 63 bytes). */
export function instanceApplicationName(id: string): string {
  return storedName(`cutover:${id}`);
}

/** What {@link startInstance} needs. */
export interface StartInstanceOptions {
  connector: Connector;
  schema: string;
  info: InstanceInfo;
  heartbeatMs: number;
  /** Runs after each successful heartbeat (auto-contract), with the heartbeat's session; never overlaps itself. */
  onHeartbeat?: (session: Session) => Promise<void>;
  /** A heartbeat or hook that failed (the next beat tries again). */
  onError?: (error: unknown) => void;
}

/** A live registration. */
export interface Instance {
  readonly id: string;
  /** Set it on the app's own pool too (`application_name`), to see its sessions in pg_stat_activity. */
  readonly applicationName: string;
  readonly info: InstanceInfo;
  /** Beat now (the timer does it every `heartbeatMs`). */
  heartbeat(): Promise<void>;
  /** Stop the timer and deregister. */
  stop(): Promise<void>;
}

/**
 * Register and start heartbeating.
 *
 * @example
 * const instance = await startInstance({ connector, schema: 'public', info, heartbeatMs: 10_000 });
 * process.once('SIGTERM', () => instance.stop());
 */
export async function startInstance(options: StartInstanceOptions): Promise<Instance> {
  const { connector, schema, info } = options;
  if (!(info.ttlMs > options.heartbeatMs)) {
    throw new CutoverError('CONFIG', `instance TTL (${info.ttlMs}ms) must be longer than its heartbeat interval (${options.heartbeatMs}ms)`, {
      hint: 'Use a TTL of at least three heartbeats (the defaults are 10s and 30s), so one slow beat does not make a live instance look gone.',
      details: { setting: 'ttlMs' },
    });
  }
  let connection: Connection | undefined = await connector.connect();
  let stopped = false;
  let hookRunning = false;
  try {
    await createRegistry(connection, schema);
    await upsertInstance(connection, schema, info, { register: true });
  } catch (error) {
    await connection.close(true);
    throw error;
  }

  async function session(): Promise<Connection> {
    connection ??= await connector.connect();
    return connection;
  }
  async function beat(): Promise<void> {
    try {
      await upsertInstance(await session(), schema, info, { register: false });
    } catch (error) {
      // A broken session is replaced at the next beat.
      const broken = connection;
      connection = undefined;
      await broken?.close(true);
      throw error;
    }
    if (options.onHeartbeat && !hookRunning && !stopped) {
      hookRunning = true;
      try {
        await options.onHeartbeat(await session());
      } finally {
        hookRunning = false;
      }
    }
  }
  const timer = setInterval(() => {
    beat().catch((error) => options.onError?.(error));
  }, options.heartbeatMs);
  timer.unref?.();

  return {
    id: info.id,
    applicationName: info.applicationName ?? instanceApplicationName(info.id),
    info,
    heartbeat: beat,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      try {
        await removeInstance(await session(), schema, info.id);
      } finally {
        await connection?.close();
        connection = undefined;
      }
    },
  };
}
