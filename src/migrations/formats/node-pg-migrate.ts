/**
 * node-pg-migrate's layout (src/migration.ts `getMigrationFilePaths`,
 * src/sqlMigration.ts `getActions`, default loaders): every file at the top
 * of the directory whose name does not start with `.` is a migration; a
 * `.sql` one is SQL, any other is loaded as JavaScript/TypeScript, which
 * cutover cannot run (reported as a gap, never skipped silently). The
 * migration's name, and cutover's version for it, is the file name without
 * its extension, as `pgmigrations.name` stores it; the order is
 * node-pg-migrate's (order.ts `nodePgMigrateOrder`).
 *
 * A SQL file's up migration runs from its `-- Up Migration` line to its
 * `-- Down Migration` line (or the whole file without an up marker), in a
 * transaction; the down migration from the down line on. One difference, on
 * purpose: a file with a down marker and no up marker is refused, where
 * node-pg-migrate would run the down SQL as part of the up migration.
 */
import { CutoverError } from '../../errors.js';
import { nodePgMigrateOrder } from './order.js';
import { collectFiles, type FileKind } from './collect-files.js';
import type { FoundMigration, MigrationFormat, ReadText } from './types.js';

/** node-pg-migrate's `createMigrationCommentRegex`. */
const marker = (direction: 'up' | 'down') => new RegExp(`^\\s*--[\\s-]*${direction}\\s+migration`, 'im');

/** Blank the text outside [from, to), keeping line breaks (positions stay the file's). */
function keep(text: string, from: number, to: number): string {
  const blank = (part: string) => part.replace(/[^\n]/g, '');
  return blank(text.slice(0, from)) + text.slice(from, to) + blank(text.slice(to));
}

/**
 * One node-pg-migrate SQL file as a migration, or why cutover refuses it.
 *
 * @example
 * nodePgMigrateMigration('1700000000000_users.sql', '-- Up Migration\nCREATE TABLE u ();\n-- Down Migration\nDROP TABLE u;\n');
 */
export function nodePgMigrateMigration(file: string, text: string): FoundMigration | CutoverError {
  const version = file.slice(0, file.lastIndexOf('.'));
  const name = version.includes('_') ? version.slice(version.indexOf('_') + 1) : version;
  const up = text.search(marker('up'));
  const down = text.search(marker('down'));
  if (up < 0 && down >= 0) {
    // The pattern may start on a blank line before the marker: count lines up to its `--`.
    const line = text.slice(0, down + marker('down').exec(text)![0].indexOf('--')).split('\n').length;
    return new CutoverError('BAD_SECTIONS', `${file}:${line}: a "-- Down Migration" section without a "-- Up Migration" line: node-pg-migrate would run the down SQL as part of the up migration`, {
      hint: 'Add a "-- Up Migration" line above the up SQL.', details: { file, line, reason: 'down-without-up' },
    });
  }
  const upEnd = down > up ? down : text.length;
  const migration: FoundMigration = { version, name, up: { file, text: up < 0 ? text : keep(text, up, upEnd) } };
  if (down >= 0) migration.down = { file, text: keep(text, down, up > down ? up : text.length) };
  return migration;
}

/** node-pg-migrate's files: SQL ones, and the JavaScript/TypeScript ones it loads in the same order (gaps). */
function classify(file: string): FileKind {
  if (file.startsWith('.')) return undefined;
  const dot = file.lastIndexOf('.');
  const version = dot > 0 ? file.slice(0, dot) : file;
  if (dot > 0 && file.slice(dot).toLowerCase() === '.sql') return { version };
  return { notice: { kind: 'gap', file, version, reason: 'node-pg-migrate loads it as a JavaScript/TypeScript migration in this place of the order; cutover cannot run it' } };
}

const collect = (paths: readonly string[], read: ReadText) => collectFiles(paths, read, {
  classify,
  parse: (file, _version, text) => nodePgMigrateMigration(file, text),
  duplicate: (file, other, version) => new CutoverError('DUPLICATE_VERSION', `${file}: migration ${version} is also ${other}`, {
    hint: 'node-pg-migrate records one name per migration: rename one of the files.', details: { file, other, version },
  }),
});

/**
 * node-pg-migrate's layout (docs/formats.md#node-pg-migrate).
 *
 * @example
 * await loadMigrations(directorySource('migrations'), { format: 'node-pg-migrate' });
 */
export const nodePgMigrateFormat: MigrationFormat = {
  id: 'node-pg-migrate',
  layout: '<timestamp>_<name>.sql with -- Up Migration / -- Down Migration (node-pg-migrate)',
  order: nodePgMigrateOrder,
  collect,
};
