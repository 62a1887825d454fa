/**
 * The library's `migrate`, `plan` and `rollback`: options in, the target resolved once
 * (src/target), the core called. Nothing here decides anything.
 */
import type { FormatNotice } from '../migrations/formats/types.js';
import type { MigrateReport } from '../run/migrate.js';
import { runMigrations } from '../run/migrate.js';
import type { RunContext } from '../run/context.js';
import { guardedRun, type GuardOptions } from '../deploy/guarded-run.js';
import { runAutoContract, type AutoContractReport } from '../deploy/auto-contract.js';
import { invalidIndexesFrom, invalidIndexesSql } from '../backup/invalid-indexes.js';
import { connectorFor, readMigrations, resolveRun, targetDir, targetSchema, type RunOptions, type TargetOptions } from '../target/index.js';
import { CutoverError } from '../errors.js';
import { lintHook, type LintGate, type LintHook } from '../lint/hook.js';
import type { Severity } from '../lint/types.js';
import { openVerdicts, type CacheOptions, type VerdictStore } from '../verdicts/index.js';

/** The lint gate's options (docs/lint.md "The gate"). */
export interface LintGateOptions {
  /**
   * `error` (default): an error finding in a pending file stops the run before anything runs
   * (LINT_FAILED, exit 3); `warn`: findings go in the report and the run goes on; `off`: no lint.
   * Judged with the live catalog: tables created earlier in the run, absent, or smaller than
   * `lintSmallTable` rows draw no lock finding.
   */
  lint?: LintGate | LintHook;
  /** Rule severities, `off` to disable one (the config's `lintRules`). */
  lintRules?: Record<string, Severity | 'off'>;
  /** Tables with fewer estimated rows are small: no lock findings (default: the settings table's). */
  lintSmallTable?: number;
  /** Baseline: files of this version or older are not judged (strong_migrations' start_after). */
  lintSince?: string;
  /** PostgreSQL major the linter targets (default: the server's). */
  pgVersion?: number;
}

/** Options of {@link migrate}. */
export type MigrateOptions = TargetOptions & RunOptions & GuardOptions & LintGateOptions & CacheOptions & {
  /** Pre phase, then the post phase if every live instance knows it (docs/zero-downtime.md); the report says what happened in `contract`. */
  autoContract?: boolean;
  /**
   * Also look for the schema's invalid indexes, on the run's connection once it has ended
   * (after a failure too): `report.invalidIndexes`. One more query; the CLI's `migrate` asks.
   */
  invalidIndexes?: boolean;
};

/**
 * The run's verdicts (docs/performance.md): a bundle's embedded ones, then the cache
 * (`cache: false` turns both off; `cacheDir` moves the cache).
 */
function verdictsOf(options: MigrateOptions): VerdictStore | undefined {
  return openVerdicts({ cache: options.cache, cacheDir: options.cacheDir, from: targetDir(options), embedded: options.migrations?.map((file) => file.verdict) });
}

/** The gate's hook from the library's options (`error` unless told otherwise). */
function gateHook(options: LintGateOptions, verdicts: VerdictStore | undefined): LintHook | undefined {
  const { lint = 'error' } = options;
  if (typeof lint === 'object') return lint;
  if (lint === 'off') return undefined;
  if (lint !== 'error' && lint !== 'warn') {
    throw new CutoverError('CONFIG', `lint "${String(lint)}" is not one of error, warn, off`, { hint: 'error stops on error findings (the default), warn reports them, off does not lint.', details: { setting: 'lint' } });
  }
  return lintHook({ rules: options.lintRules, smallTableRows: options.lintSmallTable, since: options.lintSince, pgVersion: options.pgVersion, verdicts }, lint === 'error');
}

/**
 * The run of a library call: its settings resolved (src/target), its schema, the guard's
 * options, the lint gate, and the invalid-index check when asked for.
 */
function runContext(options: MigrateOptions): RunContext & GuardOptions {
  const schema = targetSchema(options);
  const { waitForInstancesMs, force, guardPollMs } = options;
  // Its rows come with the run's last round trip; none when it failed (a lost connection was
  // reported already: no indexes said is better than a second error).
  const findInvalid = { sql: invalidIndexesSql(schema), read: (rows: unknown[], report: MigrateReport) => { report.invalidIndexes = invalidIndexesFrom(schema, rows); } };
  const verdicts = verdictsOf(options);
  return {
    ...resolveRun(options), schema, waitForInstancesMs, force, guardPollMs, verdicts, lint: gateHook(options, verdicts),
    afterRun: options.invalidIndexes ? findInvalid : undefined,
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
  const run = runContext(options);
  // Post migrations go through the post-deploy guard (src/deploy): refused while an older instance is live.
  const migrations = readMigrations(options, { sum: true });
  return options.autoContract ? runAutoContract(connector, migrations, run) : guardedRun(connector, migrations, run);
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
  const report = await runMigrations(connector, readMigrations({ ...options, onNotice }, { sum: true }), { ...runContext(options), dryRun: true });
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
  return runMigrations(connector, readMigrations(options, { sum: true }), { ...resolveRun(options), schema: targetSchema(options), verdicts: verdictsOf(options), dryRun: options.dryRun, rollbackTo: options.to });
}

