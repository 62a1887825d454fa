/**
 * A seeded pseudo-random generator for property and fuzz tests: the same seed
 * gives the same cases on every machine, so a failure is replayed by its seed.
 *
 * @example
 * const random = seeded(16);
 * random.pick(['a', 'b']); random.int(10); random.string('ab:@', 20);
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** A string of up to `max` characters drawn from `alphabet` (or from the given pieces). */
  string(alphabet: string | readonly string[], max: number): string;
}

/** mulberry32: small, fast, good enough for test cases. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)]!;
  const string = (alphabet: string | readonly string[], max: number) => {
    const pieces = typeof alphabet === 'string' ? [...alphabet] : alphabet;
    let out = '';
    for (let n = int(max + 1); n > 0; n--) out += pick(pieces);
    return out;
  };
  return { next, int, pick, string };
}
