/**
 * Comparing versions across deploys: what an instance knows, what the
 * ledger holds, what `--at-least` asks for. With the migration set at hand
 * the comparison is its layout's (`versionOrder(format)`: Flyway's 1.10
 * after 1.2, diesel's text order); without it (a health check given only
 * `--at-least`), numbers compare as numbers and anything else by its digits.
 */
import { numericOrder, type VersionOrder } from '../migrations/formats/order.js';
import { versionOrder } from '../migrations/formats/index.js';
import type { FormatId } from '../migrations/formats/types.js';

function digits(version: string): bigint {
  return BigInt(/^\d+$/.test(version) ? version : version.replace(/\D/g, '') || '0');
}

/** The order used when no migration set is at hand. */
export const anyOrder: VersionOrder = {
  compare: (a, b) => {
    const x = digits(a);
    const y = digits(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  canonical: numericOrder.canonical,
};

/**
 * The order of a migration set's layout, or {@link anyOrder} without one.
 *
 * @example
 * orderOf(await readMigrations({ dir }));
 */
export function orderOf(migrations: readonly { format: FormatId }[] | undefined): VersionOrder {
  return migrations?.[0] ? versionOrder(migrations[0].format) : anyOrder;
}

/**
 * -1, 0 or 1, like a sort comparator.
 *
 * @example
 * ['10', '9'].sort((a, b) => compareVersions(a, b)); // ['9', '10']
 */
export function compareVersions(a: string, b: string, order: VersionOrder = anyOrder): -1 | 0 | 1 {
  return Math.sign(order.compare(a, b)) as -1 | 0 | 1;
}

/**
 * The highest version of a list, or undefined for an empty one.
 *
 * @example
 * highestVersion(['3', '12', '7']); // '12'
 */
export function highestVersion(versions: Iterable<string>, order: VersionOrder = anyOrder): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || order.compare(v, best) > 0) best = v;
  return best;
}
