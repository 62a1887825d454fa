/** `cutover backup [--schemas <list> | --all-schemas] [--backup-dir dir] [--keep N] [--pg-bin dir] [--list]`. */
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { plan } from '../../library/index.js';
import { backup, DEFAULT_BACKUP_DIR, listBackupsIn, type ToolOptions } from '../../backup/api.js';
import { describeAge, ledgerVersion } from '../../backup/manifest.js';
import { formatDuration } from '../../duration.js';
import { CutoverError, EXIT } from '../../errors.js';
import { withDatabase, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { addRenamed } from '../renames.js';
import { settingOption } from '../setting-options.js';
import { withStepProgress } from '../progress.js';

interface BackupFlags {
  allSchemas?: boolean;
  backupDir?: string;
  keep?: string;
  pgBin?: string;
  list?: boolean;
}

/** The backup directory of a command: `--out`, else `.cutover/backups`, from the working directory. */
export function backupDir(context: Context, out: string | undefined): string {
  const dir = out ?? DEFAULT_BACKUP_DIR;
  return isAbsolute(dir) ? dir : join(context.io.cwd, dir);
}

/** How the client programs are found and run: `--pg-bin`, else PG_BIN, with the CLI's environment. */
export function toolOptions(context: Context, pgBin: string | undefined): ToolOptions {
  const bin = pgBin ?? context.io.env.PG_BIN;
  return { env: context.io.env, ...(bin ? { pgBin: bin } : {}), clock: () => context.io.now() };
}

/** "1.2 MB". */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  const version = program.version() ?? '0.0.0';
  addRenamed(program
    .command('backup')
    .description('pg_dump the schema (or --schemas, or --all-schemas) with a manifest: ledger, row counts, SHA-256')
    .addOption(settingOption('schemas'))
    .option('--all-schemas', 'every schema of the database (one dump each)')
    .option('--backup-dir <dir>', `backup directory (default ${DEFAULT_BACKUP_DIR})`)
    .option('--keep <n>', 'keep only the newest n backups of each schema')
    .option('--pg-bin <dir>', 'directory of pg_dump (env PG_BIN; default: PATH)')
    .option('--list', 'list the backups in the directory instead')
    .action(runner.action<BackupFlags>(async (context, flags) => {
      const out = backupDir(context, flags.backupDir);
      if (flags.list) {
        const now = context.io.now().getTime();
        const backups = await listBackupsIn(out);
        const lines = backups.map(({ manifest: m }) => `${m.id}  ${m.database}  schema "${m.schema}"  ledger at ${ledgerVersion(m)}  ${formatSize(m.size)}  ${describeAge(now - Date.parse(m.createdAt))} ago`);
        context.result({ ok: true, dir: out, backups: backups.map((b) => b.manifest) }, lines.length ? lines.join('\n') : `no backups in ${out}`);
        return EXIT.ok;
      }
      const keep = flags.keep === undefined ? undefined : Number(flags.keep);
      if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) {
        throw new CutoverError('USAGE', `--keep ${JSON.stringify(flags.keep)} is not a whole number of at least 1`, { hint: 'For example --keep 7 keeps the newest seven backups of each schema.' });
      }
      const list = context.settings.schemas;
      if (flags.allSchemas && list !== undefined) throw new CutoverError('USAGE', '--all-schemas and --schemas exclude each other', { hint: 'Give one of them.' });
      const schemas = flags.allSchemas ? 'all' as const : list !== undefined ? { list } : [context.settings.schema];
      const report = await withDatabase(context, (url) => withStepProgress(context, 'backup', (onProgress) => backup({
        url, schema: context.settings.schema, schemas, out, keep, cutoverVersion: version, ...toolOptions(context, flags.pgBin), onProgress,
      })));
      const lines = report.backups.map(({ manifest: m, dumpPath }) => `backed up schema "${m.schema}" of ${m.database} to ${dumpPath} (${formatSize(m.size)}, ${m.tables.length} tables, ledger at ${ledgerVersion(m)})`);
      if (report.pruned.length) lines.push(`pruned ${report.pruned.length} older backup${report.pruned.length === 1 ? '' : 's'} (--keep ${keep}): ${report.pruned.join(', ')}`);
      lines.push(`done in ${formatDuration(report.durationMs)}`);
      context.result({ ok: true, ...report }, lines.join('\n'));
      return EXIT.ok;
    })));
}

/**
 * `migrate --backup`: a backup of the schema before migrating, only when
 * the plan has something to do (a dry run under the lock says so).
 */
export async function backupIfPending(
  context: Context,
  url: string,
  options: Parameters<typeof plan>[0],
  flags: { backupDir?: string | undefined; pgBin?: string | undefined },
): Promise<void> {
  const pending = await plan({ url, ...options });
  if (pending.planned.length === 0) return;
  const report = await backup({ url, schema: context.settings.schema, out: backupDir(context, flags.backupDir), missingOk: true, ...toolOptions(context, flags.pgBin) });
  for (const schema of report.missing) context.say(`schema "${schema}" does not exist yet: nothing to back up before migrating`);
  for (const { manifest, dumpPath } of report.backups) context.say(`backed up schema "${manifest.schema}" before migrating: ${dumpPath} (restore with \`cutover restore ${manifest.id}\`)`);
}
