/**
 * The fleet runner: every target migrated exactly as a single-schema run
 * (`runMigrations`: its own advisory lock, ledger and `search_path`), over
 * a bounded set of connections. Canary targets go first and stop the run if
 * one fails; after that the first failure stops new targets from starting
 * (targets already running finish: none is left half-done) unless
 * `continueOnError`. Bad input stops everything: it would fail everywhere.
 */
import { asCutoverError, CutoverError, EXIT } from '../errors.js';
import type { Migration } from '../migrations/types.js';
import { plan } from '../plan/plan.js';
import type { LedgerRow, StatusEntry } from '../plan/types.js';
import { runMigrations, type MigrateReport } from '../run/migrate.js';
import type { RunHooks, RunSettings } from '../run/context.js';
import type { RunOptions } from '../target/options.js';
import { postDeployGuard } from '../deploy/guarded-run.js';
import type { RunEvent } from '../run/events.js';
import { ConnectionSlot, type DatabaseConnector } from './connections.js';
import { sharedPreparer } from './prepare-cache.js';
import { summarize } from './summary.js';
import type { FleetReport, OnFleetEvent, Shard, StopReason, Target, TargetRef, TargetResult } from './types.js';

/** Options of a fleet run (the single-run options apply to every target). */
export interface FleetRunOptions extends Omit<RunOptions, 'onEvent'> {
  /** Targets migrated at once (each holds one connection). */
  concurrency: number;
  /** Migrate this many targets first; stop if any fails. */
  canary?: number;
  /** Go on after a failed target (default: stop starting new ones). */
  continueOnError?: boolean;
  /** Recorded in the report. */
  shard?: Shard;
  onEvent?: OnFleetEvent;
}

/** A fleet run as {@link runFleet} takes it: the run's settings resolved (src/target), and the fleet's own. */
export interface FleetRunContext extends Omit<RunSettings, 'onEvent'>, Pick<FleetRunOptions, 'concurrency' | 'canary' | 'continueOnError' | 'shard' | 'onEvent'>, Pick<RunHooks, 'verdicts'> {
  /**
   * A target's ledger read beforehand without locks (`null`: it has none,
   * `undefined`: not read). A target whose plan from it has nothing to do
   * and no problem is reported up to date without a run; every other target
   * runs as usual (one with no ledger probes for it instead of reading it).
   */
  ledgers?: (target: TargetRef) => Promise<LedgerRow[] | null | undefined>;
}

/** The highest applied version among entries (they follow version order). */
function highestApplied(entries: readonly StatusEntry[]): string | null {
  let version: string | null = null;
  for (const entry of entries) if (entry.state === 'applied' && entry.file !== undefined) version = entry.version;
  return version;
}

function resultOf(target: TargetRef, canary: boolean, report: MigrateReport | undefined, durationMs: number, error?: CutoverError): TargetResult {
  const applied = report?.applied.length ?? 0;
  return {
    database: target.database, schema: target.schema,
    outcome: error ? 'failed' : applied > 0 ? 'applied' : 'up-to-date',
    applied, version: highestApplied(report?.entries ?? []), deferred: report?.deferred.length ?? 0, canary, durationMs,
    lockWaitedMs: report?.lockWaitedMs ?? 0, warnings: report?.warnings.length ?? 0,
    ...(error ? { error } : {}),
  };
}

/** The key of a target in maps: database and schema. */
export function targetKey(target: TargetRef): string {
  return `${target.database}\0${target.schema}`;
}

function ref(target: Target): TargetRef {
  return { database: target.database, schema: target.schema };
}

/** The error a failed fleet throws, carrying the report. */
function fleetError(report: FleetReport): CutoverError<FleetReport> {
  const first = report.failures[0]!;
  const where = `schema "${first.schema}" on ${first.database}`;
  const firstLine = first.error?.message.split('\n')[0] ?? 'failed';
  const error = report.stopped === 'canary'
    ? new CutoverError<FleetReport>('CANARY_FAILED', `canary target ${where} failed: ${firstLine}; the other ${report.counts.skipped} targets were not touched`, {
      hint: 'Fix the migration (or the tenant), then run again: the canaries that succeeded are no-ops next time.',
      details: { failed: report.counts.failed, skipped: report.counts.skipped, schema: first.schema, database: first.database, firstCode: first.error?.code },
    })
    : new CutoverError<FleetReport>('FLEET_FAILED', `${report.counts.failed} of ${report.total} targets failed (first: ${where}: ${firstLine})${report.counts.skipped ? `; ${report.counts.skipped} not started` : ''}`, {
      hint: report.stopped === 'failure'
        ? 'Fix the failing target and run again (finished targets are no-ops); --continue-on-error migrates the others past a failure.'
        : 'Fix the failing targets and run again: finished targets are no-ops.',
      details: { failed: report.counts.failed, skipped: report.counts.skipped, schema: first.schema, database: first.database, firstCode: first.error?.code },
    });
  error.report = report;
  return error;
}

/**
 * Migrate every target. Resolves with the report when all succeeded;
 * otherwise rejects with FLEET_FAILED / CANARY_FAILED (or the input error)
 * carrying it.
 *
 * @example
 * const report = await runFleet(targets, (t) => connectors.get(t.database)!, migrations, { ...resolveRun({}), concurrency: 8, canary: 5 });
 */
