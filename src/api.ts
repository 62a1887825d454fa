/**
 * The library's front door: `migrate`, `plan`, `status`, `resolve`,
 * `rollback`, each taking `{ url | pool, schema, dir | migrations, … }`.
 * It turns those options into the core's ports (a connector, a migration
 * source) and calls the core; nothing here decides anything.
 */
import { hostname, userInfo } from 'node:os';
import { CutoverError } from './errors.js';
import { pgConnector, type PoolLike } from './db/pg.js';
import { readLedger, type LedgerKind } from './db/ledger.js';
import type { Connector, Session } from './db/session.js';
import { bundleSource, type BundledFile } from './migrations/bundle.js';
import { directorySource, type DirectoryOptions } from './migrations/directory.js';
import { loadMigrations, type LoadOptions } from './migrations/load.js';
import type { FormatNotice, FormatOption } from './migrations/formats/types.js';
import type { Migration } from './migrations/types.js';
import { plan as planSteps } from './plan/plan.js';
import type { PhaseOption, Problem, StatusEntry } from './plan/types.js';
import { runMigrations, type MigrateReport, type RunOptions } from './run/migrate.js';
import { resolveVersion, type ResolveAction, type ResolveReport } from './run/resolve.js';
import { guardedRun, type GuardOptions } from './deploy/guarded-run.js';
import { runAutoContract, type AutoContractReport } from './deploy/auto-contract.js';
import { findInvalidIndexes, type InvalidIndex } from './backup/invalid-indexes.js';

/** Where the database is and which migrations to use. */
export interface TargetOptions {
  /** A connection URL (postgres://…). */
  url?: string;
  /** Or a pool: one client is checked out for the whole run. */
  pool?: PoolLike;
  /** Target schema (default `public`): the ledger lives there and search_path is pinned to it. */
  schema?: string;
  /** Migrations directory (default `./migrations`). */
  dir?: string;
  /** Or bundled migrations (from `cutover bundle`), for a container without the folder. */
  migrations?: readonly BundledFile[];
  /** The layout of `dir` or `migrations`: `auto` (default) or a tool's (docs/formats.md). */
  format?: FormatOption;
  /** Told which layout `auto` chose, and why. */
  onDetect?: LoadOptions['onDetect'];
  /** Told of each file the layout's tool skips, and each migration in another language that cutover cannot run. */
  onNotice?: LoadOptions['onNotice'];
  /** Told each symbolic link in `dir` that is followed, and the file it resolves to. */
  onLink?: DirectoryOptions['onLink'];
  /**
   * The history table: `cutover` (default, `cutover_migrations`) or `sqlx`
   * (`_sqlx_migrations`, read and written as sqlx does, shared with a Rust
   * service running `sqlx::migrate!`: docs/sqlx-ledger.md).
   */
  ledger?: LedgerKind;
  /** Shown in pg_stat_activity (default `cutover`). */
  applicationName?: string;
}

/** Options of {@link migrate}. */
export type MigrateOptions = TargetOptions & Omit<RunOptions, 'schema' | 'dryRun' | 'beforeRun' | 'afterRun' | 'ledgerAbsent'> & GuardOptions & {
  /** Pre phase, then the post phase if every live instance knows it (docs/zero-downtime.md); the report says what happened in `contract`. */
  autoContract?: boolean;
  /**
   * Also look for the schema's invalid indexes, on the run's connection once it has ended
   * (after a failure too): `report.invalidIndexes`. One more query; the CLI's `migrate` asks.
   */
  invalidIndexes?: boolean;
};

/** The run options of a library call: its schema, and the invalid-index check when asked for. */
function runOptions<T extends MigrateOptions>(options: T): T & Pick<RunOptions, 'schema' | 'afterRun'> {
  const schema = options.schema ?? 'public';
  return {
    ...options, schema,
    ...(options.invalidIndexes ? { afterRun: async (connection: Session, report: MigrateReport) => {
      // A lost connection was reported already: no indexes said is better than a second error.
      report.invalidIndexes = await findInvalidIndexes(connection, schema).catch(() => []);
    } } : {}),
  };
}

/** The connector for a library call (also used by src/deploy). */
export function connectorFor(options: TargetOptions, command: string): Connector {
  if (!options.url && !options.pool) {
    throw new CutoverError('CONFIG', 'no database given: pass `url` or `pool`', {
      hint: 'For example migrate({ url: process.env.DATABASE_URL }). On the command line: --url or DATABASE_URL (without them, the embedded dev database is used).',
    });
  }
  return pgConnector({
    ...(options.url ? { url: options.url } : {}),
    ...(options.pool ? { pool: options.pool } : {}),
    schema: options.schema ?? 'public',
    applicationName: options.applicationName ?? `cutover ${command}`,
  });
}

/** Where migrations come from: a directory or a bundle, and its layout. */
export type MigrationsOptions = Pick<TargetOptions, 'dir' | 'migrations' | 'format' | 'onDetect' | 'onNotice' | 'onLink' | 'ledger'>;

