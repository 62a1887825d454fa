/** `cutover status [--check]`: every migration's state; `--check` exits 3 when not up to date. */
import type { Command } from 'commander';
import { status } from '../../api.js';
import { EXIT } from '../../errors.js';
import { withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import { renderStatus } from '../render.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('status')
    .description('show applied, pending, failed, edited and missing migrations')
    .option('--check', 'exit 3 when anything is pending, failed or edited (for CI and readiness checks)')
    .action(runner.action<{ check?: boolean }>(async (context, flags) => {
      const { settings } = context;
      const report = await withDatabase(context, (url) => status({ url, schema: settings.schema, dir: context.dir, strict: settings.strict }));
      const notUpToDate = report.errors.length > 0 || report.entries.some((e) => e.state !== 'applied' && e.state !== 'missing');
      context.result({ ok: true, upToDate: !notUpToDate, ...report }, renderStatus(report));
      return flags.check && notUpToDate ? EXIT.check : EXIT.ok;
    }));
}
