/**
 * Prisma Migrate's layout: one directory per migration,
 * `<timestamp>_<name>/migration.sql`, and `migration_lock.toml` at the top
 * (read only so that a bundle keeps it; its content is ignored). The version
 * is the whole directory name, as `_prisma_migrations.migration_name` stores
 * it, ordered as text as Prisma sorts its directories. Prisma has no down
 * scripts; a `down.sql` beside migration.sql (where Prisma's guide to down
 * migrations puts the output of `prisma migrate diff`) is taken as one.
 *
 * Prisma sends migration.sql as one script without a transaction of its
 * own (the file is one implicit transaction): a file that is a single
 * `CREATE INDEX CONCURRENTLY` runs without one, a file's own `BEGIN; …
 * COMMIT;` runs (own-transaction.ts), an empty or comment-only file is a
 * no-op. Prisma reads only the directories: loose files at the top and other
 * files in a migration directory are ignored, and listed by `plan --verbose`.
 */
import { CutoverError } from '../../errors.js';
import { aloneInOneQuery } from './no-transaction.js';
import { textOrder } from './order.js';
import { withoutOwnTransaction } from './own-transaction.js';
import type { Collected, FoundMigration, FoundScript, FormatNotice, MigrationFormat, ReadText } from './types.js';

/** The lock file Prisma writes at the top of its migrations directory. */
export const PRISMA_LOCK = 'migration_lock.toml';

/**
 * A script as PostgreSQL runs Prisma's one-query script: in a transaction,
 * unless it is a single statement that refuses one (`CREATE INDEX
 * CONCURRENTLY`) or may commit (`CALL`).
 */
function script(file: string, text: string): FoundScript {
  return aloneInOneQuery(text) ? { file, text, transaction: false } : withoutOwnTransaction({ file, text }, 'one-query');
}

async function readMigration(directory: string, files: readonly string[], read: ReadText): Promise<FoundMigration | CutoverError[]> {
  const [up, down] = await Promise.all([read(`${directory}/migration.sql`), files.includes('down.sql') ? read(`${directory}/down.sql`) : undefined]);
  const problems = [up, down].filter((x): x is CutoverError => x instanceof CutoverError);
  if (problems.length > 0 || typeof up !== 'string') return problems;
  const cut = directory.indexOf('_');
  return {
    version: directory, name: cut < 0 ? directory : directory.slice(cut + 1),
    up: script(`${directory}/migration.sql`, up),
    ...(typeof down === 'string' ? { down: script(`${directory}/down.sql`, down) } : {}),
  };
}

async function collect(paths: readonly string[], read: ReadText): Promise<Collected> {
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  const directories = new Map<string, string[]>();
  for (const path of [...paths].sort()) {
    const slash = path.indexOf('/');
    if (slash >= 0) {
      const directory = path.slice(0, slash);
      directories.set(directory, [...(directories.get(directory) ?? []), path.slice(slash + 1)]);
    } else if (path === PRISMA_LOCK) {
      await read(path); // marks the layout; what it says (the provider) is Prisma's business
    } else notices.push({ kind: 'ignored', file: path, reason: 'Prisma reads only <name>/migration.sql directories' });
  }

  const migrations: { directory: string; files: string[] }[] = [];
  for (const [directory, files] of directories) {
    for (const file of files.filter((name) => name !== 'migration.sql' && name !== 'down.sql')) {
      notices.push({ kind: 'ignored', file: `${directory}/${file}`, reason: 'Prisma reads only migration.sql in a migration directory' });
    }
    if (files.includes('migration.sql')) migrations.push({ directory, files });
    else {
      problems.push(new CutoverError('MISSING_UP', `${directory}/: a migration directory without migration.sql`, {
        hint: 'Add migration.sql, or move the directory out of the migrations directory (Prisma fails on it too).', details: { file: `${directory}/`, version: directory },
      }));
    }
  }
  const found = await Promise.all(migrations.map(({ directory, files }) => readMigration(directory, files, read)));
  for (const entry of found) if (Array.isArray(entry)) problems.push(...entry);
  return { found: found.filter((entry): entry is FoundMigration => !Array.isArray(entry)), problems, notices };
}

/**
 * Prisma Migrate's layout (docs/formats.md#prisma).
 *
 * @example
 * await loadMigrations(directorySource('prisma/migrations'), { format: 'prisma' });
 */
export const prismaFormat: MigrationFormat = {
  id: 'prisma',
  layout: '<timestamp>_<name>/migration.sql',
  order: textOrder,
  collect,
  emptyFiles: 'no-op',
};
