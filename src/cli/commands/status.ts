/** `cutover status [--check]`: every migration's state; `--check` exits 3 when not up to date. */
import type { Command } from 'commander';
import { status } from '../../library/index.js';
import { CutoverError, EXIT } from '../../errors.js';
import { withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import { renderStatus } from '../render.js';
import { describeInvalidIndexes } from '../../backup/invalid-indexes.js';
import { postLeftPending } from '../../deploy/post-pending.js';
import { addFleetOptions, isFleet, type FleetFlags } from './fleet-flags.js';
import { settingOption } from '../setting-options.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  addFleetOptions(program
    .command('status'), false)
    .description('show applied, pending, failed, edited and missing migrations')
    .option('--check', 'exit 3 when anything is pending, failed or edited (for CI and readiness checks)')
    .addOption(settingOption('schemas'))
    .addOption(settingOption('postPendingWarn'))
    .action(runner.action<{ check?: boolean } & FleetFlags>(async (context, flags) => {
      if (isFleet(context, flags)) return (await import('./fleet-run.js')).runFleetStatus(context, flags); // loaded for fleet runs only
      const { settings } = context;
      const report = await withDatabase(context, (url) => status({ url, schema: settings.schema, ...context.source, strict: settings.strict }));
      const counts = (state: string) => report.entries.filter((e) => e.state === state).length;
      const invalid = report.invalidIndexes ?? [];
      if (invalid.length > 0) context.say(describeInvalidIndexes(invalid));
      const postPending = postLeftPending(report.entries, context.io.now(), settings.postPendingWarnMs);
      for (const left of postPending) context.say(`warning: ${left.message}`);
      const notUpToDate = report.errors.length > 0 || invalid.length > 0 || report.entries.some((e) => e.state !== 'applied' && e.state !== 'missing');
      if (flags.check && notUpToDate) {
        if (!context.flags.json) context.result(undefined, renderStatus(report));
        const error = new CutoverError<typeof report>('CHECK_FAILED', `schema "${report.schema}" is not up to date: ${counts('pending')} pending (${report.pending.pre} pre, ${report.pending.post} post), ${counts('failed')} failed, ${counts('edited')} edited${invalid.length ? `, ${invalid.length} invalid index${invalid.length === 1 ? '' : 'es'}` : ''}`, {
          hint: 'Run `cutover migrate` (and resolve failed or edited migrations as `cutover status` says).',
          details: { schema: report.schema, pending: report.pending, failed: counts('failed'), edited: counts('edited'), invalidIndexes: invalid.map((i) => i.index) },
        });
        error.report = report;
        throw error;
      }
      context.result({ ok: true, upToDate: !notUpToDate, ...report, postPending }, renderStatus(report));
      return EXIT.ok;
    }));
}
