/**
 * The deploy side of the library's front door: `registerInstance`,
 * `listInstances`, `forgetInstance`, `waitForSchema`. Options in the shape
 * of the rest of the API (`{ url | pool, schema, dir | migrations }`),
 * turned into the core's ports here.
 */
import { hostname } from 'node:os';
import { targetSchema, targetLedger, connectorFor, readMigrations, resolveRun, type TargetOptions } from '../target/index.js';
import { CutoverError } from '../errors.js';
import type { OnEvent } from '../run/events.js';
import { isLive, type InstanceRecord } from './guard.js';
import { postGuardVerdict } from './guarded-run.js';
import { readLedger, type LedgerKind } from '../db/ledger.js';
import type { Session } from '../db/session.js';
import type { Migration } from '../migrations/types.js';
import { plan } from '../plan/plan.js';
import { INSTANCE_DEFAULTS, instanceApplicationName, startInstance, type Instance } from './instance.js';
import { readRegistry, removeInstance } from './registry.js';
import { highestVersion, orderOf } from './versions.js';
import { runAutoContract } from './auto-contract.js';
import { waitForSchemaOn, type WaitForSchemaOptions, type WaitForSchemaReport } from './wait-for-schema.js';

/** Options of {@link registerInstance}. */
export interface RegisterInstanceOptions extends TargetOptions {
  /** This release's version, as deploy scripts and `/health` show it. */
  appVersion: string;
  /** Stable id (a pod name: HOSTNAME in Kubernetes); default `<host>-<pid>`. */
  id?: string;
  host?: string;
  /** Default: the highest version of the migration set (`dir` / `migrations`). */
  knownVersion?: string;
  /** Default 10 s. */
  heartbeatMs?: number;
  /** Gone after this long without a heartbeat; default 30 s (at least three heartbeats). */
  ttlMs?: number;
  /** Each heartbeat also tries the pending post migrations through the guard (see `migrate({ autoContract })`). */
  autoContract?: boolean;
  onEvent?: OnEvent;
  /** A failed heartbeat or auto-contract attempt (the next beat tries again). */
  onError?: (error: unknown) => void;
  /** A heartbeat got through (after failures: the instance is fresh again). */
  onBeat?: () => void;
}

/**
 * Register this app instance in the schema's registry and keep it alive
 * with heartbeats; `stop()` it on shutdown. With `url` it keeps one session
 * of its own (`application_name = cutover:<id>`); with `pool` it holds one
 * of the pool's connections for as long as it runs.
 *
 * @example
 * import { registerInstance, migrate } from 'cutover';
 * const instance = await registerInstance({ url, dir: 'migrations', appVersion: '2.4.0', id: process.env.HOSTNAME });
 * await migrate({ url, dir: 'migrations', autoContract: true });
 * process.once('SIGTERM', () => instance.stop());
 */
export async function registerInstance(options: RegisterInstanceOptions): Promise<Instance> {
  const schema = targetSchema(options);
  const id = options.id ?? `${hostname()}-${process.pid}`;
  const applicationName = instanceApplicationName(id);
  let knownVersion = options.knownVersion;
  if (knownVersion === undefined) {
    const migrations = await readMigrations(options);
    knownVersion = highestVersion(migrations.filter((m) => !m.repeatable).map((m) => m.version), orderOf(migrations)) ?? '0';
  }
  const connector = connectorFor({ ...options, applicationName }, 'instance');
  const heartbeatMs = options.heartbeatMs ?? INSTANCE_DEFAULTS.heartbeatMs;
  const ttlMs = options.ttlMs ?? Math.max(INSTANCE_DEFAULTS.ttlMs, 3 * heartbeatMs);
  return startInstance({
    connector, schema, heartbeatMs,
    info: { id, host: options.host ?? hostname(), appVersion: options.appVersion, knownVersion, pid: process.pid, applicationName, ttlMs },
    onError: options.onError,
    onHeartbeat: async (session) => {
      options.onBeat?.();
      if (!options.autoContract) return;
      const migrations = await readMigrations(options);
      if (!(await contractMayRun(session, schema, migrations, targetLedger(options)))) return;
      // A short lock wait: a heartbeat must not hang behind a long migration; the next beat tries again.
      await runAutoContract(connectorFor(options, 'migrate'), migrations, {
        ...resolveRun({ phase: 'post', lockWaitMs: 1000, onEvent: options.onEvent, ledger: options.ledger }), schema,
      }).catch((error: unknown) => {
        // Not this beat's business: pre migrations still pending (the deploy's own run applies them),
        // or another run holds the lock (the next beat looks again).
        if (error instanceof CutoverError && (error.code === 'PHASE_ORDER' || error.code === 'LOCK_WAIT_TIMEOUT')) return;
        throw error;
      });
    },
  });
}

/**
 * A heartbeat's look before its contract attempt, on its own session and
 * without the migration lock: is a post migration pending, and does the guard
 * let it run? Most beats find nothing to contract, or an older instance still
 * live; only the others open a connection and take the lock, where the run
 * checks both again. A history problem is left to that run to report.
 */
async function contractMayRun(session: Session, schema: string, migrations: Migration[], ledger: LedgerKind): Promise<boolean> {
  const rows = await readLedger(session, schema, { kind: ledger, migrations });
  const thePlan = plan(migrations, rows ?? [], { phase: 'post' });
  if (thePlan.errors.length > 0) return true;
  const post = thePlan.steps.map((step) => step.migration);
  if (post.length === 0) return false;
  return (await postGuardVerdict(session, schema, post)).allowed;
}

/** What {@link listInstances} returns. */
export interface InstancesReport {
  schema: string;
  /** The database's clock when read. */
  now: Date;
  /** Live instances (with `all`: expired ones too, marked `live: false`). */
  instances: (InstanceRecord & { live: boolean })[];
}

/**
 * The registered instances of a schema.
 *
 * @example
 * const { instances } = await listInstances({ url });
 */
export async function listInstances(options: TargetOptions & { all?: boolean }): Promise<InstancesReport> {
  const schema = targetSchema(options);
  const connection = await connectorFor(options, 'instances').connect();
  try {
    const { instances, now } = await readRegistry(connection, schema);
    const marked = instances.map((i) => ({ ...i, live: isLive(i, now) }));
    return { schema, now, instances: options.all ? marked : marked.filter((i) => i.live) };
  } finally {
    await connection.close();
  }
}

/**
 * Remove an instance's row by hand (it is gone, and waiting for its TTL is not wanted).
 *
 * @example
 * await forgetInstance({ url, id: 'web-7f9c' });
 */
export async function forgetInstance(options: TargetOptions & { id: string }): Promise<void> {
  const connection = await connectorFor(options, 'instances').connect();
  try {
    await removeInstance(connection, targetSchema(options), options.id);
  } finally {
    await connection.close();
  }
}

/**
 * Wait until the schema has every pre migration this code needs (the
 * migration set's, or up to `atLeast`), without taking the lock. For
 * replicas that do not migrate themselves.
 *
 * @example
 * import { waitForSchema } from 'cutover';
 * await waitForSchema({ url, dir: 'migrations', timeoutMs: 120_000 });
 */
export async function waitForSchema(options: TargetOptions & Omit<WaitForSchemaOptions, 'schema'> & { useMigrations?: boolean }): Promise<WaitForSchemaReport> {
  const migrations = options.useMigrations === false ? undefined : await readMigrations(options);
  return waitForSchemaOn(connectorFor(options, 'wait'), migrations, { ...options, schema: targetSchema(options) });
}

export type { Instance };
