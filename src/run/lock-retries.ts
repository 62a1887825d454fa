/**
 * The retry schedule after a lock timeout (SQLSTATE 55P03), anchored on
 * GitLab's `with_lock_retries`: the first attempts use a very short
 * `lock_timeout` (100 ms, 100 ms, 200 ms, 300 ms, 400 ms), later ones the
 * ceiling (`--lock-timeout`, default 500 ms), and the sleeps between them
 * grow, so that a migration behind a long transaction keeps trying for
 * minutes while the application never queues behind it for longer than
 * the ceiling. A file's own `-- cutover:lock-timeout` is used as it is, on
 * every attempt. Timings and the probe behind them: docs/locking.md,
 * bench/RESULTS.md.
 * (gitlab-org/gitlab, lib/gitlab/database/with_lock_retries.rb, DEFAULT_TIMING_CONFIGURATION)
 */

/** lock_timeout of the first attempts (ms), as GitLab's schedule starts. */
const RAMP_MS = [100, 100, 200, 300, 400] as const;

/** What the schedule depends on. */
export interface LockRetryOptions {
  /** The ceiling: lock_timeout once the ramp is over (0: no lock_timeout). */
  lockTimeoutMs: number;
  /** Sleep after the first lock timeout; it doubles after each. */
  retryDelayMs: number;
  /** The sleeps' cap. */
  retryDelayMaxMs: number;
}

/**
 * lock_timeout of attempt `attempt` (1-based). `fixedMs`: the file's own.
 *
 * @example
 * lockTimeoutFor(1, { lockTimeoutMs: 500 }); // 100
 * lockTimeoutFor(9, { lockTimeoutMs: 500 }); // 500
 */
export function lockTimeoutFor(attempt: number, options: Pick<LockRetryOptions, 'lockTimeoutMs'>, fixedMs?: number): number {
  if (fixedMs !== undefined) return fixedMs;
  const ceiling = options.lockTimeoutMs;
  if (ceiling === 0) return 0; // 0 is "no limit", not "the shortest"
  return Math.min(ceiling, RAMP_MS[attempt - 1] ?? ceiling);
}

/**
 * Sleep after failed attempt `attempt`: `retryDelayMs × 2^(attempt−1)`, capped,
 * times a random factor in [0.5, 1) so that replicas and tenants do not retry in step.
 *
 * @example
 * retryDelayFor(1, { retryDelayMs: 50, retryDelayMaxMs: 10_000 }, () => 1); // 50
 */
export function retryDelayFor(attempt: number, options: Omit<LockRetryOptions, 'lockTimeoutMs'>, random: () => number = Math.random): number {
  const base = Math.min(options.retryDelayMaxMs, options.retryDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + random() / 2));
}
