/** The clock runs measure and wait with: a port, so tests can pass their own; the real one is defined here once. */
import { setTimeout as wait } from 'node:timers/promises';

/** What a run reads the time from and sleeps with. */
export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * The real clock.
 *
 * @example
 * await systemClock.sleep(50);
 */
export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => wait(ms) };
