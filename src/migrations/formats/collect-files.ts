/**
 * The loop shared by layouts that read one file per migration at the top of
 * the directory (goose, node-pg-migrate): each file is classified by its
 * name (a SQL migration, a migration in another language that cutover cannot
 * run, a file the tool skips, or nothing), versions are checked for
 * duplicates across all of them, and SQL files are read and taken apart.
 */
import { CutoverError } from '../../errors.js';
import type { Collected, FormatNotice, FoundMigration, ReadText } from './types.js';

/** What a layout makes of one file name. */
export type FileKind =
  /** A SQL migration of this version. */
  | { version: string }
  /** Not run by cutover; a gap's version still counts as taken. */
  | { notice: FormatNotice }
  /** Not the tool's business (another extension, a hidden file). */
  | undefined;

/** A layout's rules for {@link collectFiles}. */
export interface FileRules {
  classify(file: string): FileKind;
  parse(file: string, version: string, text: string): FoundMigration | CutoverError;
  /** The error for a second file with a version already taken. */
  duplicate(file: string, other: string, version: string): CutoverError;
}

/**
 * Classify, check and read the files at the top of a source.
 *
 * @example
 * await collectFiles(paths, read, { classify, parse, duplicate });
 */
export async function collectFiles(paths: readonly string[], read: ReadText, rules: FileRules): Promise<Collected> {
  const found: FoundMigration[] = [];
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  const byVersion = new Map<string, string>();
  for (const file of [...paths].sort()) {
    if (file.includes('/')) continue;
    const kind = rules.classify(file);
    if (!kind) continue;
    const version = 'version' in kind ? kind.version : kind.notice.kind === 'gap' ? kind.notice.version : undefined;
    const other = version === undefined ? undefined : byVersion.get(version);
    if (version !== undefined && other !== undefined) {
      problems.push(rules.duplicate(file, other, version));
      continue;
    }
    if (version !== undefined) byVersion.set(version, file);
    if ('notice' in kind) {
      notices.push(kind.notice);
      continue;
    }
    const text = await read(file);
    const migration = text instanceof CutoverError ? text : rules.parse(file, kind.version, text);
    if (migration instanceof CutoverError) problems.push(migration);
    else found.push(migration);
  }
  return { found, problems, notices };
}
