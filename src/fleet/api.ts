/**
 * The fleet's front door: `migrateFleet` and `fleetStatus`, taking target
 * specs (`{ url, schemas | pattern | query | allSchemas }`), the migration
 * set (read once for the whole fleet) and run options. It resolves targets,
 * picks a concurrency the server can take, and calls the core.
 */
import { availableParallelism } from 'node:os';
import { readMigrations, resolveRun, targetDir, targetLedger, type MigrationsOptions } from '../target/index.js';
import { CutoverError } from '../errors.js';
import { pgConnector } from '../db/pg.js';
import { describeUrl } from '../db/url.js';
import { ledgerFor, type LedgerKind } from '../db/ledger.js';
import type { Connection } from '../db/session.js';
import type { BundledFile } from '../migrations/bundle.js';
import type { Migration } from '../migrations/types.js';
import type { DatabaseConnector } from './connections.js';
import { compareNames, discoverSchemas, needsDiscovery } from './discover.js';
import { readLedgers } from './ledgers.js';
import { runFleet, targetKey, type FleetRunOptions } from './run-fleet.js';
import type { LedgerRow } from '../plan/types.js';
import { inShard, parseShard } from './shard.js';
import { readFleetStatus, type FleetStatusReport } from './status.js';
import type { FleetReport, OnFleetEvent, Shard, Target, TargetRef, TargetSpec } from './types.js';
import { notifier, type Notifier } from '../db/notify.js';
import { openVerdicts, type CacheOptions } from '../verdicts/index.js';

/** Where the fleet is and which migrations to use. */
export interface FleetTargetOptions extends MigrationsOptions {
  /** The databases and, in each, the schemas to migrate. */
  targets: TargetSpec[];
  /** Targets at once (default: from the machine and the server's free connections). */
  concurrency?: number;
  /** This worker's share of the targets: `{ index, count }` or `'i/n'` (1-based). */
  shard?: Shard | string;
  /** Shown in pg_stat_activity (default `cutover fleet`). */
  applicationName?: string;
}

/** Options of {@link migrateFleet}. */
export type MigrateFleetOptions = FleetTargetOptions & Omit<FleetRunOptions, 'concurrency' | 'shard'> & CacheOptions & {
  /** Announce each applied or failed migration with NOTIFY cutover_progress, for a dashboard (default true). */
  notify?: boolean;
};

/** What {@link defaultConcurrency} weighs. */
export interface ConcurrencyInputs {
  cpus: number;
  maxConnections: number;
  reserved: number;
  inUse: number;
}

/**
 * The default concurrency: two targets per CPU (each spends half its time
 * waiting on the server), at most 16, and never more than half the
 * connections the server has free.
 *
 * @example
 * defaultConcurrency({ cpus: 2, maxConnections: 100, reserved: 3, inUse: 10 }); // 4
 */
export function defaultConcurrency(inputs: ConcurrencyInputs): number {
  const free = Math.floor((inputs.maxConnections - inputs.reserved - inputs.inUse) / 2);
  return Math.max(1, Math.min(16, Math.max(2, inputs.cpus * 2), free));
}

function checkSpecs(specs: TargetSpec[]): void {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new CutoverError('CONFIG', 'no targets given', { hint: 'Pass targets: [{ url, schemas: [...] | pattern | query | allSchemas }].', details: { setting: 'targets' } });
  }
  for (const spec of specs) {
    describeUrl(spec.url); // INVALID_URL, password masked
    if (!spec.schemas?.length && spec.pattern === undefined && spec.query === undefined && !spec.allSchemas) {
      throw new CutoverError('CONFIG', `target ${describeUrl(spec.url)} selects no schemas`, {
        hint: 'Give it schemas (names), pattern (a glob such as tenant_*), query (SELECT returning schema names) or allSchemas: true.',
        details: { setting: 'targets', target: describeUrl(spec.url) },
      });
    }
  }
}

