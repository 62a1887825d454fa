// Statistics and number formats shared by the bench drivers.

/** The median of a list of numbers (NaN for none). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Median over runs of (sample ÷ the reference's sample in the same run).
 * @param {{ run: number, ms: number }[]} list
 * @param {{ run: number, ms: number }[]} reference
 */
export function ratioInSameRun(list, reference) {
  const byRun = new Map(reference.map((s) => [s.run, s.ms]));
  return median(list.filter((s) => byRun.has(s.run)).map((s) => s.ms / byRun.get(s.run)));
}

/** 1234 → "1234", 12.34 → "12.3", 12345 → "12.3 s" with `seconds`. */
export const fmtMs = (x, { seconds = false } = {}) => (seconds && x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 100 ? x.toFixed(0) : x.toFixed(1));
