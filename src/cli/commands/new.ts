/** `cutover new <name> [--post] [--reversible] [--no-transaction]`: write a migration file. */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { CutoverError, EXIT } from '../../errors.js';
import { parseFileName, timestampVersion } from '../../migrations/file-name.js';
import type { Runner } from '../program.js';

interface NewFlags {
  post?: boolean;
  reversible?: boolean;
  transaction: boolean;
}

/**
 * The header of a new file.
 *
 * @example
 * header({ post: true, transaction: true }); // '-- cutover:phase post\n\n'
 */
export function header(flags: { post?: boolean; transaction: boolean }): string {
  const lines = [
    ...(flags.post ? ['-- cutover:phase post'] : []),
    ...(flags.transaction ? [] : ['-- cutover:no-transaction']),
  ];
  return lines.length ? `${lines.join('\n')}\n\n` : '';
}

/**
 * The UTC timestamp, or one past the highest version in `dir` when that is
 * not lower (two files written in the same second must not share a version).
 */
async function nextVersion(dir: string, now: Date): Promise<string> {
  const stamp = BigInt(timestampVersion(now));
  const names = await readdir(dir).catch(() => [] as string[]);
  const highest = names.map(parseFileName).reduce((max, parsed) => (typeof parsed === 'object' && 'version' in parsed && BigInt(parsed.version) > max ? BigInt(parsed.version) : max), -1n);
  return String(highest >= stamp ? highest + 1n : stamp);
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('new <name>')
    .description('write a new migration file named <UTC timestamp>_<name>.sql')
    .option('--post', 'a post-deploy (contract) migration: -- cutover:phase post')
    .option('--reversible', 'write an .up.sql / .down.sql pair')
    .option('--no-transaction', 'run statement by statement, outside a transaction (CREATE INDEX CONCURRENTLY …)')
    .action(runner.action<NewFlags>(async (context, flags, args) => {
      const name = args[0]!.trim().replace(/[\s.]+/g, '_');
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
        throw new CutoverError('USAGE', `"${args[0]}" cannot be a migration name`, {
          hint: 'Use letters, digits, _ and -, starting with a letter or digit: cutover new add_users_email',
        });
      }
      const base = `${await nextVersion(context.dir, context.io.now())}_${name}`;
      const files = flags.reversible ? [`${base}.up.sql`, `${base}.down.sql`] : [`${base}.sql`];
      await mkdir(context.dir, { recursive: true });
      const written: string[] = [];
      for (const file of files) {
        const path = join(context.dir, file);
        const body = file.endsWith('.down.sql') ? '-- undo what the .up.sql file does\n' : '';
        await writeFile(path, `${header(flags)}${body}`, { flag: 'wx' });
        written.push(relative(context.io.cwd, path) || path);
      }
      context.result({ ok: true, files: written }, written.map((f) => `created ${f}`).join('\n'));
      return EXIT.ok;
    }));
}
