/**
 * Turn a {@link MigrationSource} into migrations: names, pairs, directives,
 * checksums. Every problem in every file is collected and thrown together
 * (exit 2), before anything touches a database. SQL parsing is separate
 * (src/sql) and happens only for pending migrations.
 */
import { CutoverError, throwAll } from '../errors.js';
import { checksum, normalizeText } from './checksum.js';
import { parseDirectives } from './directives.js';
import { parseFileName, type ParsedName } from './file-name.js';
import type { Migration, MigrationScript, MigrationSource } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array | string, file: string): string | CutoverError {
  if (typeof bytes === 'string') return bytes;
  try {
    return utf8.decode(bytes);
  } catch {
    return new CutoverError('NOT_UTF8', `${file}: not valid UTF-8`, {
      hint: 'Save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`).',
      details: { file },
    });
  }
}

/**
 * Build one script from a file's contents.
 *
 * @example
 * readScript('1_a.sql', 'CREATE TABLE a ();\n');
 */
export function readScript(file: string, contents: Uint8Array | string): MigrationScript | CutoverError[] {
  const text = decode(contents, file);
  if (text instanceof CutoverError) return [text];
  const sql = normalizeText(text);
  if (sql.trim() === '') {
    return [new CutoverError('EMPTY_FILE', `${file}: the file is empty`, { hint: 'Write the migration, or delete the file.', details: { file } })];
  }
  const { directives, problems } = parseDirectives(sql, file);
  if (problems.length > 0) return problems;
  return { file, sql, checksum: checksum(sql), ...directives };
}

/**
 * Read every migration from a source, sorted by version.
 * Throws a {@link CutoverError} (or several) naming each bad file.
 *
 * @example
 * const migrations = await loadMigrations(directorySource('./migrations'));
 */
export async function loadMigrations(source: MigrationSource): Promise<Migration[]> {
  const names = (await source.list()).sort();
  const problems: CutoverError[] = [];
  const parsed: { file: string; name: ParsedName }[] = [];
  for (const file of names) {
    const name = parseFileName(file);
    if (name === 'ignored') continue;
    if ('problem' in name) {
      problems.push(new CutoverError('BAD_FILENAME', name.problem, {
        hint: 'Rename it to <version>_<description>.sql (e.g. 20260101120000_add_users.sql), or give it another extension if it is not a migration.',
        details: { file },
      }));
    } else parsed.push({ file, name });
  }

  // Group by version: a valid group is one plain file, or one .up/.down pair.
  const byVersion = new Map<string, { order: bigint; name: string; plain?: string; up?: string; down?: string }>();
  for (const { file, name } of parsed) {
    const entry = byVersion.get(name.version) ?? { order: name.order, name: name.name };
    const taken = entry.plain ?? (name.kind === 'plain' ? entry.up ?? entry.down : entry[name.kind]);
    if (taken !== undefined) {
      problems.push(new CutoverError('DUPLICATE_VERSION', `${file}: version ${name.version} is also used by ${taken}`, {
        hint: 'Each version may appear once (or as one .up.sql/.down.sql pair). Renumber one of the files; `cutover new` writes timestamp versions.',
        details: { file, other: taken, version: name.version },
      }));
      continue;
    }
    entry[name.kind] = file;
    byVersion.set(name.version, entry);
  }

  const files = await Promise.all(
    [...byVersion.values()].flatMap((entry) => [entry.plain, entry.up, entry.down]).filter((file): file is string => file !== undefined)
      .map(async (file) => [file, await source.read(file)] as const),
  );
  const contents = new Map(files);

  const migrations: Migration[] = [];
  for (const [version, entry] of byVersion) {
    if (entry.up && !entry.down) {
      problems.push(new CutoverError('MISSING_DOWN', `${entry.up}: reversible migration has no ${entry.up.replace(/\.up\.sql$/, '.down.sql')}`, {
        hint: 'Add the .down.sql file, or rename the .up.sql file to a plain .sql migration.', details: { file: entry.up, version },
      }));
      continue;
    }
    if (entry.down && !entry.up) {
      problems.push(new CutoverError('MISSING_UP', `${entry.down}: down migration has no ${entry.down.replace(/\.down\.sql$/, '.up.sql')}`, {
        hint: 'Add the .up.sql file, or delete the stray .down.sql file.', details: { file: entry.down, version },
      }));
      continue;
    }
    const upFile = (entry.plain ?? entry.up)!;
    const up = readScript(upFile, contents.get(upFile)!);
    const down = entry.down ? readScript(entry.down, contents.get(entry.down)!) : undefined;
    if (Array.isArray(up)) problems.push(...up);
    if (Array.isArray(down)) problems.push(...down);
    if (Array.isArray(up) || Array.isArray(down)) continue;
    migrations.push({ ...up, version, order: entry.order, name: entry.name, ...(down ? { down } : {}) });
  }
  throwAll(problems);
  return migrations.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}
