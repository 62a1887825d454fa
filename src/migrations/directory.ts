/**
 * A {@link MigrationSource} over a directory (DESIGN §1), and the files in
 * its sub-folders for layouts with a directory per migration (diesel, Prisma)
 * or recursive locations (Flyway). This is an
 * edge module: it is the only place in the migrations concept that touches
 * the file system.
 *
 * A symbolic link is followed when it resolves to a regular file (inside the
 * directory or outside it: a shared migration), and said so through
 * `onLink`. Anything else named like a migration — a dangling link, a loop,
 * a directory or a device called `2_x.sql` — is NOT_A_FILE, never skipped
 * (issue 16.2).
 */
import { readFileSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { CutoverError, throwAll } from '../errors.js';
import type { MigrationSource } from './types.js';

/** Options of {@link directorySource}. */
export interface DirectoryOptions {
  /** Told each symbolic link that is followed: its path in the source, and the file it resolves to. */
  onLink?: (link: { file: string; target: string }) => void;
}

type Kind = 'file' | 'directory' | 'other';
type Reason = 'dangling-link' | 'link-loop' | 'directory' | 'not-a-regular-file' | 'unreadable';

/** Named like a migration: any `.sql`, and at the top a name starting with a digit (diesel's and Prisma's directories). */
const looksLikeMigration = (name: string, top: boolean) => /\.sql$/i.test(name) || (top && /^\d/.test(name));

const HINTS: Record<Reason, string> = {
  'dangling-link': 'The symbolic link points at nothing: fix its target (ls -l shows it), or delete the link.',
  'link-loop': 'The symbolic link resolves to itself through other links: point it at the real file, or delete it.',
  directory: 'A directory cannot be a migration: rename it so that it does not end in .sql, or move the file it holds up a level.',
  'not-a-regular-file': 'Only regular files (or links to them) are read: replace it with the file itself.',
  unreadable: 'Check the permissions of the file and of the directories above it.',
};

function notAFile(dir: string, file: string, reason: Reason, cause?: unknown): CutoverError {
  const what = { 'dangling-link': 'a symbolic link to nothing', 'link-loop': 'a symbolic link loop', directory: 'a directory', 'not-a-regular-file': 'not a regular file', unreadable: 'unreadable' }[reason];
  return new CutoverError('NOT_A_FILE', `${join(dir, file)}: named like a migration, but ${what}`, { hint: HINTS[reason], details: { file, reason }, cause });
}

/** Whether a directory holds a directory-per-migration layout's script (Prisma's migration.sql, diesel's up.sql). */
async function holdsMigrationScript(path: string): Promise<boolean> {
  const names = await readdir(path).catch(() => [] as string[]);
  return names.includes('migration.sql') || names.includes('up.sql');
}

/**
 * What an entry is, links followed; undefined (and a problem) when it cannot be read
 * and is named like a migration, undefined alone when it is anything else.
 */
async function kindOf(dir: string, file: string, entry: Dirent, top: boolean, problems: CutoverError[], options: DirectoryOptions): Promise<Kind | undefined> {
  const migrationLike = looksLikeMigration(entry.name, top);
  let kind: Kind;
  if (entry.isSymbolicLink()) {
    const path = join(dir, file);
    try {
      const target = await stat(path);
      kind = target.isFile() ? 'file' : target.isDirectory() ? 'directory' : 'other';
      if (kind === 'file') options.onLink?.({ file, target: await realpath(path) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (migrationLike) problems.push(notAFile(dir, file, code === 'ENOENT' ? 'dangling-link' : code === 'ELOOP' ? 'link-loop' : 'unreadable', error));
      return undefined;
    }
  } else kind = entry.isFile() ? 'file' : entry.isDirectory() ? 'directory' : 'other';
  if (kind === 'other' && migrationLike) problems.push(notAFile(dir, file, 'not-a-regular-file'));
  // A Prisma or diesel migration directory may be named `….sql` (langfuse has one): it holds its script.
  if (kind === 'directory' && /\.sql$/i.test(entry.name) && !(await holdsMigrationScript(join(dir, file)))) {
    problems.push(notAFile(dir, file, 'directory'));
    return undefined;
  }
  return kind;
}

/** How deep sub-folders are listed: Flyway scans its locations recursively, diesel and Prisma one level down. */
const MAX_DEPTH = 8;

/** The files under `dir/prefix` (prefix ends in `/`), `depth` levels deep, hidden directories skipped. */
async function listNested(dir: string, prefix: string, depth: number, problems: CutoverError[], options: DirectoryOptions): Promise<string[]> {
  const inner = await readdir(join(dir, prefix), { withFileTypes: true });
  const kinds = await Promise.all(inner.map((entry) => kindOf(dir, `${prefix}${entry.name}`, entry, false, problems, options)));
  const files = inner.filter((_, i) => kinds[i] === 'file').map((entry) => `${prefix}${entry.name}`);
  if (depth <= 1) return files;
  const subdirectories = inner.filter((entry, i) => kinds[i] === 'directory' && !entry.name.startsWith('.'));
  const nested = await Promise.all(subdirectories.map((sub) => listNested(dir, `${prefix}${sub.name}/`, depth - 1, problems, options)));
  return [...files, ...nested.flat()];
}

/**
 * Read migrations from a directory.
 *
 * @example
 * const source = directorySource('./migrations', { onLink: ({ file, target }) => console.log(`${file} -> ${target}`) });
 */
export function directorySource(dir: string, options: DirectoryOptions = {}): MigrationSource {
  return {
    location: dir,
    async list() {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          throw new CutoverError('DIR_MISSING', `migrations directory ${dir} does not exist`, {
            hint: 'Create it with `cutover new <name>`, or point --dir / CUTOVER_DIR / "dir" in cutover.config.json at your migrations.',
            details: { dir },
            cause: error,
          });
        }
        throw error;
      }
      const problems: CutoverError[] = [];
      const kinds = await Promise.all(entries.map((entry) => kindOf(dir, entry.name, entry, true, problems, options)));
      const files = entries.filter((_, i) => kinds[i] === 'file').map((entry) => entry.name);
      // Sub-folders: diesel and Prisma keep a directory per migration, Flyway scans recursively. Hidden directories are skipped.
      const subdirectories = entries.filter((entry, i) => kinds[i] === 'directory' && !entry.name.startsWith('.'));
      const nested = await Promise.all(subdirectories.map((sub) => listNested(dir, `${sub.name}/`, MAX_DEPTH, problems, options)));
      throwAll(problems.sort((a, b) => String(a.details.file).localeCompare(String(b.details.file))));
      return [...files, ...nested.flat()];
    },
    // Synchronous on purpose: hundreds of small files read 2-4x faster than through the thread
    // pool, and the few milliseconds overlap the connection being opened.
    read: async (name) => readFileSync(join(dir, name)),
  };
}
