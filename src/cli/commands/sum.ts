/**
 * `cutover sum`: write `cutover.sum` beside the migrations (the hash of each
 * file, docs/migration-files.md "cutover.sum"), or create it on first use.
 * `lint`, `plan` and `migrate` check the directory against it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { directorySource } from '../../migrations/directory.js';
import { loadMigrations } from '../../migrations/load.js';
import { addToSum, renderSum, SUM_FILE } from '../../migrations/sum.js';
import type { Context } from '../context.js';
import type { Runner } from '../program.js';

/**
 * Rewrite the directory's sum file from the files as they are (bad files stop it: exit 2); with
 * `added` (`cutover new`), keep what it records and reserve the new files instead.
 *
 * @example
 * const { path, files } = await writeSumFile(context);
 */
export async function writeSumFile(context: Context, added?: readonly string[]): Promise<{ path: string; files: number }> {
  const { format } = context.settings;
  const source = directorySource(context.dir);
  const migrations = await loadMigrations(source, format === 'auto' ? {} : { format });
  const path = join(context.dir, SUM_FILE);
  const existing = added && (await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }));
  const text = added ? addToSum(existing, migrations, added, context.dir) : renderSum(migrations);
  await writeFile(path, text);
  return { path: relative(context.io.cwd, path) || path, files: text.split('\n').length - 2 };
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('sum')
    .description(`write ${SUM_FILE} beside the migrations: the hash of each file, checked by lint, plan and migrate without a database`)
    .action(runner.action<Record<string, never>>(async (context) => {
      const { path, files } = await writeSumFile(context);
      context.result({ ok: true, path, files }, `wrote ${path} (${files} file${files === 1 ? '' : 's'})`);
      return EXIT.ok;
    }));
}