interface Resolved {
  targets: Target[];
  shard: Shard | undefined;
  databases: Map<string, DatabaseConnector>;
  /** The connection discovery opened per database, kept for the bulk ledger read (a new backend costs ~30 ms). */
  spare: Map<string, Connection>;
  concurrency: number;
}

/** Close the discovery connections nothing took. */
async function closeSpare(resolved: Pick<Resolved, 'spare'>): Promise<void> {
  const connections = [...resolved.spare.values()];
  resolved.spare.clear();
  await Promise.all(connections.map((c) => c.close().catch(() => {})));
}

async function serverRoom(connection: Connection): Promise<Omit<ConcurrencyInputs, 'cpus'>> {
  const result = await connection.query<{ max: number; reserved: number; used: number }>(
    `SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved,
            (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS used`,
  );
  const row = result.rows[0]!;
  return { maxConnections: row.max, reserved: row.reserved, inUse: row.used };
}

/** Resolve specs into sorted, deduplicated targets (this shard's), with a connector per database. */
async function resolveTargets(options: FleetTargetOptions, applicationName: string): Promise<Resolved> {
  checkSpecs(options.targets);
  const databases = new Map<string, DatabaseConnector>();
  const spare = new Map<string, Connection>();
  const found = new Map<string, Target>();
  let room: Omit<ConcurrencyInputs, 'cpus'> | undefined;
  try {
    for (const spec of options.targets) {
      const database = describeUrl(spec.url);
      if (!databases.has(database)) databases.set(database, pgConnector({ url: spec.url, applicationName }));
      let names = spec.schemas ?? [];
      if (needsDiscovery(spec) || (options.concurrency === undefined && room === undefined)) {
        if (!spare.has(database)) spare.set(database, await databases.get(database)!.connect());
        const connection = spare.get(database)!;
        if (needsDiscovery(spec)) names = await discoverSchemas(connection, spec, ledgerFor('', targetLedger(options)).tableName);
        if (options.concurrency === undefined) {
          const here = await serverRoom(connection);
          if (!room || here.maxConnections - here.inUse < room.maxConnections - room.inUse) room = here;
        }
      }
      for (const schema of names) found.set(`${database}\0${schema}`, { database, schema, url: spec.url });
    }
  } catch (error) {
    await closeSpare({ spare });
    throw error;
  }
  const all = [...found.values()].sort((a, b) => compareNames(a.database, b.database) || compareNames(a.schema, b.schema));
  if (all.length === 0) {
    await closeSpare({ spare });
    throw new CutoverError('NO_TARGETS', 'no schema matched the targets given', {
      hint: 'Check the --schemas glob or --schemas-query (system schemas pg_* and information_schema never match); --all-schemas finds only schemas that already have a ledger.',
      details: { targets: options.targets.map((s) => describeUrl(s.url)) },
    });
  }
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : options.shard;
  const concurrency = options.concurrency ?? defaultConcurrency({ cpus: availableParallelism(), ...room! });
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    await closeSpare({ spare });
    throw new CutoverError('USAGE', `concurrency ${concurrency}: expected a whole number ≥ 1`, { hint: 'For example --concurrency 8.', details: { setting: 'concurrency' } });
  }
  return { targets: inShard(all, shard), shard, databases, spare, concurrency };
}

/**
 * Every target's ledger, a few queries per database, no locks. A database that
 * cannot be read this way is left out: its targets are read by their own runs.
 */
async function readAllLedgers(resolved: Resolved, options: { kind: LedgerKind; migrations: readonly Migration[]; onLedgers?: (database: string, ledgers: ReadonlyMap<string, LedgerRow[] | undefined>) => void }): Promise<Map<string, LedgerRow[] | undefined>> {
  const ledgers = new Map<string, LedgerRow[] | undefined>();
  const byDatabase = new Map<string, string[]>();
  for (const t of resolved.targets) {
    if (!byDatabase.has(t.database)) byDatabase.set(t.database, []);
    byDatabase.get(t.database)!.push(t.schema);
  }
  for (const [database, schemas] of byDatabase) {
    let connection = resolved.spare.get(database);
    resolved.spare.delete(database);
    try {
      connection ??= await resolved.databases.get(database)!.connect();
      const onLedgers = options.onLedgers && ((part: ReadonlyMap<string, LedgerRow[] | undefined>) => options.onLedgers!(database, part));
      for (const [schema, rows] of await readLedgers(connection, schemas, { ...options, onLedgers })) ledgers.set(targetKey({ database, schema }), rows);
    } catch {
      // Each target's own run reports what is wrong (connection, privileges) properly.
    } finally {
      await connection?.close();
    }
  }
  await closeSpare(resolved); // a database with no target in this shard
  return ledgers;
}

