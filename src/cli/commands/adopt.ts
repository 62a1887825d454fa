/** `cutover adopt --from <tool> | --baseline <version> [--dry-run]` (docs/adopt.md). */
import type { Command } from 'commander';
import { adopt } from '../../adopt/api.js';
import { SOURCE_TOOLS, type AdoptReport } from '../../adopt/types.js';
import { EXIT } from '../../errors.js';
import { withDatabase } from '../context.js';
import type { Runner } from '../program.js';

interface AdoptFlags {
  from?: string;
  baseline?: string;
  table?: string;
  dryRun?: boolean;
  allowMissing?: boolean;
  acceptEdited?: boolean;
  reason?: string;
}

const when = (date: Date | null) => (date ? date.toISOString().replace('T', ' ').slice(0, 19) : 'not recorded');

const BECAUSE = { row: '', 'current-version': 'at or below the current version', baseline: "at or below the tool's baseline", 'adopt-baseline': '' } as const;

/**
 * The human summary of an adoption (pure).
 *
 * @example
 * renderAdoptReport(report, false); // 'adopted 3 migrations from sqlx …'
 */
export function renderAdoptReport(report: AdoptReport, verbose = false): string {
  const where = `schema "${report.schema}" on ${report.target}`;
  const source = report.from === 'baseline' ? `a baseline at ${report.baseline}` : `${report.from} (${report.table})`;
  const n = report.entries.length;
  const what = `${n} migration${n === 1 ? '' : 's'}`;
  const lines: string[] = [];
  if (report.outcome === 'already-adopted') lines.push(`${where} already has the ${what} adopted from ${source}: nothing to do`);
  else if (report.outcome === 'nothing-to-adopt') lines.push(`${report.table ?? 'the history'} records no applied migration: nothing to adopt into ${where}`);
  else {
    lines.push(`${report.outcome === 'adopted' ? 'adopted' : 'would adopt (dry run: nothing written)'} ${what} from ${source} into ${where}${report.outcome === 'adopted' ? ' (recorded in cutover_audit)' : ''}${report.table ? `; ${report.table} is left as it is` : ''}`);
    if (report.outcome === 'would-adopt' || verbose) {
      for (const e of report.entries) {
        const note = e.missingFile ? 'no file' : e.edited ? 'edited, accepted' : e.rerun ? 'changed since: runs again' : BECAUSE[e.because];
        lines.push(`  ${e.version.padEnd(16)} ${e.phase.padEnd(4)} ${when(e.appliedAt).padEnd(19)}  ${e.file ?? e.name}${note ? `  (${note})` : ''}`);
      }
    }
  }
  const writes = report.outcome === 'adopted' || report.outcome === 'would-adopt';
  for (const r of report.rowsWithoutFiles) {
    lines.push(`  no file: ${r.key}${r.description && r.description !== r.key ? ` (${r.description})` : ''}${writes ? ' (recorded as applied: cutover will warn that the database is ahead of the directory)' : ''}`);
  }
  for (const e of report.edited) lines.push(`  edited since ${report.from} applied it: ${e.file}${writes ? ' (accepted)' : ''}`);
  for (const p of report.pending) {
    const why = p.position === 'older'
      ? 'older than the newest adopted migration: out of order, so cutover migrate refuses it unless --allow-out-of-order (or renumber it)'
      : p.position === 'repeatable' ? 'a repeatable: runs on the next cutover migrate' : 'runs on the next cutover migrate';
    lines.push(`  pending: ${p.file} (${why})`);
  }
  for (const i of report.ignored) lines.push(`  ignored: ${i.key} (${i.why})`);
  if (verbose && report.statements.length > 0) lines.push('', ...report.statements.map((s) => `${s};`));
  return lines.join('\n');
}

/**
 * Register the command.
 *
 * @example
 * register(program, runner); // cutover adopt --from sqlx --dry-run
 */
export function register(program: Command, runner: Runner): void {
  program
    .command('adopt')
    .description("take over another tool's migration history, or record a database as migrated up to a version")
    .option('--from <tool>', `the tool whose history table to take over: ${SOURCE_TOOLS.join(', ')}`)
    .option('--baseline <version>', 'no tool recorded this database: record every migration up to and including <version> as applied, without running it')
    .option('--table <name>', "the tool's history table, if it was configured with another name")
    .option('--dry-run', 'show what would be written, write nothing')
    .option('--allow-missing', 'record history rows that have no file as applied (the database is ahead of the directory)')
    .option('--accept-edited', 'accept files edited since the tool applied them (recorded in cutover_audit)')
    .option('--reason <text>', 'why (recorded in cutover_audit)')
    .action(runner.action<AdoptFlags>(async (context, flags) => {
      const { settings } = context;
      const report = await withDatabase(context, (url) => adopt({
        url, schema: settings.schema, ...context.source,
        ...(flags.from !== undefined ? { from: flags.from } : {}),
        ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
        ...(flags.table !== undefined ? { table: flags.table } : {}),
        ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
        dryRun: flags.dryRun === true, allowMissing: flags.allowMissing === true, acceptEdited: flags.acceptEdited === true,
        lockWaitMs: settings.lockWaitMs,
        onEvent: (event) => context.onEvent(event),
      }));
      context.result({ ok: true, ...report }, renderAdoptReport(report, context.flags.verbose === true));
      return EXIT.ok;
    }));
}
