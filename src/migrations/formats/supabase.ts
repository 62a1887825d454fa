/**
 * The Supabase CLI's layout (pkg/migration/list.go `ListLocalMigrations`,
 * file.go): `supabase/migrations/<digits>_<name>.sql`, in name order, the
 * version being the digits (as `supabase_migrations.schema_migrations`
 * stores it). Every other entry is skipped with a notice, as the CLI prints
 * "Skipping migration …": a name outside `^([0-9]+)_(.*)\.sql$`, and a first
 * entry `<14 digits>_init.sql` older than 20211209000000 (an old CLI's
 * initial schema). Each file runs in a transaction, as the CLI sends a
 * file's statements in one batch.
 */
import { CutoverError } from '../../errors.js';
import { supabaseOrder } from './order.js';
import type { Collected, FormatNotice, FoundMigration, MigrationFormat, ReadText } from './types.js';

/** The CLI's `migrateFilePattern`. */
const PATTERN = /^([0-9]+)_(.*)\.sql$/;
/** The CLI's `initSchemaPattern` (unanchored, as the CLI matches it). */
const INIT = /([0-9]{14})_init\.sql/;

async function collect(paths: readonly string[], read: ReadText): Promise<Collected> {
  const found: FoundMigration[] = [];
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  // fs.ReadDir's entries: the files at the top and the directories, by name.
  const entries = [...new Set(paths.map((path) => path.split('/')[0]!))].sort();
  const byVersion = new Map<string, string>();
  for (const [i, entry] of entries.entries()) {
    if (!paths.includes(entry)) {
      if (paths.some((path) => path.startsWith(`${entry}/`) && path.toLowerCase().endsWith('.sql'))) {
        // Newer CLIs run a `<digits>_<name>/` directory's one .sql file; cutover does not read them yet, and says so.
        const version = /^([0-9]+)_/.exec(entry)?.[1];
        notices.push({ kind: version ? 'gap' : 'ignored', file: `${entry}/`, ...(version ? { version } : {}), reason: 'a directory: newer Supabase CLIs run a <timestamp>_<name>/ directory\'s .sql file; cutover reads only the .sql files at the top of supabase/migrations' });
      }
      continue;
    }
    const init = INIT.exec(entry);
    if (i === 0 && init && BigInt(init[1]!) < 20211209000000n) {
      notices.push({ kind: 'ignored', file: entry, reason: 'the Supabase CLI skips a first <timestamp>_init.sql older than 20211209000000 ("replace \\"init\\" with a different file name to apply this migration")' });
      continue;
    }
    const match = PATTERN.exec(entry);
    if (!match) {
      notices.push({ kind: 'ignored', file: entry, reason: 'the Supabase CLI skips it: "file name must match pattern <timestamp>_name.sql"' });
      continue;
    }
    const version = match[1]!;
    const other = byVersion.get(version);
    if (other !== undefined) {
      problems.push(new CutoverError('DUPLICATE_VERSION', `${entry}: version ${version} is also used by ${other} (the Supabase CLI fails on it too: its history table keys on the version)`, {
        hint: 'Renumber one of the files (supabase migration new writes a timestamp).', details: { file: entry, other, version },
      }));
      continue;
    }
    byVersion.set(version, entry);
    const text = await read(entry);
    if (text instanceof CutoverError) problems.push(text);
    else found.push({ version, name: match[2]!, up: { file: entry, text } });
  }
  return { found, problems, notices };
}

/**
 * The Supabase CLI's layout (docs/formats.md#supabase-cli).
 *
 * @example
 * await loadMigrations(directorySource('supabase/migrations'), { format: 'supabase' });
 */
export const supabaseFormat: MigrationFormat = {
  id: 'supabase',
  layout: '<timestamp>_<name>.sql in supabase/migrations (Supabase CLI)',
  order: supabaseOrder,
  collect,
};