/**
 * Ledgers handed to the runs as they are read: a target waits for its own
 * batch only, so the first targets migrate while the rest are read. A
 * schema read to have no ledger resolves `null`; what is not read (an
 * error, a database left out) resolves `undefined`: run it.
 */
function ledgerFeed(targets: readonly Target[]): { get: (target: TargetRef) => Promise<LedgerRow[] | null | undefined>; put: (database: string, part: ReadonlyMap<string, LedgerRow[] | undefined>) => void; end: () => void } {
  const pending = new Map<string, (rows: LedgerRow[] | null | undefined) => void>();
  const known = new Map<string, Promise<LedgerRow[] | null | undefined>>();
  for (const key of targets.map(targetKey)) known.set(key, new Promise((resolve) => pending.set(key, resolve)));
  const settle = (key: string, rows: LedgerRow[] | null | undefined) => {
    pending.get(key)?.(rows);
    pending.delete(key);
  };
  return {
    get: (target) => known.get(targetKey(target)) ?? Promise.resolve(undefined),
    put: (database, part) => {
      for (const [schema, rows] of part) settle(targetKey({ database, schema }), rows ?? null);
    },
    end: () => {
      for (const key of [...pending.keys()]) settle(key, undefined);
    },
  };
}

/** NOTIFY each applied or failed migration (and each failed target) to its database, for dashboards. */
function progressAnnouncer(databases: ReadonlyMap<string, DatabaseConnector>): { announce: OnFleetEvent; close: () => Promise<void> } {
  const notifiers = new Map<string, Notifier>();
  const send = (target: TargetRef, payload: Record<string, string>) => {
    let sender = notifiers.get(target.database);
    if (!sender) notifiers.set(target.database, sender = notifier(databases.get(target.database)!));
    sender.send(JSON.stringify({ schema: target.schema, ...payload }));
  };
  return {
    announce(event) {
      if (event.type === 'migration-finished') send(event.target, { version: event.migration.version, state: 'applied' });
      else if (event.type === 'migration-failed') send(event.target, { version: event.migration.version, state: 'failed' });
      else if (event.type === 'target-finished' && event.result.outcome === 'failed') send(event.target, { state: 'target-failed' });
    },
    close: async () => { await Promise.all([...notifiers.values()].map((n) => n.close())); },
  };
}

/**
 * Migrate many schemas, in one or several databases, in parallel: each one
 * exactly as `migrate` would (its own lock, ledger and search_path). Resolves
 * with the fleet report; rejects with FLEET_FAILED / CANARY_FAILED carrying it.
 *
 * @example
 * import { migrateFleet } from 'cutover';
 * const report = await migrateFleet({
 *   targets: [{ url: process.env.DATABASE_URL!, pattern: 'tenant_*' }],
 *   dir: 'migrations', concurrency: 8, canary: 5,
 *   onEvent: (e) => { if (e.type === 'target-finished') console.log(e.target.schema, e.result.outcome); },
 * });
 */
