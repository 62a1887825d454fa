// Facts about the cutover build being measured.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether the build in `repo`/dist has the verdict cache (it reads CUTOVER_CACHE_DIR). */
export function hasVerdictCache(repo) {
  const dir = join(repo, 'dist', 'bundle');
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.js') && readFileSync(join(dir, String(f)), 'utf8').includes('CUTOVER_CACHE_DIR'));
}