export async function runFleet(
  targets: readonly Target[],
  databaseOf: (target: Target) => DatabaseConnector,
  migrations: Migration[],
  options: FleetRunContext,
): Promise<FleetReport> {
  const { now } = options.clock;
  const started = now();
  const { concurrency, canary = 0, continueOnError = false, onEvent, shard, ledgers, ...runOptions } = options;
  const prepare = sharedPreparer(options.verdicts);
  const results: (TargetResult | undefined)[] = new Array(targets.length);
  const slots = Array.from({ length: Math.max(1, Math.min(concurrency, targets.length)) }, () => new ConnectionSlot());
  const canaryCount = Math.min(canary, targets.length);
  let stopped: StopReason | undefined;
  let badInput: CutoverError<unknown> | undefined;

  onEvent?.({ type: 'fleet-started', total: targets.length, concurrency: slots.length, canary: canaryCount, at: started });

  async function migrateOne(slot: ConnectionSlot, index: number, isCanary: boolean): Promise<void> {
    const target = targets[index]!;
    const tag = ref(target);
    const rows = await ledgers?.(tag);
    const t0 = now();
    onEvent?.({ type: 'target-started', target: tag, canary: isCanary, at: t0 });
    const tagged = onEvent ? (event: RunEvent) => onEvent({ ...event, target: tag }) : undefined;
    let result: TargetResult | undefined = upToDate(tag, isCanary, rows ?? undefined, tagged);
    if (result) {
      result.durationMs = now() - t0;
      results[index] = result;
      onEvent?.({ type: 'target-finished', target: tag, result, at: now() });
      return;
    }
    try {
      const report = await runMigrations(slot.connectorFor(databaseOf(target), target.schema), migrations, {
        ...runOptions, schema: target.schema, prepare, ledgerAbsent: rows === null, onEvent: tagged,
        // Each tenant's post migrations pass its own post-deploy guard, as in a single run.
        beforeRun: postDeployGuard({ ...runOptions, schema: target.schema, onEvent: tagged }),
      });
      await slot.settle(false);
      result = resultOf(tag, isCanary, report, now() - t0);
    } catch (caught) {
      await slot.settle(true);
      const error = asCutoverError(caught);
      const failure = error instanceof CutoverError ? error : new CutoverError('DATABASE', String((error as Error)?.message ?? error), { cause: error });
      result = resultOf(tag, isCanary, failure.report as MigrateReport | undefined, now() - t0, failure);
      const reason: StopReason | undefined = failure.exitCode === EXIT.input ? 'bad-input' : isCanary ? 'canary' : continueOnError ? undefined : 'failure';
      if (reason === 'bad-input') badInput ??= failure;
      if (reason && (!stopped || reason === 'bad-input')) {
        if (!stopped) onEvent?.({ type: 'fleet-stopping', reason, target: tag, at: now() });
        stopped = reason;
      }
    }
    results[index] = result;
    onEvent?.({ type: 'target-finished', target: tag, result, at: now() });
  }

  /** The result of a target with nothing to do by its pre-read ledger, or undefined (run it). */
  function upToDate(tag: TargetRef, isCanary: boolean, rows: LedgerRow[] | undefined, tagged: ((event: RunEvent) => void) | undefined): TargetResult | undefined {
    if (rows === undefined) return undefined;
    const pre = plan(migrations, rows, runOptions);
    if (pre.steps.length > 0 || pre.errors.length > 0) return undefined;
    for (const problem of pre.warnings) tagged?.({ type: 'warning', schema: tag.schema, problem });
    return {
      database: tag.database, schema: tag.schema, outcome: 'up-to-date', applied: 0, version: highestApplied(pre.entries), deferred: pre.deferred.length,
      canary: isCanary, durationMs: 0, lockWaitedMs: 0, warnings: pre.warnings.length,
    };
  }

  async function batch(from: number, to: number, isCanary: boolean): Promise<void> {
    let next = from;
    const width = Math.min(slots.length, to - from);
    await Promise.all(slots.slice(0, width).map(async (slot) => {
      while (stopped === undefined && next < to) await migrateOne(slot, next++, isCanary);
    }));
  }

  try {
    if (canaryCount > 0) {
      await batch(0, canaryCount, true);
      if (stopped === undefined) onEvent?.({ type: 'canary-passed', count: canaryCount, at: now() });
    }
    await batch(canaryCount, targets.length, false);
  } finally {
    await Promise.all(slots.map((slot) => slot.discard()));
  }

  const finished = targets.map((target, i) => results[i] ?? { ...resultOf(ref(target), i < canaryCount, undefined, 0), outcome: 'skipped' as const });
  const report = summarize(finished, {
    phase: options.phase ?? 'all', concurrency: slots.length, canary: canaryCount, durationMs: now() - started,
    ...(shard ? { shard } : {}), ...(stopped ? { stopped } : {}),
  });
  onEvent?.({ type: 'fleet-finished', report, at: now() });
  if (badInput) {
    badInput.report = report;
    throw badInput;
  }
  if (report.counts.failed > 0) throw fleetError(report);
  return report;
}
