/**
 * Where the dashboard's data comes from: the fleet (targets and ledgers, as
 * `status` reads them: no lock, nothing written), the instance registries
 * in one query per database, and one target's detail. Open pages share one
 * snapshot: many of them cost the database no more than one.
 */
import { readFleet, type FleetSnapshot, type FleetTargetOptions } from '../../fleet/api.js';
import { readLedgers } from '../../fleet/ledgers.js';
import { targetKey } from '../../fleet/run-fleet.js';
import type { Migration } from '../../migrations/types.js';
import { splitStatements } from '../../sql/statements.js';
import { pgConnector } from '../../db/pg.js';
import { describeUrl } from '../../db/url.js';
import { CutoverError } from '../../errors.js';
import { readMigrations, targetLedger } from '../../target/index.js';
import { ident, literal } from '../../db/sql.js';
import { ledgerTables, readLedger } from '../../db/ledger.js';
import type { Session } from '../../db/session.js';
import type { InstanceRecord } from '../../deploy/guard.js';
import { findInvalidIndexes, type InvalidIndex } from '../../backup/invalid-indexes.js';
import type { LedgerRow } from '../../plan/types.js';
import type { TargetStatus } from '../../fleet/status.js';
import { fleetModel, type FleetModel } from './model.js';

/** The whole fleet is read again, in the background, when the last read is older than this. */
const FULL_REFRESH_MS = 30_000;
/** Registries per UNION ALL query. */
const BATCH = 200;

/** A target's page. */
export interface TargetDetail {
  database: string;
  schema: string;
  ledger: LedgerRow[];
  failures: Failure[];
  audit: { version: string; action: string; by: string; reason: string | null; at: string }[];
  invalidIndexes: InvalidIndex[];
  instances: InstanceRecord[];
}

/** A failed migration recorded in the ledger, placed in its file. */
export interface Failure {
  version: string;
  file: string | null;
  /** 1-based statement number, line and column in the file (null: not known). */
  statement: number | null;
  line: number | null;
  column: number | null;
  /** The file's text on that line. */
  excerpt: string | null;
  sqlstate: string | null;
  error: string;
  hint: string;
}

async function failures(ledger: readonly LedgerRow[], migrations: readonly Migration[]): Promise<Failure[]> {
  return Promise.all(ledger.filter((r) => r.state === 'failed').map(async (row) => {
    const migration = migrations.find((m) => m.version === row.version);
    const at = migration && row.failedStatement ? (await splitStatements(migration).catch(() => []))[row.failedStatement - 1] : undefined;
    return {
      version: row.version, file: migration?.file ?? null, statement: row.failedStatement, line: at?.line ?? null, column: at?.column ?? null,
      excerpt: at && migration ? migration.sql.split('\n')[at.line - 1] ?? null : null,
      sqlstate: /SQLSTATE (\w{5})/.exec(row.error ?? '')?.[1] ?? null, error: row.error ?? 'failed (no message recorded)',
      hint: `Undo what it did or finish it by hand, then \`cutover resolve ${row.version} --rolled-back\` (or \`--applied\`) and run again.`,
    };
  }));
}

/** The dashboard's data port. */
export interface DashboardSource {
  model(): Promise<FleetModel>;
  target(database: string, schema: string): Promise<TargetDetail | undefined>;
  /** A run announced progress on this schema (read it again), or, without one, forget everything. */
  invalidate(changed?: { database: string; schema: string }): void;
  /** The targets' databases: `describe` (no password) and URL, for LISTEN. */
  databases(): Promise<{ database: string; url: string }[]>;
}

interface RawInstance {
  schema: string; id: string; host: string; app_version: string; known_version: string; pid: number | null;
  application_name: string | null; started_at: Date; last_seen: Date; ttl_ms: number;
}

/** Every registry among `schemas` in a few queries; the database's clock with them. */
async function readRegistries(session: Session, database: string, schemas: readonly string[]): Promise<{ registries: Map<string, InstanceRecord[]>; now: Date }> {
  const wanted = new Set(schemas);
  const found = await session.query<{ name: string; now: Date }>(
    `SELECT n.nspname AS name, now() AS now FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'cutover_instances' AND c.relkind = 'r'
     UNION ALL SELECT NULL, now()`,
  );
  const now = found.rows[0]!.now;
  const names = found.rows.map((r) => r.name).filter((n): n is string => n !== null && wanted.has(n));
  const registries = new Map<string, InstanceRecord[]>();
  for (let from = 0; from < names.length; from += BATCH) {
    const sql = names.slice(from, from + BATCH).map((schema) => `SELECT ${literal(schema)} AS schema, id, host, app_version, known_version, pid, application_name, started_at, last_seen, ttl_ms FROM ${ident(schema)}.cutover_instances`).join('\nUNION ALL\n');
    for (const r of (await session.query<RawInstance>(sql)).rows) {
      const key = targetKey({ database, schema: r.schema });
      if (!registries.has(key)) registries.set(key, []);
      registries.get(key)!.push({
        id: r.id, host: r.host, appVersion: r.app_version, knownVersion: r.known_version, pid: r.pid, applicationName: r.application_name,
        startedAt: r.started_at, lastSeen: r.last_seen, ttlMs: r.ttl_ms,
      });
    }
  }
  return { registries, now };
}

