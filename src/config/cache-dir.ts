/**
 * Where the verdict cache lives by default: `node_modules/.cache/cutover` of
 * the nearest package (find-cache-dir's convention: the cache goes with the
 * project, into the image, and away with `node_modules`), else the user's
 * cache directory (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on
 * macOS, %LOCALAPPDATA% on Windows), in `cutover/`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Inputs of {@link defaultCacheDir}: where to look from, and the environment (only this module and settings.ts read it). */
export interface CacheDirInput {
  /** The directory the nearest package is looked for from (the migrations directory). */
  from: string;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The user's cache directory for cutover. */
function userCacheDir(env: Record<string, string | undefined>, platform: NodeJS.Platform, home: string): string {
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'cutover');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'cutover', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'cutover');
}

/**
 * The default cache directory for migrations in `from`.
 *
 * @example
 * defaultCacheDir({ from: '/app/migrations' }); // '/app/node_modules/.cache/cutover'
 */
export function defaultCacheDir(input: CacheDirInput): string {
  for (let dir = resolve(input.from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'node_modules', '.cache', 'cutover');
    if (dirname(dir) === dir) break;
  }
  const env = input.env ?? process.env;
  return userCacheDir(env, input.platform ?? process.platform, input.home ?? homedir());
}

/** Options naming the verdict cache, as the library and the settings table take them. */
export interface CacheOptions {
  /** Use and fill the verdict cache (default true; the environment's `CUTOVER_CACHE=false` turns it off). */
  cache?: boolean | undefined;
  /** Where verdicts are kept (default `CUTOVER_CACHE_DIR`, else {@link defaultCacheDir}). */
  cacheDir?: string | undefined;
}

/**
 * The cache directory to use, or undefined when the cache is off: the options first, then the
 * environment (`CUTOVER_CACHE`, `CUTOVER_CACHE_DIR`, as the CLI's settings read them), then the default.
 *
 * @example
 * cacheDirFor({ cache: true }, { from: 'migrations' }); // '/app/node_modules/.cache/cutover'
 */
export function cacheDirFor(options: CacheOptions, input: CacheDirInput): string | undefined {
  const env = input.env ?? process.env;
  const fromEnv = env.CUTOVER_CACHE === 'false' || env.CUTOVER_CACHE === '0' ? false : undefined;
  if (!(options.cache ?? fromEnv ?? true)) return undefined;
  return resolve(options.cacheDir ?? (env.CUTOVER_CACHE_DIR || defaultCacheDir({ ...input, env })));
}
