/** `cutover resolve <version> --applied | --rolled-back | --checksum [--reason]`. */
import type { Command } from 'commander';
import { resolve } from '../../library/index.js';
import { CutoverError, EXIT, type ExitCode } from '../../errors.js';
import { rebuildIndexes } from '../../backup/api.js';
import type { ResolveAction } from '../../run/resolve.js';
import { withDatabase, type Context } from '../context.js';
import type { Runner } from '../program.js';

interface ResolveFlags {
  applied?: boolean;
  rolledBack?: boolean;
  checksum?: boolean;
  reason?: string;
  rebuildInvalidIndexes?: boolean;
}

async function rebuildInvalid(context: Context, version: string | undefined): Promise<ExitCode> {
  if (version !== undefined) throw new CutoverError('USAGE', '--rebuild-invalid-indexes takes no <version>', { hint: 'cutover resolve --rebuild-invalid-indexes' });
  const lockWaitMs = context.settings.lockWaitMs;
  const report = await withDatabase(context, (url) => rebuildIndexes({ url, schema: context.settings.schema, lockWaitMs }));
  const names = report.rebuilt.map((i) => `${i.index} on ${i.table}`);
  context.result({ ok: true, ...report }, names.length ? `rebuilt ${names.length} invalid index${names.length === 1 ? '' : 'es'} in schema "${report.schema}" concurrently: ${names.join(', ')}` : `schema "${report.schema}" has no invalid indexes: nothing to do`);
  return EXIT.ok;
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('resolve [version]')
    .description('settle a failed no-transaction migration, or accept an applied file\'s edit (recorded in cutover_audit)')
    .option('--applied', 'the failed migration was finished by hand: mark it applied')
    .option('--rolled-back', 'the failed migration was undone by hand: forget it, it runs again')
    .option('--checksum', 'accept the edited file: store its new checksum')
    .option('--reason <text>', 'why (recorded with who and when)')
    .option('--rebuild-invalid-indexes', 'drop and rebuild (concurrently) the indexes a failed CREATE INDEX CONCURRENTLY left invalid')
    .action(runner.action<ResolveFlags>(async (context, flags, args) => {
      if (flags.rebuildInvalidIndexes) return rebuildInvalid(context, args[0]);
      if (args[0] === undefined) {
        throw new CutoverError('USAGE', 'resolve needs a <version> (or --rebuild-invalid-indexes)', { hint: 'For example: cutover resolve 20260101120000 --rolled-back --reason "dropped the half-built index"' });
      }
      const actions = (['applied', 'rolledBack', 'checksum'] as const).filter((a) => flags[a]);
      if (actions.length !== 1) {
        throw new CutoverError('USAGE', 'resolve needs exactly one of --applied, --rolled-back, --checksum', {
          hint: 'For example: cutover resolve 20260101120000 --rolled-back --reason "dropped the half-built index"',
        });
      }
      const action: ResolveAction = actions[0] === 'rolledBack' ? 'rolled-back' : actions[0]!;
      const report = await withDatabase(context, (url) => resolve({
        url, schema: context.settings.schema, ...context.source, version: args[0]!, action,
        ...(flags.reason ? { reason: flags.reason } : {}),
        lockWaitMs: context.settings.lockWaitMs,
      }));
      context.result({ ok: true, ...report }, `version ${report.version} in schema "${report.schema}": ${report.before.state} → ${report.after ? report.after.state : 'removed from the ledger (it will run again)'} (recorded in cutover_audit)`);
      return EXIT.ok;
    }));
}
