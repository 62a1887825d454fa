/**
 * Flat layouts where a migration is one file or an `.up.sql`/`.down.sql`
 * pair (cutover, sqlx, golang-migrate): group names by version, with one
 * error per duplicate or unpaired file.
 */
import { CutoverError } from '../../errors.js';
import type { Collected, FormatNotice, FoundMigration, ReadText } from './types.js';

/** A file name taken apart by a flat layout. */
export interface FlatName {
  version: string;
  name: string;
  kind: 'plain' | 'up' | 'down';
}

/**
 * What a flat layout says about one file name: a migration, `ignored` (not
 * its tool's business: another extension, a sub-folder), `skipped` (a
 * `.sql` name its tool passes over without a word: listed by `plan
 * --verbose`), or a problem its tool refuses too.
 */
export type FlatNameResult = FlatName | 'ignored' | { skipped: string } | { problem: string };

/** Options of {@link pairFiles}. */
export interface PairOptions {
  /** An `.up.sql` without its `.down.sql` is a migration that cannot be rolled back (sqlx, golang-migrate), not an error (cutover). */
  downOptional?: boolean;
}

/**
 * Pair the files of a flat layout into migrations.
 *
 * @example
 * await pairFiles(['1_a.up.sql', '1_a.down.sql'], parseName, read, 'Rename it to …');
 */
export async function pairFiles(
  paths: readonly string[],
  parse: (file: string) => FlatNameResult,
  read: ReadText,
  renameHint: string,
  options: PairOptions = {},
): Promise<Collected> {
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  const byVersion = new Map<string, { name: string; plain?: string; up?: string; down?: string }>();
  for (const file of [...paths].sort()) {
    const name = parse(file);
    if (name === 'ignored') continue;
    if ('skipped' in name) {
      notices.push({ kind: 'ignored', file, reason: name.skipped });
      continue;
    }
    if ('problem' in name) {
      problems.push(new CutoverError('BAD_FILENAME', name.problem, { hint: renameHint, details: { file } }));
      continue;
    }
    const entry = byVersion.get(name.version) ?? { name: name.name };
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

  const found: FoundMigration[] = [];
  for (const [version, entry] of byVersion) {
    if (entry.up && !entry.down && !options.downOptional) {
      problems.push(new CutoverError('MISSING_DOWN', `${entry.up}: reversible migration has no ${entry.up.replace(/\.up\.sql$/, '.down.sql')}`, {
        hint: 'Add the .down.sql file, or rename the .up.sql file to a plain .sql migration. (A sqlx or golang-migrate directory allows it: set --format sqlx or --format golang-migrate.)', details: { file: entry.up, version },
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
    const [up, down] = await Promise.all([read(upFile), entry.down ? read(entry.down) : undefined]);
    if (up instanceof CutoverError) problems.push(up);
    if (down instanceof CutoverError) problems.push(down);
    if (up instanceof CutoverError || down instanceof CutoverError) continue;
    found.push({ version, name: entry.name, up: { file: upFile, text: up }, ...(entry.down && down !== undefined ? { down: { file: entry.down, text: down } } : {}) });
  }
  return { found, problems, notices };
}
