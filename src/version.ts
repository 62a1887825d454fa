/**
 * cutover's own version, read from its package.json by walking up from this
 * module (it runs from src/, dist/ or dist/bundle/).
 */
import { readFileSync } from 'node:fs';

/**
 * The version in cutover's package.json, or `0.0.0` when it cannot be found.
 *
 * @example
 * packageVersion(); // '0.1.0'
 */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version: string };
      if (manifest.name === 'cutover') return manifest.version;
    } catch {
      // not here: go up
    }
  }
  return '0.0.0';
}
