/** `cutover copy --from <url> --to <url> [--schemas <list>] [--no-owner]`: dump and reload between servers, then verify. */
import type { Command } from 'commander';
import { copy } from '../../backup/api.js';
import type { CopyReport } from '../../backup/copy.js';
import { describeUrl } from '../../db/url.js';
import { formatDuration } from '../../duration.js';
import { CutoverError, EXIT } from '../../errors.js';
import type { Runner } from '../program.js';
import { toolOptions } from './backup.js';
import { settingOption } from '../setting-options.js';
import { withStepProgress } from '../progress.js';

interface CopyFlags {
  from: string;
  to: string;
  owner: boolean;
  pgBin?: string;
}

/** The copy for people. */
export function renderCopy(report: CopyReport): string {
  const lines = [`copied from ${report.from.target} (PostgreSQL ${report.from.serverVersion}) to ${report.to.target} (PostgreSQL ${report.to.serverVersion}):`];
  for (const s of report.schemas) {
    const rows = s.tables.reduce((n, t) => n + t.rows, 0);
    lines.push(`  schema "${s.schema}": ${s.tables.length} tables, ${rows} rows, ledger at ${s.ledgerVersions.at(-1) ?? '0'}: ${s.differences.length ? `DIFFERS: ${s.differences.join('; ')}` : 'verified'}`);
  }
  const created = report.extensions.filter((e) => e.status === 'created');
  if (created.length) lines.push(`  extensions created on the target: ${created.map((e) => `${e.name} (schema "${e.schema}")`).join(', ')}`);
  for (const w of report.warnings) lines.push(`  warning: ${w}`);
  lines.push(`done in ${formatDuration(report.durationMs)}`);
  return lines.join('\n');
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('copy')
    .description('copy schemas to another server (e.g. a new Postgres major) with pg_dump/pg_restore, then verify ledger, tables and row counts')
    .requiredOption('--from <url>', 'the source database')
    .requiredOption('--to <url>', 'the target database (empty: create it first)')
    .addOption(settingOption('schemas'))
    .option('--no-owner', 'leave out owners and grants (the target lacks the roles)')
    .option('--pg-bin <dir>', 'directory of pg_dump / pg_restore, at least as new as both servers (env PG_BIN; default: PATH)')
    .action(runner.action<CopyFlags>(async (context, flags) => {
      describeUrl(flags.from);
      describeUrl(flags.to);
      const list = context.settings.schemas;
      const schemas = list !== undefined ? { list } : 'all' as const;
      try {
        const report = await withStepProgress(context, 'copy', (onProgress) => copy({ from: flags.from, to: flags.to, schemas, noOwner: !flags.owner, ...toolOptions(context, flags.pgBin), onProgress }));
        context.result(report, renderCopy(report));
        return EXIT.ok;
      } catch (error) {
        if (error instanceof CutoverError && error.code === 'COPY_MISMATCH' && !context.flags.json) context.io.stdout.write(`${renderCopy(error.report as CopyReport)}\n`);
        throw error;
      }
    }));
}
