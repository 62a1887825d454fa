/** `cutover new <name> [--post] [--reversible] [--no-transaction]`: write a migration in the directory's layout. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { CutoverError, EXIT } from '../../errors.js';
import { directorySource } from '../../migrations/directory.js';
import { detectFormat } from '../../migrations/formats/detect.js';
import type { FormatId } from '../../migrations/formats/types.js';
import { loadMigrations } from '../../migrations/load.js';
import { newMigrationFiles } from '../../migrations/new-files.js';
import type { Context } from '../context.js';
import { writeSumFile } from './sum.js';
import type { Runner } from '../program.js';

interface NewFlags {
  post?: boolean;
  reversible?: boolean;
  transaction: boolean;
}

/** The directory's layout and versions; an empty or missing directory is cutover's. A broken one still gets its new file. */
async function existing(context: Context): Promise<{ format: FormatId; versions: string[] }> {
  const source = directorySource(context.dir);
  const paths = await source.list().catch(() => [] as string[]);
  const format = context.settings.format !== 'auto' ? context.settings.format
    : (await detectFormat(paths, async (path) => new TextDecoder().decode(await source.read(path) as Uint8Array))).format;
  // golang-migrate's versions drop the zero padding its files keep (000042): the names carry the width.
  if (format === 'golang-migrate') return { format, versions: paths.map((path) => /^(\d+)_/.exec(path)?.[1]).filter((v): v is string => v !== undefined) };
  // A directory that does not load (a file still being written) still has versions in its names:
  // the new one must come after them all, never at or below the newest.
  const named = paths.map((path) => /^V?(\d+)[_.]/.exec(path.split('/')[0]!)?.[1]).filter((v): v is string => v !== undefined);
  const versions = await loadMigrations(source, { format }).then((ms) => ms.map((m) => m.version), () => named);
  return { format, versions };
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('new <name>')
    .description('write a new migration in the directory\'s layout (cutover\'s: <UTC timestamp>_<name>.sql)')
    .option('--post', 'a post-deploy (contract) migration: -- cutover:phase post')
    .option('--reversible', 'write a down script too (an .up.sql / .down.sql pair in cutover\'s layout)')
    .option('--no-transaction', 'run statement by statement, outside a transaction (CREATE INDEX CONCURRENTLY …)')
    .action(runner.action<NewFlags>(async (context, flags, args) => {
      const name = args[0]!.trim().replace(/[\s.]+/g, '_');
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
        throw new CutoverError('USAGE', `"${args[0]}" cannot be a migration name`, {
          hint: 'Use letters, digits, _ and -, starting with a letter or digit: cutover new add_users_email',
        });
      }
      const { format, versions } = await existing(context);
      const files = newMigrationFiles(format, { name, versions, now: context.io.now(), transaction: flags.transaction, ...(flags.post ? { post: true } : {}), ...(flags.reversible ? { reversible: true } : {}) });
      const written: string[] = [];
      for (const file of files) {
        const path = join(context.dir, file.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.text, { flag: 'wx' });
        written.push(relative(context.io.cwd, path) || path);
      }
      // cutover.sum records the new file (created on first use); a directory that does not load keeps its old sum.
      const sum = await writeSumFile(context, files.map((f) => f.path)).then((s) => s.path, () => undefined);
      context.result({ ok: true, format, files: written, ...(sum ? { sum } : {}) }, [...written.map((f) => `created ${f}`), ...(sum ? [`updated ${sum}`] : [])].join('\n'));
      return EXIT.ok;
    }));
}
