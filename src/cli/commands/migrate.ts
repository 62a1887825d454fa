/** `cutover migrate [--phase] [--to] [--dry-run]`: apply pending migrations. */
import { Option, type Command } from 'commander';
import { migrate, plan } from '../../api.js';
import { EXIT } from '../../errors.js';
import type { PhaseOption } from '../../plan/types.js';
import { runSettings, withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import { renderMigrateReport, renderPlan } from '../render.js';

interface MigrateFlags {
  phase: PhaseOption;
  to?: string;
  dryRun?: boolean;
}

/** The phase option, shared with `plan`. */
export function phaseOption(): Option {
  return new Option('--phase <phase>', 'which migrations: pre (expand), post (contract) or all').choices(['pre', 'post', 'all']).default('all');
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('migrate')
    .description('apply pending migrations, in version order, under the schema\'s migration lock')
    .addOption(phaseOption())
    .option('--to <version>', 'stop after this version')
    .option('--dry-run', 'show the plan instead (same as `cutover plan`)')
    .action(runner.action<MigrateFlags>(async (context, flags) => {
      const options = { ...runSettings(context), phase: flags.phase, ...(flags.to ? { to: flags.to } : {}) };
      const report = await withDatabase(context, (url) => (flags.dryRun ? plan : migrate)({ url, ...options }));
      context.result({ ok: true, ...report }, flags.dryRun ? renderPlan(report, context.flags.verbose) : renderMigrateReport(report));
      return EXIT.ok;
    }));
}
