/**
 * "Did you mean …": the closest known word to a misspelt one, for unknown
 * flags, config keys, directives and rule ids.
 */

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * The known word nearest to `word`, if it is close enough to be a typo.
 *
 * @example
 * suggest('lock-timout', ['lock-timeout', 'phase']); // 'lock-timeout'
 */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** ` Did you mean "x"?` or the empty string. */
export function didYouMean(word: string, known: readonly string[]): string {
  const best = suggest(word, known);
  return best === undefined ? '' : ` Did you mean "${best}"?`;
}
