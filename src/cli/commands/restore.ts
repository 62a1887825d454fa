/** `cutover restore <backup> [--drop-old] [--yes]`: restore a schema beside the live one, verify, swap. */
import type { Command } from 'commander';
import { DEFAULT_BACKUP_DIR, restore } from '../../backup/api.js';
import { describeAge } from '../../backup/manifest.js';
import { nodeBackupFiles } from '../../backup/node.js';
import { findBackup } from '../../backup/store.js';
import { formatDuration } from '../../duration.js';
import { CutoverError, EXIT } from '../../errors.js';
import { withDatabase, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { backupDir, toolOptions } from './backup.js';
import { addRenamed } from '../renames.js';
import { withStepProgress } from '../progress.js';

interface RestoreFlags {
  backupDir?: string;
  dropOld?: boolean;
  yes?: boolean;
  pgBin?: string;
}

/**
 * Ask before something that replaces data: `--yes`, or a "y" on the terminal;
 * off a terminal without `--yes`, refuse (exit 2).
 */
export async function confirmOrRefuse(context: Context, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  if (context.io.isTTY && context.io.confirm) {
    if (await context.io.confirm(question)) return;
    throw new CutoverError('CONFIRMATION_REQUIRED', 'not confirmed: nothing was changed', { hint: 'Answer y, or pass --yes.' });
  }
  throw new CutoverError('CONFIRMATION_REQUIRED', `${question.replace(/\?$/, '')}: refusing without --yes (not on a terminal)`, {
    hint: 'Pass --yes to confirm in scripts.',
  });
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  addRenamed(program
    .command('restore <backup>')
    .description('restore a backup (manifest, dump or id) beside the live schema, verify it, then swap names in one transaction')
    .option('--backup-dir <dir>', `backup directory for ids (default ${DEFAULT_BACKUP_DIR})`)
    .option('--drop-old', 'drop the previous schema after the swap (default: keep it under a dated name)')
    .option('--yes', 'do not ask (required when not on a terminal)')
    .option('--pg-bin <dir>', 'directory of pg_restore and psql (env PG_BIN; default: PATH)')
    .action(runner.action<RestoreFlags>(async (context, flags, args) => {
      const dir = backupDir(context, flags.backupDir);
      const found = await findBackup(nodeBackupFiles, args[0]!, dir);
      const { manifest } = found;
      const origin = context.settings.origins.schema.origin;
      if (origin !== 'default' && context.settings.schema !== manifest.schema) {
        throw new CutoverError('USAGE', `backup ${manifest.id} holds schema "${manifest.schema}", not "${context.settings.schema}"`, {
          hint: 'A backup restores the schema it was taken of: drop --schema, or pick a backup of that schema (`cutover backup --list`).',
          details: { schema: context.settings.schema, backupSchema: manifest.schema },
        });
      }
      const age = describeAge(context.io.now().getTime() - Date.parse(manifest.createdAt));
      await confirmOrRefuse(context, flags.yes, `replace schema "${manifest.schema}" with backup ${manifest.id} (taken ${age} ago)?`);
      const report = await withDatabase(context, (url) => withStepProgress(context, 'restore', (onProgress) => restore({
        url, backup: found.manifestPath, dir, dropOld: flags.dropOld, lockWaitMs: context.settings.lockWaitMs, ...toolOptions(context, flags.pgBin), onProgress,
      })));
      const previous = report.previous ? (report.previous.dropped ? '; the previous schema was dropped' : `; the previous schema is kept as "${report.previous.schema}" (drop it once satisfied: DROP SCHEMA … CASCADE, or restore with --drop-old)`) : '';
      context.result({ ok: true, ...report }, `restored schema "${report.schema}" on ${report.target} from backup ${report.backup.id} (${report.tables.length} tables verified, ledger at ${report.ledgerVersion}) in ${formatDuration(report.durationMs)}${previous}`);
      return EXIT.ok;
    })));
}
