/**
 * The library's `migrate`, `plan` and `rollback`: options in, the target resolved once
 * (src/target), the core called. Nothing here decides anything.
 */
import type { Session } from '../db/session.js';
import type { FormatNotice } from '../migrations/formats/types.js';
import type { MigrateReport, RunOptions } from '../run/migrate.js';
import { runMigrations } from '../run/migrate.js';
import { guardedRun, type GuardOptions } from '../deploy/guarded-run.js';
import { runAutoContract, type AutoContractReport } from '../deploy/auto-contract.js';
import { findInvalidIndexes } from '../backup/invalid-indexes.js';
import { connectorFor, readMigrations, targetSchema, whoAmI, type TargetOptions } from '../target/index.js';

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
  const schema = targetSchema(options);
  return {
    ...options, schema,
    ...(options.invalidIndexes ? { afterRun: async (connection: Session, report: MigrateReport) => {
      // A lost connection was reported already: no indexes said is better than a second error.
      report.invalidIndexes = await findInvalidIndexes(connection, schema).catch(() => []);
    } } : {}),
  };
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
  // The report lists the files the layout's tool skips and the migrations cutover cannot run.
  const notices: FormatNotice[] = [];
  const onNotice: TargetOptions['onNotice'] = (notice) => {
    const { location: _, ...inReport } = notice;
    notices.push(inReport);
    options.onNotice?.(notice);
  };
  const report = await runMigrations(connector, readMigrations({ ...options, onNotice }), { ...runOptions(options), dryRun: true });
  return notices.length > 0 ? { ...report, notices } : report;
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
  return runMigrations(connector, readMigrations(options), { appliedBy: whoAmI(), ...rest, schema: targetSchema(options), rollbackTo: to });
}

