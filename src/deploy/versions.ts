/**
 * Comparing migration versions as the planner orders them: cutover's own
 * versions are decimal digits compared as numbers; other layouts fall back
 * to their digits (the rule `planRollback` uses).
 */

/**
 * A version's order key.
 *
 * @example
 * versionOrder('20260105090000'); // 20260105090000n
 */
export function versionOrder(version: string): bigint {
  return BigInt(/^\d+$/.test(version) ? version : version.replace(/\D/g, '') || '0');
}

/**
 * -1, 0 or 1, like a sort comparator.
 *
 * @example
 * ['10', '9'].sort(compareVersions); // ['9', '10']
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const x = versionOrder(a);
  const y = versionOrder(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The highest version of a list, or undefined for an empty one.
 *
 * @example
 * highestVersion(['3', '12', '7']); // '12'
 */
export function highestVersion(versions: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || compareVersions(v, best) > 0) best = v;
  return best;
}
