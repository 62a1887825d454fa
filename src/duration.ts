/**
 * Durations as people write them in directives, flags and config:
 * `500ms`, `10s`, `5min`, `2h`, `1d`, or a bare number of milliseconds.
 * Units follow Postgres's own GUC units (ms, s, min, h, d) so a value can be
 * copied from `postgresql.conf`.
 */

const UNITS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parse a duration into milliseconds, or return `undefined` when it is not one.
 *
 * @example
 * parseDuration('10s'); // 10000
 * parseDuration('5min'); // 300000
 * parseDuration('soon'); // undefined
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]) * UNITS[match[2] ?? 'ms']!;
  return Number.isFinite(value) ? Math.round(value) : undefined;
}

/**
 * Render milliseconds for humans and for `SET lock_timeout` (Postgres accepts `ms`).
 *
 * @example
 * formatDuration(1500); // '1.5s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}min`;
  return `${+(ms / 3_600_000).toFixed(1)}h`;
}

/** The longest duration a setting takes: Postgres's timeouts and Node's timers are 32-bit milliseconds (~24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;

/**
 * A duration given as a setting (flag, environment, config file): the unit is required,
 * since a bare `5` read as 5 ms surprises people who meant seconds (`0` alone is allowed),
 * and the value must fit Postgres's and Node's 32-bit milliseconds.
 *
 * @example
 * parseDurationSetting('5s'); // { ms: 5000 }
 * parseDurationSetting('5'); // { problem: 'no unit' }
 */
export function parseDurationSetting(text: string): { ms: number } | { problem: 'no unit' | 'not a duration' | 'too long' } {
  if (/^\s*\d+(\.\d+)?\s*$/.test(text) && Number(text) !== 0) return { problem: 'no unit' };
  const ms = parseDuration(text);
  if (ms === undefined) return { problem: 'not a duration' };
  return ms > MAX_DURATION_MS ? { problem: 'too long' } : { ms };
}

/** What to say about a duration setting's problem. */
export function durationHint(problem: 'no unit' | 'not a duration' | 'too long', text: string): string {
  if (problem === 'no unit') return `Add a unit: ${text.trim()}ms, ${text.trim()}s or ${text.trim()}min (units: ms, s, min or m, h, d).`;
  if (problem === 'too long') return `At most ${formatDuration(MAX_DURATION_MS)} (2147483647ms, Postgres's and Node's limit); use 0 where the setting takes it to mean no limit.`;
  return 'Use a number with a unit: 500ms, 10s, 5min, 1h.';
}
