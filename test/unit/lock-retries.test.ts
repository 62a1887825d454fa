import { describe, expect, it } from 'vitest';
import { lockTimeoutFor, retryDelayFor } from '../../src/run/lock-retries.js';
import { resolveTimeouts } from '../../src/target/resolve.js';
import { LIBRARY_DEFAULTS, SETTINGS } from '../../src/config/settings.js';

describe('the lock retry schedule (anchored on GitLab with_lock_retries)', () => {
  it('ramps lock_timeout 100, 100, 200, 300, 400 ms, then the ceiling; a file\'s own value on every attempt; 0 stays "no limit"', () => {
    const attempts = Array.from({ length: 8 }, (_, i) => i + 1);
    expect(attempts.map((a) => lockTimeoutFor(a, { lockTimeoutMs: 500 }))).toEqual([100, 100, 200, 300, 400, 500, 500, 500]);
    expect(attempts.map((a) => lockTimeoutFor(a, { lockTimeoutMs: 250 }))).toEqual([100, 100, 200, 250, 250, 250, 250, 250]);
    expect(attempts.map((a) => lockTimeoutFor(a, { lockTimeoutMs: 500 }, 10_000))).toEqual(Array(8).fill(10_000));
    expect(lockTimeoutFor(1, { lockTimeoutMs: 0 })).toBe(0);
  });

  it('sleeps double from retryDelayMs up to the cap, times a factor in [0.5, 1)', () => {
    const top = (a: number) => retryDelayFor(a, { retryDelayMs: 50, retryDelayMaxMs: 10_000 }, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(top)).toEqual([50, 100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    expect(retryDelayFor(3, { retryDelayMs: 50, retryDelayMaxMs: 10_000 }, () => 0)).toBe(100);
  });

  it('the defaults keep the app\'s worst wait under a second and retry for minutes; they live in the settings table', () => {
    expect(SETTINGS.lockTimeout.default).toBeLessThan(1000);
    const defaults = resolveTimeouts({});
    expect(defaults).toEqual({
      lockWaitMs: undefined, lockTimeoutMs: SETTINGS.lockTimeout.default, statementTimeoutMs: undefined, lockRetries: SETTINGS.lockRetries.default,
      retryDelayMs: LIBRARY_DEFAULTS.retryDelayMs, retryDelayMaxMs: LIBRARY_DEFAULTS.retryDelayMaxMs,
    });
    let leastTotalMs = 0;
    for (let a = 1; a <= defaults.lockRetries; a++) leastTotalMs += lockTimeoutFor(a, defaults) + retryDelayFor(a, defaults, () => 0);
    expect(leastTotalMs).toBeGreaterThan(3 * 60_000);
  });
});
