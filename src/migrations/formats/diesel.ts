/**
 * diesel's layout (diesel_migrations' FileBasedMigrations and
 * migrations_internals): one directory per migration,
 * `<version>_<name>/up.sql` with an optional `down.sql` and an optional
 * `metadata.toml`. The version is the directory name before its first `_`
 * with the dashes removed (`2017-09-23-182408_x` → `20170923182408`), and
 * versions are ordered as text, as diesel's `MigrationVersion` is. diesel's
 * own `00000000000000_diesel_initial_setup` is an ordinary migration.
 *
 * diesel reads only directories (not starting with `.`), and in each only
 * up.sql, down.sql and metadata.toml: loose files at the top and other files
 * in a migration directory are ignored (listed by `plan --verbose`). It runs
 * up.sql as one multi-statement query in its transaction: a comment-only
 * file is a no-op, a file's own `BEGIN; … COMMIT;` runs (own-transaction.ts),
 * and an empty (blank) up.sql is refused, as diesel refuses it (EmptyMigration).
 */
import { CutoverError } from '../../errors.js';
import { dieselOrder } from './order.js';
import { withoutOwnTransaction } from './own-transaction.js';
import type { Collected, FoundMigration, FoundScript, FormatNotice, MigrationFormat, ReadText } from './types.js';

/**
 * The version of a migration directory, as diesel's `version_from_string`.
 *
 * @example
 * dieselVersion('2017-09-23-182408_create_users'); // '20170923182408'
 */
export function dieselVersion(directory: string): string {
  return directory.split('_')[0]!.replace(/-/g, '');
}

const KEY = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')`;
const KEY_VALUE = new RegExp(String.raw`^(${KEY}(?:\s*\.\s*${KEY})*)\s*=\s*(\S.*)$`);
const TABLE = new RegExp(String.raw`^\[\[?\s*${KEY}(?:\s*\.\s*${KEY})*\s*\]\]?\s*(#.*)?$`);

/** `[` minus `]` on a line, outside strings: how far an array value is still open. */
function bracketDepth(text: string): number {
  const bare = text.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '').replace(/#.*$/, '');
  return (bare.match(/\[/g)?.length ?? 0) - (bare.match(/\]/g)?.length ?? 0);
}

/**
 * Whether a migration with this `metadata.toml` runs in a transaction, as
 * diesel reads it: `run_in_transaction = true | false` at the top level.
 * diesel's quirk is kept: a metadata.toml without the key means **false**
 * (serde's default for a bool), while no metadata.toml at all means true.
 * Other keys are only checked to be TOML-shaped. diesel falls back to a
 * transaction when the file does not parse; cutover reports the file.
 *
 * @example
 * parseMetadata('run_in_transaction = false\n', 'x/metadata.toml'); // { transaction: false }
 */
