/**
 * Verdicts (issue 19.1): each file's parse, kept by its bytes and the versions
 * of cutover and the parser, in a cache directory and in bundles, so that a
 * deploy never parses the same bytes again.
 */
import { cacheDirFor, type CacheDirInput, type CacheOptions } from '../config/cache-dir.js';
import { directoryStore, embeddedStore, type VerdictStore } from './store.js';

export { directoryStore, embeddedStore, type VerdictStore } from './store.js';
export { splitWithVerdicts, toParse, type FileSplit } from './split.js';
export { verdictVersions, type Verdict } from './verdict.js';
export type { CacheOptions } from '../config/cache-dir.js';

/** Options of {@link openVerdicts}. */
export interface OpenVerdictsOptions extends CacheOptions, CacheDirInput {
  /** Verdicts embedded in a bundle (`cutover bundle`), used before the cache. */
  embedded?: readonly (string | undefined)[] | undefined;
  /** Hears why the cache is not written (a read-only directory): a note, never an error. */
  onNote?: ((note: string) => void) | undefined;
}

/**
 * The verdicts of a run: a bundle's, then the cache directory's; undefined with the cache off.
 *
 * @example
 * const verdicts = openVerdicts({ from: 'migrations' });
 */
export function openVerdicts(options: OpenVerdictsOptions): VerdictStore | undefined {
  const dir = cacheDirFor(options, options);
  if (dir === undefined) return undefined;
  const disk = directoryStore(dir, options.onNote ? { onNote: options.onNote } : {});
  const embedded = (options.embedded ?? []).filter((v): v is string => v !== undefined);
  return embedded.length > 0 ? embeddedStore(embedded, disk) : disk;
}
