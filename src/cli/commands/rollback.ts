/** `cutover rollback --to <version> [--dry-run]`: run down files, newest first. */
import type { Command } from 'commander';
import { rollback } from '../../api.js';
import { EXIT } from '../../errors.js';
import { runSettings, withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import { renderMigrateReport, renderPlan } from '../render.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('rollback')
    .description('undo applied migrations newer than --to with their .down.sql files, newest first')
    .requiredOption('--to <version>', 'the version to go back to (0 undoes everything)')
    .option('--dry-run', 'show what would be rolled back')
    .action(runner.action<{ to: string; dryRun?: boolean }>(async (context, flags) => {
      const report = await withDatabase(context, (url) => rollback({ url, ...runSettings(context), to: flags.to, ...(flags.dryRun ? { dryRun: true } : {}) }));
      context.result({ ok: true, ...report }, flags.dryRun ? renderPlan(report, context.flags.verbose) : renderMigrateReport(report));
      return EXIT.ok;
    }));
}
