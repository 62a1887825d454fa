/**
 * `cutover lint [paths…] [--output pretty|json|github|sarif] [--pg-version N]`:
 * lint migrations (the directory, or the given files); with --url, against
 * the live catalog. Exit 3 when an error-level finding remains. Never starts
 * the embedded database: without a URL it lints offline.
 */
import { Option, type Command } from 'commander';
import { relative } from 'node:path';
import { EXIT } from '../../errors.js';
import { LINT_OUTPUTS, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { settingOptions } from '../setting-options.js';

interface LintFlags {
  pgVersion?: string;
  lintRules?: string;
  lintSmallTable?: string;
}

/** Lint options from the resolved settings (shared with plan and migrate). */
export function lintSettings(context: Context) {
  const s = context.settings;
  return {
    ...(s.lintRules ? { rules: s.lintRules } : {}),
    ...(s.pgVersion === undefined ? {} : { pgVersion: s.pgVersion }),
    smallTableRows: s.lintSmallTable,
  };
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  const command = program
    .command('lint')
    .description('check migrations for locks, rewrites and unsafe steps; exit 3 on errors (--url: use the live catalog)')
    .argument('[paths...]', 'migration files or directories (default: the migrations directory)')
    .addOption(new Option('--output <format>', 'output format (default pretty)').choices(LINT_OUTPUTS))
    .action(runner.action<LintFlags>(async (context, flags, args) => {
      // The parser starts first (in this process when it is the CLI's own, else in a child): it
      // gets ready while the linter's modules load and the files are read.
      const parser = (await import('../../sql/parse-host.js')).openParser({ here: true });
      try {
        const [{ lintMigrations }, { renderLint }] = await Promise.all([import('../../lint/lint-files.js'), import('../../lint/render/index.js')]);
        const paths = args.map((p) => (p.startsWith('/') ? p : `${context.io.cwd}/${p}`));
        const report = await lintMigrations({
          ...context.source, paths, schema: context.settings.schema, ...lintSettings(context), parser,
          ...(context.settings.url ? { url: context.settings.url } : {}),
        });
        const format = context.flags.json ? 'json' : context.output ?? 'pretty';
        const base = paths.length ? '' : `${relative(context.io.cwd, context.dir) || '.'}/`;
        const text = renderLint(report, format, { base, verbose: context.flags.verbose ?? false });
        if (format === 'pretty') context.result(report, text);
        else context.io.stdout.write(`${text}\n`);
        return report.counts.error > 0 ? EXIT.check : EXIT.ok;
      } finally {
        parser.close();
      }
    }));
  for (const option of settingOptions('lint')) command.addOption(option);
}
