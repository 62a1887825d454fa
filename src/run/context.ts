/**
 * A run as the core carries it out: its settings resolved once (src/target: the ledger, who
 * applies, the timeouts, the clock; nothing below applies a default), and the hooks cutover's
 * own callers add (the post-deploy guard, the fleet's shared parse, the lint gate). Library
 * callers never see this type: they pass {@link RunOptions} (src/run/migrate.ts).
 */
import type { LedgerKind } from '../db/ledger.js';
import type { Connection } from '../db/session.js';
import type { LintHook } from '../lint/hook.js';
import type { PlanOptions, Step } from '../plan/types.js';
import type { RunnableStatement } from '../sql/statements.js';
import type { OnEvent } from './events.js';
import type { VerdictStore } from '../verdicts/index.js';
import type { MigrateReport } from './migrate.js';
import type { Clock } from '../clock.js';

/** How long a run waits and how it retries, every default applied (docs/locking.md). */
export interface Timeouts {
  /** Bound on waiting for another run's migration lock (ms); undefined: no bound. */
  lockWaitMs: number | undefined;
  /** lock_timeout of each migration transaction (ms), unless the file overrides it. */
  lockTimeoutMs: number;
  /** statement_timeout (ms), unless the file overrides it; undefined leaves the server's. */
  statementTimeoutMs: number | undefined;
  /** Attempts after the first on a lock timeout. */
  lockRetries: number;
  /** The first sleep after a lock timeout (ms; it doubles after each) … */
  retryDelayMs: number;
  /** … and its cap. */
  retryDelayMaxMs: number;
}

/** A run's settings, resolved: everything but where it runs (the schema, the connector). */
export interface RunSettings extends PlanOptions {
  /** The history table: cutover's own or sqlx's `_sqlx_migrations` (docs/sqlx-ledger.md). */
  ledger: LedgerKind;
  /** Recorded in the ledger's applied_by and the audit table's `by`. */
  appliedBy: string;
  timeouts: Timeouts;
  clock: Clock;
  /**
   * Stop the run: between statements, cancelling the one running; the lock is released and the
   * ledger says what happened; the run fails with INTERRUPTED (the CLI's SIGTERM/SIGINT).
   */
  signal?: AbortSignal | undefined;
  onEvent?: OnEvent | undefined;
}

/**
 * A read a run makes under the lock once it has ended. Its SQL (one parameterless statement)
 * shares the round trip of the run's last commit or of the unlock, never one of its own;
 * `read` gets its rows, or none when it failed, and puts what it found in the report.
 */
export interface AfterRun {
  sql: string;
  read(rows: unknown[], report: MigrateReport): void;
}

/** What cutover's own callers hook into a run. */
export interface RunHooks {
  /**
   * The caller found no ledger moments ago (the fleet's bulk read of a new
   * tenant): under the lock, probe for it instead of reading it, so that no
   * failing SELECT leaves an ERROR line in the server log per tenant.
   */
  ledgerAbsent?: boolean;
  /**
   * Parses and validates the plan's scripts (default `prepareSteps`). The fleet runner
   * passes one that parses each file once for every target sharing the migration set.
   */
  prepare?: (steps: Step[]) => Promise<RunnableStatement[][]>;
  /** Verdicts to use and fill (src/verdicts): a pending file with one is validated from it, unparsed. */
  verdicts?: VerdictStore | undefined;
  /**
   * Called under the lock with the validated steps, before anything runs; a
   * throw stops the run with nothing done (the post-deploy guard, src/deploy).
   */
  beforeRun?: (steps: readonly Step[], connection: Connection) => Promise<void>;
  /**
   * A read under the lock once the run has ended, after a failure too
   * (`migrate({ invalidIndexes: true })` looks for invalid indexes here).
   */
  afterRun?: AfterRun | undefined;
  /** Lint the pending steps (`plan`, the `migrate` gate): findings and locks go in the report (src/lint/hook.ts). */
  lint?: LintHook | undefined;
}

/** One run on one schema, as `runMigrations` takes it. */
export interface RunContext extends RunSettings, RunHooks {
  schema: string;
  /** Plan and validate only: nothing is executed. */
  dryRun?: boolean;
  /** Roll back to this version instead of migrating. */
  rollbackTo?: string;
}

export type { Clock };
