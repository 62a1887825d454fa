/** `cutover bundle --out <file>`: write every file the migrations' layout reads into a module for the app's build. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { bundleMigrations, renderBundle } from '../../migrations/bundle.js';
import { directorySource } from '../../migrations/directory.js';
import type { Runner } from '../program.js';
import { cacheSettings } from '../context.js';
import { settingOptions } from '../setting-options.js';
import { openVerdicts } from '../../verdicts/index.js';
import { withVerdicts } from '../../verdicts/embed.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  const command = program
    .command('bundle')
    .description('write a .ts or .js module holding the migrations (in any layout), for `migrate({ migrations, format })` in a build without the folder')
    .requiredOption('--out <file>', 'the module to write, e.g. src/migrations.generated.ts')
    .action(runner.action<{ out: string }>(async (context, flags) => {
      const { format, onDetect, onLink } = context.source;
      const bundle = await bundleMigrations(directorySource(context.dir, onLink ? { onLink } : {}), { ...(format ? { format } : {}), ...(onDetect ? { onDetect } : {}) });
      const out = isAbsolute(flags.out) ? flags.out : join(context.io.cwd, flags.out);
      await mkdir(dirname(out), { recursive: true });
      // Each script's verdict goes in (from the cache, or parsed now and cached): a run from the bundle never loads the parser.
      const cache = cacheSettings(context);
      const files = cache.cache ? await withVerdicts(bundle.files, bundle.migrations, openVerdicts({ ...cache, from: context.dir })) : bundle.files;
      await writeFile(out, renderBundle(files, { format: bundle.format }));
      const count = bundle.migrations.length;
      context.result(
        { ok: true, out: flags.out, format: bundle.format, migrations: count, files: bundle.files.length, verdicts: files.filter((f) => f.verdict !== undefined).length },
        `wrote ${flags.out}: ${count} migrations (${bundle.files.length} files, layout ${bundle.format}${cache.cache ? '' : ', without verdicts'})`,
      );
      return EXIT.ok;
    }));
  for (const option of settingOptions('bundle')) command.addOption(option);
}