interface State {
  fleet: FleetSnapshot;
  registries: Map<string, InstanceRecord[]>;
  /** The database's clock when read, and ours then (instance TTLs are judged on the database's). */
  dbNow: Date;
  at: number;
  model: FleetModel;
  /** Each target's status, kept across patches. */
  statuses: Map<string, TargetStatus>;
}

/**
 * The data source for a fleet given as `status` takes it. The whole fleet
 * is read once, then again every 30 s in the background (the page is served
 * the last one meanwhile); a schema a run announced is read alone, at once.
 *
 * @example
 * const source = dashboardSource({ targets: [{ url, pattern: 'tenant_*' }], dir: 'migrations' });
 * const { overview } = await source.model();
 */
export function dashboardSource(options: FleetTargetOptions): DashboardSource {
  const applicationName = 'cutover dashboard';
  const urls = new Map(options.targets.map((spec) => [describeUrl(spec.url), spec.url]));
  let state: Promise<State> | undefined;
  let reloading: Promise<void> | undefined;
  let dirty = new Map<string, Set<string>>();
  const modelOf = (fleet: FleetSnapshot, registries: Map<string, InstanceRecord[]>, dbNow: Date, at: number, statuses = new Map<string, TargetStatus>()): State => ({
    fleet, registries, dbNow, at, statuses, model: fleetModel(fleet, registries, new Date(dbNow.getTime() + (Date.now() - at)), statuses),
  });
  const loadAll = async (): Promise<State> => {
    // A fleet with no tenant yet is a fleet to show (they come later), not an error.
    const fleet = await readFleet({ ...options, applicationName }).catch(async (error: unknown) => {
      if (!(error instanceof CutoverError) || error.code !== 'NO_TARGETS') throw error;
      return { migrations: await readMigrations(options), targets: [], ledgers: new Map() } satisfies FleetSnapshot;
    });
    const registries = new Map<string, InstanceRecord[]>();
    let dbNow = new Date();
    for (const [database, url] of urls) {
      const connection = await pgConnector({ url, applicationName }).connect();
      try {
        const read = await readRegistries(connection, database, fleet.targets.filter((t) => t.database === database).map((t) => t.schema));
        for (const [key, list] of read.registries) registries.set(key, list);
        dbNow = read.now;
      } finally {
        await connection.close();
      }
    }
    return modelOf(fleet, registries, dbNow, Date.now());
  };
  /** Read again only the schemas runs announced; one unknown to the snapshot (a new tenant) reads everything. */
  const patch = async (current: State, changed: Map<string, Set<string>>): Promise<State> => {
    const ledgers = new Map(current.fleet.ledgers);
    const statuses = new Map(current.statuses);
    for (const [database, schemas] of changed) {
      const url = urls.get(database);
      const known = new Set(current.fleet.targets.filter((t) => t.database === database).map((t) => t.schema));
      if (!url || [...schemas].some((schema) => !known.has(schema))) return loadAll();
      const connection = await pgConnector({ url, applicationName }).connect();
      try {
        const read = await readLedgers(connection, [...schemas], { kind: targetLedger(options), migrations: current.fleet.migrations, full: true });
        for (const [schema, rows] of read) {
          ledgers.set(targetKey({ database, schema }), rows);
          statuses.delete(targetKey({ database, schema }));
        }
      } finally {
        await connection.close();
      }
    }
    return modelOf({ ...current.fleet, ledgers }, current.registries, current.dbNow, current.at, statuses);
  };
  const current = async (): Promise<State> => {
    state ??= loadAll();
    state.catch(() => { state = undefined; }); // the next request tries again
    let now = await state;
    if (dirty.size > 0) {
      const changed = dirty;
      dirty = new Map();
      state = patch(now, changed);
      now = await state;
    }
    if (Date.now() - now.at > FULL_REFRESH_MS && !reloading) {
      reloading = loadAll().then((fresh) => { state = Promise.resolve(fresh); }, () => {}).finally(() => { reloading = undefined; });
    }
    return now;
  };
  return {
    model: async () => (await current()).model,
    invalidate(changed) {
      if (!changed) {
        state = undefined;
        return;
      }
      if (!dirty.has(changed.database)) dirty.set(changed.database, new Set());
      dirty.get(changed.database)!.add(changed.schema);
    },
    async databases() {
      return [...urls].map(([database, url]) => ({ database, url }));
    },
    async target(database, schema) {
      const { fleet } = await current();
      const target = fleet.targets.find((t) => t.database === database && t.schema === schema);
      if (!target) return undefined;
      const connection = await pgConnector({ url: target.url, applicationName }).connect();
      try {
        const ledger = (await readLedger(connection, schema, { kind: targetLedger(options) })) ?? [];
        const audit = await connection.query<{ version: string; action: string; by: string; reason: string | null; at: Date }>(
          `SELECT version, action, by, reason, at FROM ${ledgerTables(schema).audit} ORDER BY at DESC LIMIT 200`,
        ).then((r) => r.rows.map((a) => ({ ...a, at: a.at.toISOString() })), () => []);
        const { registries } = await readRegistries(connection, database, [schema]);
        return {
          database, schema, ledger, audit, failures: await failures(ledger, fleet.migrations),
          invalidIndexes: await findInvalidIndexes(connection, schema), instances: registries.get(targetKey({ database, schema })) ?? [],
        };
      } finally {
        await connection.close();
      }
    },
  };
}
