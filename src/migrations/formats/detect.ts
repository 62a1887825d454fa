/**
 * `--format auto`: tell the layout from the paths (and, for dbmate, from its
 * `-- migrate:up` marker), and say why. A directory that fits cutover's own
 * names is read as cutover's.
 */
import { parseFileName } from '../file-name.js';
import type { FormatId, ReadText } from './types.js';

/** What `auto` chose, and why (shown to the user). */
export interface Detection {
  format: FormatId;
  reason: string;
}

const topLevelSql = (paths: readonly string[]) => paths.filter((path) => !path.includes('/') && path.toLowerCase().endsWith('.sql'));

/**
 * Detect the layout of a source's paths.
 *
 * @example
 * await detectFormat(['20240101000000_init/up.sql', '20240101000000_init/down.sql'], read); // { format: 'diesel', … }
 */
export async function detectFormat(paths: readonly string[], read: ReadText): Promise<Detection> {
  if (paths.includes('meta/_journal.json')) return { format: 'drizzle', reason: 'meta/_journal.json (drizzle-kit)' };
  if (paths.includes('migration_lock.toml') || paths.some((path) => /^[^/]+\/migration\.sql$/.test(path))) {
    return { format: 'prisma', reason: 'directories holding migration.sql (Prisma)' };
  }
  if (paths.some((path) => /^[^/]+\/up\.sql$/.test(path))) {
    return { format: 'diesel', reason: 'directories holding up.sql (diesel)' };
  }
  const files = topLevelSql(paths);
  // Flyway scans subdirectories too: a name one level down counts.
  if (paths.some((path) => /^([^/]+\/)?(V\d[\d._]*__|R__)[^/]*\.sql$/.test(path))) {
    return { format: 'flyway', reason: 'V<version>__<description>.sql names (Flyway)' };
  }
  for (const file of files) {
    if (!/^\d/.test(file)) continue;
    const text = await read(file);
    if (typeof text === 'string' && /^--\s*migrate:up\b/m.test(text)) return { format: 'dbmate', reason: `${file} has a "-- migrate:up" section (dbmate)` };
    if (typeof text === 'string' && /^--\s*\+goose\s+up\s*$/im.test(text)) return { format: 'goose', reason: `${file} has a "-- +goose Up" annotation (goose)` };
    if (typeof text === 'string' && /^\s*--[\s-]*up\s+migration/im.test(text)) return { format: 'node-pg-migrate', reason: `${file} has a "-- Up Migration" marker (node-pg-migrate)` };
  }
  // `migrate create -seq` writes 000001_…, plain `migrate create` a 10-digit Unix time: cutover never does either.
  if (files.length > 0 && files.every((file) => /^(0\d{3,}|\d{10})_.*\.(up|down)\.sql$/.test(file))) {
    return { format: 'golang-migrate', reason: '<version>_<name>.up.sql / .down.sql pairs numbered as `migrate create` numbers them (golang-migrate)' };
  }
  if (files.every((file) => typeof parseFileName(file) === 'object' && !('problem' in (parseFileName(file) as object)))) {
    return { format: 'cutover', reason: 'cutover names' };
  }
  if (files.every((file) => /^\d+_.*\.(up|down)\.sql$/.test(file))) {
    return { format: 'golang-migrate', reason: '<version>_<name>.up.sql / .down.sql names that are not cutover\'s (golang-migrate)' };
  }
  if (files.every((file) => /^\d+_.*\.sql$/.test(file))) {
    return { format: 'sqlx', reason: '<version>_<description>.sql names that are not cutover\'s (sqlx)' };
  }
  return { format: 'cutover', reason: 'no other layout fits' };
}
