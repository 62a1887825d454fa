/**
 * `cutover lint [paths…] [--output pretty|json|github|sarif] [--pg-version N]`:
 * lint migrations (the directory, or the given files); with --url, against
 * the live catalog. Exit 3 when an error-level finding remains. Never starts
 * the embedded database: without a URL it lints offline.
 */
import { Option, type Command } from 'commander';
import { relative } from 'node:path';
import { CutoverError, EXIT } from '../../errors.js';
import { cacheSettings, LINT_OUTPUTS, type Context } from '../context.js';
import { openVerdicts } from '../../verdicts/index.js';
import type { Runner } from '../program.js';
import { settingOptions } from '../setting-options.js';

interface LintFlags {
  pgVersion?: string;
  lintRules?: string;
  lintSmallTable?: string;
  lintSince?: string;
  changed?: string;
}

/** Lint options from the resolved settings (`lint`, `upgrade`). */
export function lintSettings(context: Context) {
  const s = context.settings;
  const verdicts = openVerdicts({ ...cacheSettings(context), from: context.dir, onNote: (note) => { if (context.flags.verbose) context.say(note); } });
  return {
    verdicts, rules: s.lintRules, pgVersion: s.pgVersion, since: s.lintSince, smallTableRows: s.lintSmallTable,
  };
}

/** The gate's options for library calls from the resolved settings (`migrate`, `plan`). */
export function gateSettings(context: Context) {
  const s = context.settings;
  return {
    lintRules: s.lintRules, pgVersion: s.pgVersion, lintSince: s.lintSince, lintSmallTable: s.lintSmallTable,
  };
}

/** The `.sql` files under `dir` that differ from git `ref` (added, changed, renamed, untracked): `lint --changed`. */
async function changedFiles(context: Context, ref: string): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  const git = (args: string[]) => new Promise<string>((resolve, reject) => {
    execFile('git', args, { cwd: context.dir, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout)));
  });
  try {
    const [diff, untracked] = await Promise.all([
      git(['diff', '--name-only', '--relative', '--diff-filter=AMR', ref, '--', '.']),
      git(['ls-files', '--others', '--exclude-standard', '--', '.']),
    ]);
    return [...diff.split('\n'), ...untracked.split('\n')].filter((f) => f.endsWith('.sql')).map((f) => f.split('/').pop()!);
  } catch (error) {
    throw new CutoverError('USAGE', `lint --changed ${ref}: git could not compare ${context.dir} with it: ${(error as Error).message}`, {
      hint: 'Give a ref git knows (origin/main, HEAD~1, a tag), from inside the repository; in CI fetch it first (actions/checkout with fetch-depth: 0).', details: { flag: '--changed', ref },
    });
  }
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  const command = program
    .command('lint')
    .description('check migrations for locks, rewrites and unsafe steps; exit 3 on errors (--url: use the live catalog)')
    .argument('[paths...]', 'migration files or directories (default: the migrations directory)')
    .addOption(new Option('--output <format>', 'output format (default pretty)').choices(LINT_OUTPUTS))
    .option('--changed <git-ref>', 'judge only the files added or changed since this git ref (e.g. origin/main)')
    .action(runner.action<LintFlags>(async (context, flags, args) => {
      const changed = flags.changed === undefined ? undefined : new Set(await changedFiles(context, flags.changed));
      // Without verdicts, the parser starts first (in this process when it is the CLI's own, else in
      // a child): it gets ready while the linter's modules load and the files are read. With them,
      // it is opened only for files that have none.
      const { openParser } = await import('../../sql/parse-host.js');
      const openHere = () => openParser({ here: true });
      const settings = lintSettings(context);
      const parser = settings.verdicts ? undefined : openHere();
      try {
        const [{ lintMigrations }, { renderLint }] = await Promise.all([import('../../lint/lint-files.js'), import('../../lint/render/index.js')]);
        const paths = args.map((p) => (p.startsWith('/') ? p : `${context.io.cwd}/${p}`));
        const report = await lintMigrations({
          ...context.source, paths, schema: context.settings.schema, ...settings, openParser: openHere, ...(parser ? { parser } : {}),
          ...(changed ? { only: (file: string) => changed.has(file.split('/').pop()!) } : {}),
          ...(context.settings.url ? { url: context.settings.url } : {}),
        });
        const format = context.flags.json ? 'json' : context.output ?? 'pretty';
        const base = paths.length ? '' : `${relative(context.io.cwd, context.dir) || '.'}/`;
        const text = renderLint(report, format, { base, verbose: context.flags.verbose ?? false });
        if (format === 'pretty') context.result(report, text);
        else context.io.stdout.write(`${text}\n`);
        return report.counts.error > 0 ? EXIT.check : EXIT.ok;
      } finally {
        parser?.close();
      }
    }));
  for (const option of settingOptions('lint')) command.addOption(option);
}