export function parseMetadata(text: string, file: string): { transaction: boolean } | CutoverError {
  const bad = (line: number, message: string) => new CutoverError('BAD_METADATA', `${file}:${line}: ${message}`, {
    hint: 'diesel reads `run_in_transaction = true` or `run_in_transaction = false` from metadata.toml; fix the line (diesel would ignore the whole file and run the migration in a transaction).',
    details: { file, line },
  });
  let inTable = false;
  let transaction: boolean | undefined;
  let closing: string | undefined; // the delimiter of an open multi-line string
  let depth = 0; // an open multi-line array
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (closing !== undefined) {
      if (line.includes(closing)) closing = undefined;
      continue;
    }
    if (depth > 0) {
      depth += bracketDepth(line);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    if (TABLE.test(line)) {
      inTable = true;
      continue;
    }
    const match = KEY_VALUE.exec(line);
    if (!match) return bad(index + 1, `"${line}" is not TOML (key = value, or a [table] header)`);
    const [, key, value] = match as unknown as [string, string, string];
    const quote = value.slice(0, 3);
    if ((quote === '"""' || quote === "'''") && !value.slice(3).includes(quote)) {
      closing = quote;
      continue;
    }
    if (value.startsWith('[')) {
      depth = bracketDepth(value);
      if (depth > 0) continue;
    }
    if (inTable || key.replace(/^["']|["']$/g, '') !== 'run_in_transaction') continue;
    const setting = value.replace(/\s*#.*$/, '');
    if (setting !== 'true' && setting !== 'false') return bad(index + 1, `run_in_transaction must be true or false, not ${setting}`);
    if (transaction !== undefined) return bad(index + 1, 'run_in_transaction is set twice');
    transaction = setting === 'true';
  }
  if (closing !== undefined || depth > 0) return bad(text.split('\n').length, 'a multi-line string or array is never closed');
  return { transaction: transaction ?? false };
}

async function readMigration(directory: string, files: readonly string[], read: ReadText): Promise<{ up: FoundScript; down?: FoundScript } | CutoverError[]> {
  const path = (file: string) => `${directory}/${file}`;
  const [up, down, metadata] = await Promise.all([
    read(path('up.sql')),
    files.includes('down.sql') ? read(path('down.sql')) : undefined,
    files.includes('metadata.toml') ? read(path('metadata.toml')) : undefined,
  ]);
  const settings = typeof metadata === 'string' ? parseMetadata(metadata, path('metadata.toml')) : undefined;
  const problems = [up, down, metadata, settings].filter((x): x is CutoverError => x instanceof CutoverError);
  if (problems.length > 0 || typeof up !== 'string' || settings instanceof CutoverError) return problems;
  if (up.trim() === '') {
    return [new CutoverError('EMPTY_FILE', `${path('up.sql')}: the file is empty (diesel refuses it too: EmptyMigration)`, {
      hint: 'Write the migration, or put a comment in up.sql (diesel runs a comment-only file as a no-op).', details: { file: path('up.sql') },
    })];
  }
  // The setting covers both directions: diesel reverts under the same metadata.
  const transaction = settings ? { transaction: settings.transaction } : {};
  return {
    up: withoutOwnTransaction({ file: path('up.sql'), text: up, ...transaction }, 'in-transaction'),
    // A blank down.sql undoes nothing (diesel refuses to revert an empty one): no down script.
    ...(typeof down === 'string' && down.trim() !== '' ? { down: withoutOwnTransaction({ file: path('down.sql'), text: down, ...transaction }, 'in-transaction') } : {}),
  };
}

async function collect(paths: readonly string[], read: ReadText): Promise<Collected> {
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  const directories = new Map<string, string[]>();
  for (const path of [...paths].sort()) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      notices.push({ kind: 'ignored', file: path, reason: 'diesel reads only <version>_<name>/ directories' });
      continue;
    }
    const directory = path.slice(0, slash);
    directories.set(directory, [...(directories.get(directory) ?? []), path.slice(slash + 1)]);
  }

  const byVersion = new Map<string, string>();
  const migrations: { directory: string; files: string[]; version: string }[] = [];
  for (const [directory, all] of directories) {
    const files = all.filter((file) => !file.startsWith('.')); // diesel does not see hidden files
    for (const file of files.filter((name) => !['up.sql', 'down.sql', 'metadata.toml'].includes(name))) {
      notices.push({ kind: 'ignored', file: `${directory}/${file}`, reason: 'diesel reads only up.sql, down.sql and metadata.toml in a migration directory' });
    }
    if (!files.includes('up.sql')) {
      problems.push(new CutoverError('MISSING_UP', `${directory}/: a migration directory without up.sql`, {
        hint: 'Add up.sql, or move the directory out of the migrations directory (diesel refuses it too).', details: { file: `${directory}/`, version: dieselVersion(directory) },
      }));
      continue;
    }
    const version = dieselVersion(directory);
    if (version === '') {
      problems.push(new CutoverError('BAD_FILENAME', `${directory}/: no version before the first _`, {
        hint: 'Name the directory <version>_<name>, e.g. 2026-01-01-120000_create_users (`diesel migration generate` does).', details: { file: `${directory}/` },
      }));
      continue;
    }
    const other = byVersion.get(version);
    if (other !== undefined) {
      problems.push(new CutoverError('DUPLICATE_VERSION', `${directory}/: version ${version} is also used by ${other}/`, {
        hint: 'diesel drops the dashes from the version, so 2017-09-23-182408_a and 20170923182408_b share one: renumber one of them.',
        details: { file: `${directory}/up.sql`, other: `${other}/up.sql`, version },
      }));
      continue;
    }
    byVersion.set(version, directory);
    migrations.push({ directory, files, version });
  }

  const found = await Promise.all(migrations.map(async ({ directory, files, version }): Promise<FoundMigration | undefined> => {
    const scripts = await readMigration(directory, files, read);
    if (Array.isArray(scripts)) {
      problems.push(...scripts);
      return undefined;
    }
    const cut = directory.indexOf('_');
    return { version, name: cut < 0 ? directory : directory.slice(cut + 1), ...scripts };
  }));
  return { found: found.filter((entry): entry is FoundMigration => entry !== undefined), problems, notices };
}

/**
 * diesel's layout (docs/formats.md#diesel).
 *
 * @example
 * await loadMigrations(directorySource('migrations'), { format: 'diesel' });
 */
export const dieselFormat: MigrationFormat = {
  id: 'diesel',
  layout: '<version>_<name>/up.sql, with down.sql and metadata.toml',
  order: dieselOrder,
  collect,
  emptyFiles: 'no-op',
};
