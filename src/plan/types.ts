/**
 * The planner's data: ledger rows as the core sees them, options, problems
 * and the plan itself. Pure data, rendered by the CLI and returned by the
 * library.
 */
import type { Migration, Phase } from '../migrations/types.js';

/** One row of `cutover_migrations` (docs/ledger.md). */
export interface LedgerRow {
  version: string;
  name: string;
  phase: Phase;
  checksum: string;
  state: 'applied' | 'failed';
  appliedAt: Date | null;
  durationMs: number | null;
  appliedBy: string | null;
  /** For a failed no-transaction migration: 1-based number of the statement that failed. */
  failedStatement: number | null;
  error: string | null;
}

/** Which phase(s) to run (DESIGN §1 "Phases"). */
export type PhaseOption = Phase | 'all';

/** What the planner is asked for. */
export interface PlanOptions {
  phase?: PhaseOption;
  /** Stop after this version (inclusive). */
  to?: string;
  /** The database ahead of the directory is an error, not a warning. */
  strict?: boolean;
  /** Allow a pending migration older than an applied one of the same phase. */
  allowOutOfOrder?: boolean;
}

/** Codes of history problems; each has its own check function in checks.ts. */
export type ProblemCode = 'CHECKSUM_MISMATCH' | 'MISSING_ON_DISK' | 'OUT_OF_ORDER' | 'UNRESOLVED_FAILURE' | 'PHASE_ORDER' | 'UNKNOWN_VERSION' | 'NOT_REVERSIBLE';

/** A history problem: an error stops the run, a warning is reported. */
export interface Problem {
  code: ProblemCode;
  severity: 'error' | 'warning';
  version: string;
  file?: string;
  message: string;
  hint: string;
}

/** One thing to do: run a migration's up (or, in a rollback, down) script. */
export interface Step {
  direction: 'up' | 'down';
  migration: Migration;
}

/** A migration's state, as `status` shows it. */
export type EntryState = 'applied' | 'pending' | 'failed' | 'edited' | 'missing';

/** One line of `status`. */
export interface StatusEntry {
  version: string;
  name: string;
  phase: Phase;
  state: EntryState;
  file?: string;
  appliedAt?: Date | null;
  durationMs?: number | null;
}

/** The planner's answer. `errors` non-empty means: do not run. */
export interface Plan {
  phase: PhaseOption;
  steps: Step[];
  errors: Problem[];
  warnings: Problem[];
  entries: StatusEntry[];
  /** Pending migrations left out of this plan (other phase, past --to). */
  deferred: Migration[];
}
