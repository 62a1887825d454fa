/**
 * What `cutover new` writes, in each layout: the file names and their first
 * lines, so a new migration sits beside the others in the form their tool
 * (still) reads. Pure: the existing versions and the clock come in.
 */
import { CutoverError } from '../errors.js';
import { timestampVersion } from './file-name.js';
import type { FormatId } from './formats/types.js';

/** What the new migration should be. */
export interface NewMigration {
  /** Letters, digits, `_` and `-`. */
  name: string;
  /** Versions already in the directory (the layout's form). */
  versions: readonly string[];
  now: Date;
  post?: boolean;
  /** `false`: outside a transaction, written in the layout's own way where it has one. */
  transaction: boolean;
  reversible?: boolean;
}

/** A file to write: its path in the directory and its text. */
export interface NewFile {
  path: string;
  text: string;
}

const DOWN = '-- undo what the up script does\n';
const SEQUENCE_LIMIT = 10n ** 9n; // below this, versions are a sequence (1, 2, 3 …), not timestamps

/**
 * The header: a comment naming the migration and when it was written (a new file is never
 * empty, and says what it is for), then the directives.
 */
function header(options: NewMigration, noTransaction = '-- cutover:no-transaction'): string {
  const written = options.now.toISOString().replace('T', ' ').slice(0, 19);
  const lines = [
    `-- ${options.name.replace(/[_-]+/g, ' ')}: written by \`cutover new\` on ${written} UTC; the statements go below.`,
    ...(options.post ? ['-- cutover:phase post'] : []), ...(options.transaction ? [] : [noTransaction]),
  ];
  return `${lines.join('\n')}\n\n`;
}

/**
 * The next whole-number version, never at or below the highest: a UTC
 * timestamp (DESIGN §1 for cutover's layout), or, where the tool's own
 * generator continues a sequence (sqlx, golang-migrate, Flyway), the next of it.
 */
function nextNumber(options: NewMigration, sequence: boolean, width = 0): string {
  const numbers = options.versions.filter((v) => /^\d+$/.test(v)).map(BigInt);
  const highest = numbers.reduce((max, n) => (n > max ? n : max), -1n);
  if (sequence && highest >= 0n && highest < SEQUENCE_LIMIT) return String(highest + 1n).padStart(width, '0');
  const stamp = BigInt(timestampVersion(options.now));
  return String(highest >= stamp ? highest + 1n : stamp);
}

/** diesel's `YYYY-MM-DD-HHMMSS`, as `diesel migration generate` writes. */
function dieselStamp(now: Date): string {
  const t = timestampVersion(now);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}-${t.slice(8)}`;
}

/**
 * The files of a new migration in a layout.
 *
 * @example
 * newMigrationFiles('diesel', { name: 'add_users', versions: [], now, transaction: true });
 * // [{ path: '2026-11-22-030405_add_users/up.sql', … }, { path: '…/down.sql', … }]
 */
export function newMigrationFiles(format: FormatId, options: NewMigration): NewFile[] {
  const { name } = options;
  switch (format) {
    case 'cutover':
    case 'sqlx': {
      const base = `${nextNumber(options, format === 'sqlx')}_${name}`;
      // sqlx reads only its own marker, and only as the file's first bytes; cutover honours it too.
      const text = format === 'sqlx' && !options.transaction ? `-- no-transaction\n${header({ ...options, transaction: true })}` : header(options);
      return options.reversible ? [{ path: `${base}.up.sql`, text }, { path: `${base}.down.sql`, text: DOWN }] : [{ path: `${base}.sql`, text }];
    }
    case 'golang-migrate': {
      const width = Math.max(0, ...options.versions.filter((v) => /^0\d/.test(v)).map((v) => v.length));
      const base = `${nextNumber(options, true, width)}_${name}`;
      return [{ path: `${base}.up.sql`, text: header(options) }, { path: `${base}.down.sql`, text: DOWN }];
    }
    case 'dbmate': {
      const section = options.transaction ? '' : ' transaction:false';
      return [{ path: `${nextNumber(options, false)}_${name}.sql`, text: `${header({ ...options, transaction: true })}-- migrate:up${section}\n\n-- migrate:down${section}\n\n` }];
    }
    case 'flyway': {
      const majors = options.versions.filter((v) => !v.startsWith('R__')).map((v) => v.split('.')[0]!).filter((v) => /^\d+$/.test(v));
      const version = nextNumber({ ...options, versions: majors }, true);
      const base = `V${version}__${name}.sql`;
      const files = [{ path: base, text: header({ ...options, transaction: true }) }];
      if (!options.transaction) files.push({ path: `${base}.conf`, text: 'executeInTransaction=false\n' });
      if (options.reversible) files.push({ path: `U${version}__${name}.sql`, text: DOWN });
      return files;
    }
    case 'diesel': {
      const dir = `${dieselStamp(options.now)}_${name}`;
      const files = [{ path: `${dir}/up.sql`, text: header({ ...options, transaction: true }) }, { path: `${dir}/down.sql`, text: DOWN }];
      if (!options.transaction) files.push({ path: `${dir}/metadata.toml`, text: 'run_in_transaction = false\n' });
      return files;
    }
    case 'prisma': {
      if (options.reversible) {
        throw new CutoverError('USAGE', 'Prisma migrations have no down script: --reversible cannot be written in this layout', {
          hint: 'Leave out --reversible; roll back with a backup (cutover rollback) or a new migration.', details: { format },
        });
      }
      return [{ path: `${timestampVersion(options.now)}_${name}/migration.sql`, text: header(options) }];
    }
    case 'goose': {
      // As `goose create -s` would number it if the directory is a sequence, else a timestamp.
      const down = options.reversible ? `\n-- +goose Down\n${DOWN}` : '';
      return [{ path: `${nextNumber(options, true)}_${name}.sql`, text: `${header(options, '-- +goose NO TRANSACTION')}-- +goose Up\n\n${down}` }];
    }
    case 'node-pg-migrate': {
      const down = options.reversible ? `\n-- Down Migration\n${DOWN}` : '';
      return [{ path: `${options.now.valueOf()}_${name}.sql`, text: `${header(options)}-- Up Migration\n\n${down}` }];
    }
    case 'supabase':
      return [{ path: `${nextNumber(options, false)}_${name}.sql`, text: header(options) }];
    case 'drizzle':
      throw new CutoverError('USAGE', 'a drizzle-kit migration is listed in meta/_journal.json: cutover new does not write drizzle migrations', {
        hint: 'Generate it with drizzle-kit (npx drizzle-kit generate --custom --name <name> for hand-written SQL).', details: { format },
      });
  }
}
