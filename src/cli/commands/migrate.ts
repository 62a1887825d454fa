/** `cutover migrate [--phase] [--to] [--dry-run]`: apply pending migrations. */
import { Option, type Command } from 'commander';
import { migrate, plan } from '../../library/index.js';
import { CutoverError, EXIT } from '../../errors.js';
import { durationFlag } from '../duration-flag.js';
import type { PhaseOption } from '../../plan/types.js';
import { runSettings, withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import type { CliIo } from '../io.js';
import { renderLintFindings, renderMigrateReport, renderPlan } from '../render.js';
import { gateSettings } from './lint.js';
import { settingOptions } from '../setting-options.js';
import { describeInvalidIndexes, type InvalidIndex } from '../../backup/invalid-indexes.js';
import type { MigrateReport } from '../../run/migrate.js';
import { addFleetOptions, isFleet, type FleetFlags } from './fleet-flags.js';

interface MigrateFlags extends FleetFlags {
  phase: PhaseOption;
  to?: string;
  dryRun?: boolean;
  wait?: string;
  force?: boolean;
  reason?: string;
  backup?: boolean;
  backupDir?: string;
  pgBin?: string;
  lint: 'off' | 'warn' | 'error';
}

/**
 * A signal aborted (reason `SIGTERM` or `SIGINT`) by the first of those, so that the run stops
 * cleanly (docs/reliability.md); after it, a second one ends the process at once.
 */
function interruption(io: CliIo): AbortSignal | undefined {
  if (!io.onSignal) return undefined;
  const controller = new AbortController();
  const stop = io.onSignal(['SIGINT', 'SIGTERM'], (signal) => {
    stop(); // the next one gets the default action
    controller.abort(signal);
  });
  return controller.signal;
}

/** The phase option, shared with `plan`. */
export function phaseOption(): Option {
  return new Option('--phase <phase>', 'which migrations: pre (expand), post (contract) or all').choices(['pre', 'post', 'all']).default('all');
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  const command = addFleetOptions(program
    .command('migrate'), true)
    .description('apply pending migrations, in version order, under the schema\'s migration lock')
    .addOption(phaseOption())
    .option('--to <version>', 'stop after this version')
    .option('--dry-run', 'show the plan instead (same as `cutover plan`)')
    .addOption(new Option('--lint <level>', 'the lint gate on pending files, judged with the live catalog: error = refuse to run on error findings (exit 3), warn = run and report them, off').choices(['off', 'warn', 'error']).default('error'))
    .option('--wait <duration>', 'post migrations: wait this long for instances on older code to go (default: refuse at once)')
    .option('--force', 'post migrations: run them although older instances are live (needs --reason; recorded in cutover_audit)')
    .option('--reason <text>', 'why --force (recorded with who and when)')
    .option('--backup', 'take a backup of the schema first (`cutover backup`), only when something is pending')
    .option('--backup-dir <dir>', 'where --backup writes (default .cutover/backups)')
    .option('--pg-bin <dir>', 'directory of pg_dump for --backup (env PG_BIN; default: PATH)')
    .action(runner.action<MigrateFlags>(async (context, flags) => {
      // The fleet runner and the backup code load only for the runs that use them.
      if (isFleet(context, flags)) return (await import('./fleet-run.js')).runFleetMigrate(context, flags);
      if (Boolean(flags.force) !== (flags.reason !== undefined)) {
        throw new CutoverError('USAGE', flags.force ? '--force needs --reason "…"' : '--reason goes with --force', {
          hint: 'Overriding the post-deploy guard is recorded: cutover migrate --phase post --force --reason "v1 is drained; its rows are stale"',
        });
      }
      const waitMs = durationFlag('--wait', flags.wait);
      const options = {
        ...runSettings(context), phase: flags.phase, ...(flags.to ? { to: flags.to } : {}),
        waitForInstancesMs: waitMs,
        ...(flags.force ? { force: { reason: flags.reason! } } : {}),
        lint: flags.lint, ...gateSettings(context),
      };
      // Invalid indexes (a failed CREATE INDEX CONCURRENTLY) are looked for on the run's own connection, after a failure too.
      const warnInvalid = (found: InvalidIndex[] | undefined) => {
        if (found?.length) context.say(describeInvalidIndexes(found));
      };
      const report = await withDatabase(context, async (url) => {
        if (flags.backup && !flags.dryRun) await (await import('./backup.js')).backupIfPending(context, url, options, flags);
        try {
          if (flags.dryRun) return await plan({ url, ...options, invalidIndexes: true });
          return await migrate({ url, ...options, invalidIndexes: true, signal: interruption(context.io) });
        } catch (error) {
          warnInvalid(((error as CutoverError).report as MigrateReport | undefined)?.invalidIndexes);
          throw error;
        }
      });
      warnInvalid(report.invalidIndexes);
      if (!flags.dryRun && (report.lint?.findings.length || report.lint?.suppressed.length)) context.say(renderLintFindings(report).join('\n'));
      context.result({ ok: true, ...report, invalidIndexes: report.invalidIndexes ?? [] }, flags.dryRun ? renderPlan(report, context.flags.verbose) : renderMigrateReport(report));
      return EXIT.ok;
    }));
  for (const option of settingOptions('migrate')) command.addOption(option);
}
