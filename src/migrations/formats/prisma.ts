/**
 * Prisma Migrate's layout: one directory per migration,
 * `<timestamp>_<name>/migration.sql`, and `migration_lock.toml` at the top
 * (read only so that a bundle keeps it; its content is ignored). The version
 * is the whole directory name, as `_prisma_migrations.migration_name` stores
 * it, ordered as text as Prisma sorts its directories. Prisma has no down
 * scripts; a `down.sql` beside migration.sql (where Prisma's guide to down
 * migrations puts the output of `prisma migrate diff`) is taken as one.
 */
import { CutoverError } from '../../errors.js';
import { refusingTransaction } from './no-transaction.js';
import { textOrder } from './order.js';
import type { FoundMigration, FoundScript, MigrationFormat, ReadText } from './types.js';

/** The lock file Prisma writes at the top of its migrations directory. */
export const PRISMA_LOCK = 'migration_lock.toml';

const isSql = (file: string) => file.toLowerCase().endsWith('.sql');

/**
 * A script as PostgreSQL runs Prisma's one-query script: in a transaction,
 * unless it is a single statement that refuses one (`CREATE INDEX CONCURRENTLY`).
 */
function script(file: string, text: string): FoundScript {
  const statements = refusingTransaction(text);
  return statements.length === 1 && statements[0] ? { file, text, transaction: false } : { file, text };
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

async function collect(paths: readonly string[], read: ReadText): Promise<{ found: FoundMigration[]; problems: CutoverError[] }> {
  const problems: CutoverError[] = [];
  const directories = new Map<string, string[]>();
  for (const path of [...paths].sort()) {
    const slash = path.indexOf('/');
    if (slash >= 0) {
      const directory = path.slice(0, slash);
      directories.set(directory, [...(directories.get(directory) ?? []), path.slice(slash + 1)]);
    } else if (path === PRISMA_LOCK) {
      await read(path); // marks the layout; what it says (the provider) is Prisma's business
    } else if (isSql(path)) {
      problems.push(new CutoverError('BAD_FILENAME', `${path}: a .sql file outside a migration directory`, {
        hint: `Prisma reads only <timestamp>_<name>/migration.sql: move it to a directory such as ${path.replace(/\.sql$/i, '')}/migration.sql, or out of the migrations directory.`,
        details: { file: path },
      }));
    }
  }

  const migrations: { directory: string; files: string[] }[] = [];
  for (const [directory, files] of directories) {
    for (const file of files.filter((name) => isSql(name) && name !== 'migration.sql' && name !== 'down.sql')) {
      problems.push(new CutoverError('BAD_FILENAME', `${directory}/${file}: a Prisma migration directory holds migration.sql (and, for cutover, down.sql)`, {
        hint: 'Merge it into migration.sql, or move it out of the directory (Prisma would skip it without a word).', details: { file: `${directory}/${file}` },
      }));
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
  return { found: found.filter((entry): entry is FoundMigration => !Array.isArray(entry)), problems };
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
};
