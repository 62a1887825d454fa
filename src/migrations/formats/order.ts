/**
 * Version order: how each layout compares two versions (DESIGN §1 "Ledger":
 * other layouts keep their own versions, ordered by their tool's rule).
 * Ledger rows carry only the version text, so the order is a function of
 * the text alone.
 */

/** How one layout reads and compares versions. */
export interface VersionOrder {
  /** Negative, zero or positive, like `Array.prototype.sort`'s comparator. */
  compare(a: string, b: string): number;
  /** The canonical form of a version a user typed (`--to 0042` → `42`). */
  canonical(version: string): string;
  /** A repeatable migration's ledger version (Flyway's `R__…`): never out of order, never rolled back. */
  repeatable?(version: string): boolean;
}

function bigintOrUndefined(text: string): bigint | undefined {
  return /^\d+$/.test(text) ? BigInt(text) : undefined;
}

/** Code-point order: deterministic whatever the locale. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whole numbers compared as numbers (cutover, sqlx, golang-migrate). Text that
 * is not a number (a row written by hand) sorts after every number, by code point.
 *
 * @example
 * numericOrder.compare('9', '10'); // < 0
 */
export const numericOrder: VersionOrder = {
  compare(a, b) {
    const x = bigintOrUndefined(a);
    const y = bigintOrUndefined(b);
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
    if (x !== undefined) return -1;
    if (y !== undefined) return 1;
    return byCodePoint(a, b);
  },
  canonical: (version) => version.replace(/^0+(?=\d)/, ''),
};

/**
 * Plain text order (diesel's `MigrationVersion` is an `Ord` string; Prisma
 * sorts its migration directories by name; dbmate sorts file names).
 *
 * @example
 * textOrder.compare('10', '9'); // < 0, as diesel orders them
 */
export const textOrder: VersionOrder = { compare: byCodePoint, canonical: (version) => version };

/** Diesel: text order of the version with its dashes removed. */
export const dieselOrder: VersionOrder = { compare: byCodePoint, canonical: (version) => version.replace(/-/g, '') };

/** Prefix of a Flyway repeatable's ledger version: they sort after every versioned migration. */
export const REPEATABLE_PREFIX = 'R__';

function flywayParts(version: string): bigint[] {
  const parts = version.split('.').map((part) => bigintOrUndefined(part) ?? 0n);
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop(); // 1.0 == 1, as Flyway compares
  return parts;
}

/** A repeatable's description as Flyway compares it: underscores are spaces (`R__a_b` is `a b`). */
const description = (version: string) => version.slice(REPEATABLE_PREFIX.length).replace(/_/g, ' ');

/**
 * Flyway: parts separated by dots (or underscores in file names), each
 * compared as a number, so 1.2 < 1.10; repeatables (`R__…`) come last,
 * ordered by description (Flyway's ResolvedMigrationComparator).
 *
 * @example
 * flywayOrder.compare('1.2', '1.10'); // < 0
 */
export const flywayOrder: VersionOrder = {
  compare(a, b) {
    const repeatA = a.startsWith(REPEATABLE_PREFIX);
    const repeatB = b.startsWith(REPEATABLE_PREFIX);
    if (repeatA || repeatB) return repeatA && repeatB ? byCodePoint(description(a), description(b)) || byCodePoint(a, b) : repeatA ? 1 : -1;
    const x = flywayParts(a);
    const y = flywayParts(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const p = x[i] ?? 0n;
      const q = y[i] ?? 0n;
      if (p !== q) return p < q ? -1 : 1;
    }
    return 0;
  },
  canonical: (version) => version.replace(/_/g, '.'),
  repeatable: (version) => version.startsWith(REPEATABLE_PREFIX),
};

/** The leading digits of a name, as a number, or undefined. */
function leadingNumber(name: string): bigint | undefined {
  const digits = /^\d+/.exec(name);
  return digits ? BigInt(digits[0]) : undefined;
}

/**
 * drizzle-kit: versions are journal tags (`0042_brave_hulk`), numbered by
 * drizzle-kit in journal order; compared by that number, then as text, so
 * `10000_x` still follows `9999_x`. (The journal's own order is checked
 * against this when it is read: formats/drizzle.ts.)
 *
 * @example
 * drizzleOrder.compare('0009_a', '0010_b'); // < 0
 */
export const drizzleOrder: VersionOrder = {
  compare(a, b) {
    const x = leadingNumber(a);
    const y = leadingNumber(b);
    if (x !== undefined && y !== undefined && x !== y) return x < y ? -1 : 1;
    return byCodePoint(a, b);
  },
  canonical: (version) => version,
};

/**
 * Supabase CLI: files in name order (`fs.ReadDir`); the version is the digits
 * before the first `_`, so comparing `<version>_` compares the names
 * (`10_b.sql` sorts before `1_a.sql`, as the CLI runs them).
 *
 * @example
 * supabaseOrder.compare('10', '1'); // < 0
 */
export const supabaseOrder: VersionOrder = {
  compare: (a, b) => byCodePoint(`${a}_`, `${b}_`),
  canonical: (version) => version,
};

/**
 * node-pg-migrate's `getNumericPrefix`: the text before the first `_`; 13
 * digits are epoch milliseconds, 17 digits a UTC `yyyymmddhhmmssSSS` turned
 * into epoch milliseconds, anything else `Number(prefix) || 0`.
 */
function nodePgMigrateTimestamp(name: string): number {
  const prefix = name.split('_')[0] ?? '';
  if (/^\d{17}$/.test(prefix)) {
    const [y, mo, d, h, mi, s, ms] = [0, 4, 6, 8, 10, 12, 14].map((at, i, all) => prefix.slice(at, all[i + 1] ?? 17));
    return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`).valueOf();
  }
  return Number(prefix) || 0;
}

/**
 * node-pg-migrate: versions are migration names (the file name without its
 * extension, as `pgmigrations.name` stores them), ordered by their numeric
 * prefix, ties by a numeric, punctuation-blind text compare (its
 * `getMigrationFilePaths`). The locale is fixed (`en`) so the order does not
 * depend on the machine.
 *
 * @example
 * nodePgMigrateOrder.compare('20200513070724505_a', '1589353644506_b'); // > 0: 2020-05-13T07:07:24.505Z is later
 */
export const nodePgMigrateOrder: VersionOrder = {
  compare(a, b) {
    const x = nodePgMigrateTimestamp(a);
    const y = nodePgMigrateTimestamp(b);
    if (x !== y && !Number.isNaN(x - y)) return x - y;
    return a.localeCompare(b, 'en', { usage: 'sort', numeric: true, sensitivity: 'variant', ignorePunctuation: true }) || byCodePoint(a, b);
  },
  canonical: (version) => version,
};
