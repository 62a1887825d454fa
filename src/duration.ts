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
