/**
 * File names (DESIGN §1): `<version>_<description>.sql`, or a reversible pair
 * `<version>_<description>.up.sql` + `.down.sql`. Any other `.sql` name is an
 * error, so a typo never skips a migration silently; other files are ignored.
 */

/** A file name taken apart. */
export interface ParsedName {
  version: string;
  name: string;
  kind: 'plain' | 'up' | 'down';
}

const PATTERN = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_-]*)(?:\.(up|down))?\.sql$/;
const BIGINT_MAX = 9223372036854775807n;

/**
 * Parse a file name: a {@link ParsedName}, `'ignored'` for non-SQL files,
 * or an error message for a `.sql` file that does not fit.
 *
 * @example
 * parseFileName('0042_add_users.sql'); // { version: '42', name: 'add_users', kind: 'plain', … }
 */
export function parseFileName(file: string): ParsedName | 'ignored' | { problem: string } {
  if (!file.toLowerCase().endsWith('.sql')) return 'ignored';
  const match = PATTERN.exec(file);
  if (!match) {
    return { problem: `${file}: not a migration file name (expected <version>_<description>.sql, <version>_<description>.up.sql or .down.sql)` };
  }
  const order = BigInt(match[1]!);
  if (order > BIGINT_MAX) return { problem: `${file}: version ${match[1]} does not fit in a bigint` };
  return { version: order.toString(), name: match[2]!, kind: (match[3] as 'up' | 'down' | undefined) ?? 'plain' };
}

/**
 * A UTC timestamp version `YYYYMMDDHHMMSS`, as `cutover new` writes.
 *
 * @example
 * timestampVersion(new Date('2026-01-02T03:04:05Z')); // '20260102030405'
 */
export function timestampVersion(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
