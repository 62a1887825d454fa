/**
 * `--format auto`: tell the layout from the paths (and, for dbmate, from its
 * `-- migrate:up` marker), and say why. A directory that fits cutover's own
 * names is read as cutover's. sqlx is never guessed: its names are
 * cutover's, so a name cutover refuses (`2_add users.sql`) is a typo to
 * report, not a reason to read the whole directory as sqlx's (defect 16.15);
 * `--format sqlx` reads it. A directory mixing two tools' layouts is refused,
 * naming one file of each.
 */
import { CutoverError } from '../../errors.js';
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
export async function detectFormat(paths: readonly string[], read: ReadText, location = 'the migrations directory'): Promise<Detection> {
  const mixed = await mixedLayouts(paths, read);
  if (mixed) {
    const [[toolA, fileA], [toolB, fileB]] = mixed;
    throw new CutoverError('MIXED_LAYOUT', `${location} mixes two tools' layouts: ${fileA} is ${toolA}'s, ${fileB} is ${toolB}'s`, {
      hint: `Keep one tool's migrations per directory (move the others to their own directory), or set --format to read it as one tool's: --format ${FAMILY_FORMAT[toolA]} or --format ${FAMILY_FORMAT[toolB]}.`,
      details: { file: fileA, other: fileB, formats: [FAMILY_FORMAT[toolA], FAMILY_FORMAT[toolB]] },
    });
  }
  if (paths.includes('meta/_journal.json')) return { format: 'drizzle', reason: 'meta/_journal.json (drizzle-kit)' };
  if (paths.includes('migration_lock.toml') || paths.some((path) => /^[^/]+\/migration\.sql$/.test(path))) {
    return { format: 'prisma', reason: 'directories holding migration.sql (Prisma)' };
  }
  if (paths.some((path) => /^[^/]+\/up\.sql$/.test(path))) {
    return { format: 'diesel', reason: 'directories holding up.sql (diesel)' };
  }
  const files = topLevelSql(paths);
  // Flyway scans subdirectories too: a name one level down counts.
  if (paths.some((path) => FLYWAY.test(path))) {
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
  return { format: 'cutover', reason: 'no other layout fits' };
}

/** Flyway's names, at any depth. */
const FLYWAY = /^([^/]+\/)*(V\d[\d._]*__|R__)[^/]*\.sql$/;

/** The first top-level file with a dbmate `-- migrate:up` line. */
async function dbmateFile(files: readonly string[], read: ReadText): Promise<string | undefined> {
  for (const file of files) {
    if (!/^\d/.test(file)) continue;
    const text = await read(file);
    if (typeof text === 'string' && /^--\s*migrate:up\b/m.test(text)) return file;
  }
  return undefined;
}

/** The tools whose layouts cannot share a directory, and the --format that reads each. */
const FAMILY_FORMAT = { Prisma: 'prisma', diesel: 'diesel', Flyway: 'flyway', dbmate: 'dbmate', 'cutover/sqlx/golang-migrate': 'cutover' } as const;
type Family = keyof typeof FAMILY_FORMAT;

/**
 * Two layouts in one directory, each with a file only its tool reads as a
 * migration: the first two found, with one file each. diesel and Prisma read
 * only directories and ignore loose files, so loose files beside them are no mix.
 */
async function mixedLayouts(paths: readonly string[], read: ReadText): Promise<[[Family, string], [Family, string]] | undefined> {
  const sorted = [...paths].sort();
  const first = (pattern: RegExp) => sorted.find((path) => pattern.test(path));
  const found: [Family, string | undefined][] = [['Prisma', first(/^[^/]+\/migration\.sql$/)], ['diesel', first(/^[^/]+\/up\.sql$/)]];
  if (!found.some(([, file]) => file)) {
    const files = topLevelSql(sorted);
    const dbmate = await dbmateFile(files, read);
    const flyway = first(FLYWAY);
    // An up/down pair is never dbmate's or Flyway's; beside Flyway's names, a plain numbered file is cutover's or sqlx's too
    // (beside dbmate's, it is a dbmate file without sections: dbmate's reader says so).
    const flat = files.find((file) => /^\d+_.*\.(up|down)\.sql$/.test(file)) ?? (flyway ? files.find((file) => /^\d+_.*\.sql$/.test(file)) : undefined);
    found.push(['Flyway', flyway], ['dbmate', dbmate], ['cutover/sqlx/golang-migrate', flat]);
  }
  const present = found.filter((entry): entry is [Family, string] => entry[1] !== undefined);
  return present.length >= 2 ? [present[0]!, present[1]!] : undefined;
}
