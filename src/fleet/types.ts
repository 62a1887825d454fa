/**
 * The fleet's data: targets (a schema in a database), what a run over many
 * of them reports, and the events it emits. Pure data, rendered by the CLI
 * and returned by the library.
 */
import type { CutoverError } from '../errors.js';
import type { RunEvent } from '../run/events.js';
import type { PhaseOption } from '../plan/types.js';

/** Which schemas of one database to migrate (several selectors add up). */
export interface TargetSpec {
  /** The database's URL (the password never appears in reports). */
  url: string;
  /** Exact schema names; created on first use, like `--schema`. */
  schemas?: string[];
  /** A schema list over existing schemas (`--schemas`): names and globs, comma-separated (`tenant_*,audit`; src/config/schema-list.ts). */
  pattern?: string;
  /** A query returning one text column of schema names. */
  query?: string;
  /** Every schema that holds a cutover ledger. */
  allSchemas?: boolean;
}

/** One target, as reports and events name it. */
export interface TargetRef {
  /** `postgres://user@host:port/db`, never with the password. */
  database: string;
  schema: string;
}

/** A resolved target: its name and the URL to reach it. */
export interface Target extends TargetRef {
  url: string;
}

/** How one target ended. */
export type TargetOutcome = 'applied' | 'up-to-date' | 'failed' | 'skipped';

/** One target's line in the fleet report (kept small: a fleet has thousands). */
export interface TargetResult extends TargetRef {
  outcome: TargetOutcome;
  /** Migrations applied in this run. */
  applied: number;
  /** The highest applied version after the run (null: none). */
  version: string | null;
  /** Pending migrations this run left alone (other phase, past --to). */
  deferred: number;
  /** Whether it ran in the canary batch. */
  canary: boolean;
  durationMs: number;
  lockWaitedMs: number;
  warnings: number;
  error?: CutoverError;
}

/** Why a fleet run stopped before every target had its turn. */
export type StopReason = 'failure' | 'canary' | 'bad-input';

/** What a fleet run reports ("nothing to do" everywhere is a success). */
export interface FleetReport {
  phase: PhaseOption;
  total: number;
  concurrency: number;
  canary: number;
  shard?: Shard;
  counts: Record<TargetOutcome, number>;
  /** Migrations applied over all targets. */
  migrationsApplied: number;
  durationMs: number;
  stopped?: StopReason;
  targets: TargetResult[];
  failures: TargetResult[];
  /** The slowest targets, slowest first. */
  slowest: TargetResult[];
}

/** `--shard i/n`: this worker's share, 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/** Everything a fleet run reports while it goes: fleet events and every single-run event tagged with its target. */
export type FleetEvent =
  | { type: 'fleet-started'; total: number; concurrency: number; canary: number; at: number }
  | { type: 'target-started'; target: TargetRef; canary: boolean; at: number }
  | { type: 'target-finished'; target: TargetRef; result: TargetResult; at: number }
  | { type: 'canary-passed'; count: number; at: number }
  | { type: 'fleet-stopping'; reason: StopReason; target: TargetRef; at: number }
  | { type: 'fleet-finished'; report: FleetReport; at: number }
  | (RunEvent & { target: TargetRef });

/** A callback receiving fleet events. */
export type OnFleetEvent = (event: FleetEvent) => void;