/** Read the migration set from `migrations` or `dir`, in the layout `format` (default `auto`), with the checksums `ledger` keeps. */
export function readMigrations(options: MigrationsOptions): Promise<Migration[]> {
  const source = options.migrations ? bundleSource(options.migrations) : directorySource(options.dir ?? 'migrations', options.onLink ? { onLink: options.onLink } : {});
  return loadMigrations(source, {
    ...(options.format ? { format: options.format } : {}), ...(options.onDetect ? { onDetect: options.onDetect } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}), ...(options.ledger === 'sqlx' ? { checksum: 'sqlx' as const } : {}),
  });
}

/** `user@host`, recorded as applied_by. */
export function whoAmI(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `cutover@${hostname()}`;
  }
}

/**
 * Apply pending migrations to one schema, safely with any number of
 * replicas doing the same at once. Resolves with a report ("nothing to do"
 * is success); rejects with a {@link CutoverError} carrying `report`.
 *
 * @example
 * import { migrate } from 'cutover';
 * await migrate({ url: process.env.DATABASE_URL, dir: 'migrations' });
 */
export async function migrate(options: MigrateOptions & { autoContract: true }): Promise<AutoContractReport>;
export async function migrate(options: MigrateOptions): Promise<MigrateReport>;
export async function migrate(options: MigrateOptions): Promise<MigrateReport> {
  const connector = connectorFor(options, 'migrate');
  const run = { appliedBy: whoAmI(), ...runOptions(options) };
  // Post migrations go through the post-deploy guard (src/deploy): refused while an older instance is live.
  return options.autoContract ? runAutoContract(connector, readMigrations(options), run) : guardedRun(connector, readMigrations(options), run);
}

/**
 * A dry run: what `migrate` would do, in order, with phase, transaction
 * mode and statements. Validates every pending file; executes nothing.
 *
 * @example
 * const { planned } = await plan({ url, phase: 'pre' });
 */
export async function plan(options: MigrateOptions): Promise<MigrateReport> {
  const connector = connectorFor(options, 'plan');
  const notices: FormatNotice[] = [];
  const onNotice: LoadOptions['onNotice'] = (notice) => {
    const { location: _, ...inReport } = notice;
    notices.push(inReport);
    options.onNotice?.(notice);
  };
  const report = await runMigrations(connector, readMigrations({ ...options, onNotice }), { ...runOptions(options), dryRun: true });
  return notices.length > 0 ? { ...report, notices } : report;
}

/** What {@link status} reports. */
export interface StatusReport {
  schema: string;
  target: string;
  entries: StatusEntry[];
  pending: { pre: number; post: number };
  errors: Problem[];
  warnings: Problem[];
  /** Indexes left INVALID by a failed CREATE INDEX CONCURRENTLY (fix: `resolve --rebuild-invalid-indexes`). */
  invalidIndexes?: InvalidIndex[];
}

/**
 * Every migration's state in one schema (applied, pending, failed, edited,
 * missing), with the history problems. Takes no lock and changes nothing.
 *
 * @example
 * const { pending } = await status({ url });
 */
export async function status(options: TargetOptions & { strict?: boolean }): Promise<StatusReport> {
  const connector = connectorFor(options, 'status');
  const schema = options.schema ?? 'public';
  const migrations = await readMigrations(options);
  const connection = await connector.connect();
  try {
    const ledger = (await readLedger(connection, schema, { kind: options.ledger, migrations })) ?? [];
    const result = planSteps(migrations, ledger, { phase: 'all', ...(options.strict ? { strict: true } : {}) });
    const pending = { pre: 0, post: 0 };
    for (const entry of result.entries) if (entry.state === 'pending') pending[entry.phase]++;
    const invalidIndexes = await findInvalidIndexes(connection, schema);
    return { schema, target: connector.describe, entries: result.entries, pending, errors: result.errors, warnings: result.warnings, invalidIndexes };
  } finally {
    await connection.close();
  }
}

/**
 * Resolve a failed no-transaction migration (`applied` / `rolled-back`) or
 * accept an applied file's edit (`checksum`). Recorded in `cutover_audit`.
 *
 * @example
 * await resolve({ url, version: '20260101120000', action: 'rolled-back', reason: 'index dropped by hand' });
 */
export async function resolve(options: TargetOptions & { version: string; action: ResolveAction; reason?: string; by?: string; lockWaitMs?: number }): Promise<ResolveReport> {
  const connector = connectorFor(options, 'resolve');
  const migrations = await readMigrations(options);
  return resolveVersion(connector, migrations, { ...options, schema: options.schema ?? 'public', by: options.by ?? whoAmI() });
}

/**
 * Roll back to `to`: the down scripts of every newer applied migration,
 * newest first, each in its own transaction with its ledger row's removal.
 * Refuses, naming each, when a down file is missing.
 *
 * @example
 * await rollback({ url, to: '20260101120000' });
 */
export async function rollback(options: MigrateOptions & { to: string; dryRun?: boolean }): Promise<MigrateReport> {
  const connector = connectorFor(options, 'rollback');
  const { to, ...rest } = options;
  return runMigrations(connector, readMigrations(options), { appliedBy: whoAmI(), ...rest, schema: options.schema ?? 'public', rollbackTo: to });
}

export type { PhaseOption };
