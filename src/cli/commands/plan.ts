/** `cutover plan [--phase] [--to] [--verbose]`: what `migrate` would do, without doing it. */
import type { Command } from 'commander';
import { plan } from '../../library/index.js';
import { EXIT } from '../../errors.js';
import type { PhaseOption } from '../../plan/types.js';
import { runSettings, withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import { renderPlan } from '../render.js';
import { phaseOption } from './migrate.js';
import { gateSettings } from './lint.js';
import { settingOptions } from '../setting-options.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  const command = program
    .command('plan')
    .description('dry run: what would run, in order, with phase, transaction mode, the lock each statement takes and lint findings (--verbose: the SQL)')
    .addOption(phaseOption())
    .option('--to <version>', 'stop after this version')
    .action(runner.action<{ phase: PhaseOption; to?: string }>(async (context, flags) => {
      const report = await withDatabase(context, (url) => plan({ url, ...runSettings(context), ...gateSettings(context), phase: flags.phase, ...(flags.to ? { to: flags.to } : {}) }));
      context.result({ ok: true, ...report }, renderPlan(report, context.flags.verbose));
      return EXIT.ok;
    }));
  for (const option of settingOptions('plan')) command.addOption(option);
}
