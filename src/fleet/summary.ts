/**
 * The fleet report from the targets' results: counts per outcome, the
 * failures, the slowest targets. Pure.
 */
import type { FleetReport, TargetOutcome, TargetResult } from './types.js';

/** How many slowest targets a report names. */
export const SLOWEST = 5;

/**
 * Summarize finished targets.
 *
 * @example
 * summarize(results, { phase: 'all', concurrency: 8, canary: 0, durationMs: 1200 });
 */
export function summarize(
  targets: TargetResult[],
  run: Pick<FleetReport, 'phase' | 'concurrency' | 'canary' | 'durationMs' | 'shard' | 'stopped'>,
): FleetReport {
  const counts: Record<TargetOutcome, number> = { applied: 0, 'up-to-date': 0, failed: 0, skipped: 0 };
  let migrationsApplied = 0;
  for (const t of targets) {
    counts[t.outcome]++;
    migrationsApplied += t.applied;
  }
  const slowest = targets.filter((t) => t.outcome !== 'skipped').sort((a, b) => b.durationMs - a.durationMs).slice(0, SLOWEST);
  return {
    phase: run.phase, total: targets.length, concurrency: run.concurrency, canary: run.canary,
    ...(run.shard ? { shard: run.shard } : {}),
    counts, migrationsApplied, durationMs: run.durationMs,
    ...(run.stopped ? { stopped: run.stopped } : {}),
    targets, failures: targets.filter((t) => t.outcome === 'failed'), slowest,
  };
}