export async function migrateFleet(options: MigrateFleetOptions): Promise<FleetReport> {
  const loading = readMigrations(options, { sum: true });
  loading.catch(() => {});
  const { applicationName, notify = true, canary, continueOnError } = options;
  const resolved = await resolveTargets(options, applicationName ?? 'cutover fleet');
  const migrations = await loading.catch(async (error: unknown) => {
    await closeSpare(resolved);
    throw error;
  });
  // Targets already up to date are found in a few queries, not a lock round trip each; the runs
  // start with the first batch read.
  const feed = ledgerFeed(resolved.targets);
  const reading = readAllLedgers(resolved, { kind: targetLedger(options), migrations, onLedgers: feed.put }).finally(feed.end);
  const progress = notify ? progressAnnouncer(resolved.databases) : undefined;
  const onEvent: OnFleetEvent | undefined = progress ? (event) => { progress.announce(event); options.onEvent?.(event); } : options.onEvent;
  const run = resolveRun({ ...options, onEvent: undefined }); // the fleet's listener hears the runs' events, tagged
  // Each file is parsed once for the whole fleet, and not at all when its verdict is kept (docs/performance.md).
  const verdicts = openVerdicts({ cache: options.cache, cacheDir: options.cacheDir, from: targetDir(options), embedded: options.migrations?.map((file) => file.verdict) });
  try {
    return await runFleet(resolved.targets, (t) => resolved.databases.get(t.database)!, migrations, {
      ...run, verdicts, canary, continueOnError, onEvent, concurrency: resolved.concurrency, ledgers: feed.get, shard: resolved.shard,
    });
  } finally {
    await Promise.all([reading, progress?.close()]);
  }
}

/**
 * Where every target stands: how many at each version, which have pending
 * pre/post, failed, edited or ahead migrations. Reads only.
 *
 * @example
 * const { versions, counts } = await fleetStatus({ targets: [{ url, allSchemas: true }] });
 */
export async function fleetStatus(options: FleetTargetOptions & { strict?: boolean }): Promise<FleetStatusReport> {
  const migrations = await readMigrations(options);
  const resolved = await resolveTargets(options, options.applicationName ?? 'cutover status');
  return readFleetStatus(resolved.targets, (t) => resolved.databases.get(t.database)!, migrations, {
    concurrency: resolved.concurrency, ledgers: await readAllLedgers(resolved, { kind: targetLedger(options), migrations }), ledger: targetLedger(options), ...(options.strict ? { strict: true } : {}),
  });
}

/** Every target of a fleet with its whole ledger (when and how long each migration took), and the migration set. */
export interface FleetSnapshot {
  migrations: readonly Migration[];
  targets: Target[];
  /** By {@link targetKey}: rows, `undefined` for a schema without a ledger; absent: could not be read. */
  ledgers: Map<string, LedgerRow[] | undefined>;
}

/** Connections a dashboard's full read uses per database: the UNION ALL batches are the server's CPU, and it has more than one. */
const READ_CONNECTIONS = 4;

/**
 * Read a fleet as the dashboard shows it: the targets, and each ledger in a
 * few queries per database, over a few connections. Reads only, takes no lock.
 *
 * @example
 * const { targets, ledgers } = await readFleet({ targets: [{ url, pattern: 'tenant_*' }], dir: 'migrations' });
 */
export async function readFleet(options: FleetTargetOptions): Promise<FleetSnapshot> {
  const migrations = await readMigrations(options);
  const resolved = await resolveTargets({ concurrency: 1, ...options }, options.applicationName ?? 'cutover dashboard');
  await closeSpare(resolved);
  const ledgers = new Map<string, LedgerRow[] | undefined>();
  const byDatabase = new Map<string, string[]>();
  for (const t of resolved.targets) byDatabase.set(t.database, [...(byDatabase.get(t.database) ?? []), t.schema]);
  await Promise.all([...byDatabase].flatMap(([database, schemas]) => {
    const share = Math.ceil(schemas.length / READ_CONNECTIONS);
    return Array.from({ length: Math.ceil(schemas.length / share) }, async (_, i) => {
      const connection = await resolved.databases.get(database)!.connect();
      try {
        const part = await readLedgers(connection, schemas.slice(i * share, (i + 1) * share), { kind: targetLedger(options), migrations, full: true });
        for (const [schema, rows] of part) ledgers.set(targetKey({ database, schema }), rows);
      } finally {
        await connection.close();
      }
    });
  }));
  return { migrations, targets: resolved.targets, ledgers };
}
