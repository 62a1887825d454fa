/** `cutover rollback --to <version> [--dry-run]`: run down files, newest first; without them, restore a backup at that version. */
import type { Command } from 'commander';
import { rollbackWithBackup } from '../../library/rollback-with-backup.js';
import { describeAge } from '../../backup/manifest.js';
import { backupDir, toolOptions } from './backup.js';
import { confirmOrRefuse } from './restore.js';
import { EXIT } from '../../errors.js';
import { runSettings, withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import { renderMigrateReport, renderPlan } from '../render.js';

interface RollbackFlags {
  to: string;
  dryRun?: boolean;
  backupDir?: string;
  yes?: boolean;
  pgBin?: string;
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('rollback')
    .description('undo applied migrations newer than --to with their .down.sql files, newest first')
    .requiredOption('--to <version>', 'the version to go back to (0 undoes everything)')
    .option('--dry-run', 'show what would be rolled back')
    .option('--backup-dir <dir>', 'where to find a backup when down files are missing (default .cutover/backups)')
    .option('--yes', 'restore that backup without asking (required when not on a terminal)')
    .option('--pg-bin <dir>', 'directory of pg_restore and psql (env PG_BIN; default: PATH)')
    .action(runner.action<RollbackFlags>(async (context, flags) => {
      const outcome = await withDatabase(context, (url) => rollbackWithBackup({
        url, ...runSettings(context), to: flags.to, dryRun: flags.dryRun,
        backupDir: backupDir(context, flags.backupDir), ...toolOptions(context, flags.pgBin),
        confirm: async (backup, ageMs) => {
          const question = `down files are missing: restore backup ${backup.manifest.id} of schema "${backup.manifest.schema}" (ledger at ${flags.to}, taken ${describeAge(ageMs)} ago)?`;
          await confirmOrRefuse(context, flags.yes, question);
          return true;
        },
      }));
      if (outcome.via === 'backup') {
        const r = outcome.restore;
        context.result({ ok: true, via: 'backup', ...r, manifest: outcome.backup }, `rolled back schema "${r.schema}" to ${flags.to} by restoring backup ${r.backup.id}${r.previous ? `; the previous schema is kept as "${r.previous.schema}"` : ''}`);
        return EXIT.ok;
      }
      const report = outcome.report;
      context.result({ ok: true, ...report }, flags.dryRun ? renderPlan(report, context.flags.verbose) : renderMigrateReport(report));
      return EXIT.ok;
    }));
}
