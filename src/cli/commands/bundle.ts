/** `cutover bundle --out <file>`: write every migration into a module for the app's build. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { readMigrations } from '../../api.js';
import { renderBundle, type BundledFile } from '../../migrations/bundle.js';
import type { Runner } from '../program.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('bundle')
    .description('write a .ts or .js module holding every migration, for `migrate({ migrations })` in a build without the folder')
    .requiredOption('--out <file>', 'the module to write, e.g. src/migrations.generated.ts')
    .action(runner.action<{ out: string }>(async (context, flags) => {
      const migrations = await readMigrations(context.source);
      const files: BundledFile[] = migrations.flatMap((m) => [{ file: m.file, sql: m.sql }, ...(m.down ? [{ file: m.down.file, sql: m.down.sql }] : [])]);
      const out = isAbsolute(flags.out) ? flags.out : join(context.io.cwd, flags.out);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, renderBundle(files));
      context.result({ ok: true, out: flags.out, migrations: migrations.length, files: files.length }, `wrote ${flags.out}: ${migrations.length} migrations (${files.length} files)`);
      return EXIT.ok;
    }));
}
