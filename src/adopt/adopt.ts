/**
 * `adopt`: take over another tool's history (or baseline a database no tool
 * recorded) in one transaction, under the schema's migration lock. The
 * files are read and checked first (bad input touches nothing), then, under
 * the lock: the ledger and the tool's table are read, matched (match.ts),
 * compared with any existing ledger (a re-run is a no-op), and written with
 * an audit row. The tool's own table is only ever read.
 */
import { asCutoverError, CutoverError, throwAll } from '../errors.js';
import { createLedger, ensureAuditTable, readLedger } from '../db/ledger.js';
import type { Connection, Connector } from '../db/session.js';
import { versionOrder } from '../migrations/formats/index.js';
import type { Migration } from '../migrations/types.js';
import type { LedgerRow } from '../plan/types.js';
import { suggest } from '../suggest.js';
import { withMigrationLock } from '../run/migrate.js';
import type { RunOptions } from '../target/options.js';
import { baselineEntries } from './baseline.js';
import { HISTORY_READERS } from './history/index.js';
import { findHistoryTable, fits, tableColumns } from './history/table.js';
import { compareWithLedger, conflictError } from './ledger-diff.js';
import { matchHistory, pendingFiles } from './match.js';
import { combinedUpDownErrors } from './refusals.js';
import { SOURCE_TOOLS, type AdoptionPlan, type AdoptReport, type SourceTool, type ToolHistory } from './types.js';
import { adoptionStatements } from './write.js';

/** What adoption reads the files through. */
export interface AdoptSource {
  migrations: readonly Migration[];
  /** For messages: the directory, or `bundle`. */
  location: string;
  /** A file's raw contents (sqlx hashes the bytes as they are on disk). */
  read(file: string): Promise<Uint8Array | string>;
}

/** Options of {@link adoptHistory}. */
export interface AdoptHistoryOptions extends Pick<RunOptions, 'lockWaitMs' | 'onEvent'> {
  schema: string;
  /** The tool whose history to take over … */
  from?: SourceTool | string;
  /** … or: record every migration up to and including this version as applied. */
  baseline?: string;
  /** The tool's table, when it was configured with another name. */
  table?: string;
  dryRun?: boolean;
  /** Record history rows without a file as applied (the database is ahead of the directory). */
  allowMissing?: boolean;
  /** Accept files edited since the tool applied them (recorded in cutover_audit). */
  acceptEdited?: boolean;
  reason?: string;
  /** Who adopts, for cutover_audit. */
  by: string;
}

const TOOLS_WITH_CHECKSUMS: readonly SourceTool[] = ['sqlx', 'flyway', 'prisma', 'drizzle'];

function checkOptions(options: AdoptHistoryOptions): SourceTool | undefined {
  const usage = (message: string, hint: string) => new CutoverError('USAGE', message, { hint, details: { from: options.from, baseline: options.baseline } });
  if ((options.from === undefined) === (options.baseline === undefined)) {
    throw usage(options.from === undefined ? 'adopt needs --from <tool> or --baseline <version>' : 'adopt takes --from or --baseline, not both',
      `--from ${SOURCE_TOOLS.join('|')} takes over that tool's history; --baseline <version> records a database no tool recorded.`);
  }
  if (options.from === undefined) return undefined;
  if (!(SOURCE_TOOLS as readonly string[]).includes(options.from)) {
    const near = suggest(options.from, SOURCE_TOOLS);
    throw usage(`--from ${options.from}: not a tool adopt reads`, `${near ? `Did you mean --from ${near}? ` : ''}Known: ${SOURCE_TOOLS.join(', ')}.`);
  }
  return options.from as SourceTool;
}

/** Under the lock: read the tool's history and match it; or check that no tool recorded this schema and baseline it. */
async function planUnderLock(connection: Connection, source: AdoptSource, options: AdoptHistoryOptions, tool: SourceTool | undefined, contents: Map<string, Uint8Array | string>): Promise<{ plan: AdoptionPlan; history?: ToolHistory }> {
  const readers = Object.values(HISTORY_READERS);
  if (tool === undefined) {
    for (const reader of readers) {
      const columns = await tableColumns(connection, reader.schema ?? options.schema, reader.table);
      if (columns && fits(reader, columns)) {
        throw new CutoverError('ADOPT_CONFLICT', `schema "${options.schema}" has ${reader.tool}'s history table ${reader.table}: --baseline is for a database no tool recorded`, {
          hint: `Take over that history instead: cutover adopt --from ${reader.tool} (it checks each row against the files). If the table is a leftover, drop or rename it first.`,
          details: { schema: options.schema, table: reader.table, found: reader.tool },
        });
      }
    }
    const entries = baselineEntries(source.migrations, options.baseline!, source.location);
    return { plan: { entries, rowsWithoutFiles: [], pending: pendingFiles(source.migrations, entries, versionOrder(source.migrations[0]?.format)), edited: [], problems: [] } };
  }
  const reader = HISTORY_READERS[tool];
  const table = await findHistoryTable(connection, reader.schema ?? options.schema, reader, options.table ?? reader.table, readers);
  const history: ToolHistory = { ...(await reader.read(connection, table)), table };
  const plan = matchHistory({
    migrations: source.migrations, history, reader, contents, location: source.location,
    ...(options.allowMissing ? { allowMissing: true } : {}), ...(options.acceptEdited ? { acceptEdited: true } : {}),
  });
  return { plan, history };
}

