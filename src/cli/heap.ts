/**
 * V8's heap sized for memory in the CLI's own process (never in an app that
 * uses the library: its heap is the app's trade, docs/library.md). By
 * default V8 doubles the young generation up to 32 MB, and grows the old one
 * up to 4× at a time, while a run allocates: on 1,000 files `migrate` and
 * `lint` allocate ~100 MB, almost all of it short-lived parse trees, and the
 * heap grew to ~50 MB around ~13 MB of live data (bench/RESULTS.md,
 * "CLI peak RSS"). Both flags are read by V8 at each resize (not only when
 * the heap is set up), so setting them after start-up takes effect; both are
 * in every V8 that Node.js 20 and later ship.
 */
import { createRequire } from 'node:module';

/**
 * Keep the young generation at its initial size and grow the old one by half
 * at most: more, cheaper minor GCs instead of a larger heap. For a process
 * that is cutover's own (bin.ts), before anything allocates much.
 *
 * @example
 * favourMemory(); // then run the CLI
 */
export function favourMemory(): void {
  // Required, not imported: only the CLI's process calls this.
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--heap-growing-percent=50');
}
