/**
 * `.cutover/` holds local state — the embedded database (tens of MB), backups —
 * that must never be committed. Whoever creates a directory inside it writes
 * `.cutover/.gitignore` (`*`) first, so a `git add .` in a new project skips it.
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What `.cutover/.gitignore` says. */
export const STATE_GITIGNORE = '# cutover\'s local state (the embedded development database, backups): never commit it\n*\n';

/**
 * Write `.cutover/.gitignore` when `dir` sits directly in a `.cutover`
 * directory and the file is not there yet (an edited one is kept).
 *
 * @example
 * await ignoreLocalState('/home/me/app/.cutover/dev'); // writes /home/me/app/.cutover/.gitignore
 */
export async function ignoreLocalState(dir: string): Promise<void> {
  const parent = dirname(dir);
  if (basename(parent) !== '.cutover') return;
  await writeFile(join(parent, '.gitignore'), STATE_GITIGNORE, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