/**
 * Adopt a tool's history, or baseline, into one schema's ledger.
 *
 * @example
 * await adoptHistory(connector, { migrations, location: 'migrations', read }, { schema: 'public', from: 'sqlx', by: 'ops@host' });
 */
export async function adoptHistory(connector: Connector, source: AdoptSource, options: AdoptHistoryOptions): Promise<AdoptReport> {
  const tool = checkOptions(options);
  // Bad input is reported before the database is touched.
  if (tool === 'node-pg-migrate') throwAll(combinedUpDownErrors(source.migrations));
  if (tool === undefined) baselineEntries(source.migrations, options.baseline!, source.location);
  const contents = new Map<string, Uint8Array | string>();
  if (tool && TOOLS_WITH_CHECKSUMS.includes(tool)) {
    await Promise.all(source.migrations.map(async (m) => contents.set(m.file, await source.read(m.file))));
  }

  const order = versionOrder(source.migrations[0]?.format);
  const report: AdoptReport = {
    schema: options.schema, target: connector.describe, from: tool ?? 'baseline',
    // Set once the table is found; declared here so that it comes early in --json.
    ...(tool ? { table: undefined } : {}),
    dryRun: options.dryRun === true, outcome: 'nothing-to-adopt',
    ...(options.baseline !== undefined ? { baseline: order.canonical(options.baseline) } : {}),
    entries: [], rowsWithoutFiles: [], pending: [], edited: [], ignored: [], statements: [],
  };
  try {
    return await withMigrationLock(connector, { schema: options.schema, lockWaitMs: options.lockWaitMs, onEvent: options.onEvent }, async (connection) => {
      const ledger: LedgerRow[] | undefined = await readLedger(connection, options.schema, { kind: 'cutover' }); // adopt writes cutover's own
      const { plan, history } = await planUnderLock(connection, source, options, tool, contents);
      Object.assign(report, { entries: plan.entries, rowsWithoutFiles: plan.rowsWithoutFiles, pending: plan.pending, edited: plan.edited },
        history ? { table: history.table, ignored: history.ignored } : {});
      const verdict = compareWithLedger(plan.entries, ledger, order);
      if (verdict.kind === 'different') throw conflictError(options.schema, verdict.differences, ledger!.length);
      if (verdict.kind === 'same' && plan.entries.length > 0) return { ...report, outcome: 'already-adopted' as const };
      throwAll(plan.problems);
      if (plan.entries.length === 0) return report;

      const appliedBy = `adopt:${tool ?? 'baseline'}`;
      report.statements = adoptionStatements(options.schema, plan.entries, {
        action: tool ? `adopt --from ${tool}` : 'adopt --baseline', by: options.by, reason: options.reason,
        details: {
          ...(history ? { from: tool, table: history.table } : { baseline: report.baseline, note: 'recorded as applied without running them' }),
          adopted: plan.entries.map((e) => e.version),
          ...(plan.edited.length ? { editedAccepted: plan.edited } : {}),
          ...(plan.rowsWithoutFiles.length ? { withoutFile: plan.rowsWithoutFiles.map((r) => r.key) } : {}),
        },
      }, appliedBy);
      if (options.dryRun) return { ...report, outcome: 'would-adopt' as const };
      await connection.query('BEGIN');
      try {
        await createLedger(connection, options.schema, 'cutover');
        await ensureAuditTable(connection, options.schema);
        await connection.query(report.statements.join(';\n'));
        await connection.query('COMMIT');
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => {});
        throw error;
      }
      return { ...report, outcome: 'adopted' as const };
    });
  } catch (caught) {
    const error = asCutoverError(caught);
    if (error instanceof CutoverError) error.report = report;
    throw error;
  }
}
