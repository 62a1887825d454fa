/**
 * A whole run on one target schema: connect, take the schema's lock, read
 * the ledger, plan, parse and validate every pending file, then execute the
 * plan, releasing the lock in `finally`. `dryRun` stops after validation:
 * `plan` is this same path, lock included (the sqlx-cli lesson).
 */
import type { FormatNotice } from '../migrations/formats/types.js';
import { asCutoverError, CutoverError, throwAll } from '../errors.js';
import { acquireMigrationLocks, type MigrationLocks } from '../db/advisory-lock.js';
import { checkOtherLedger, createLedger, ensureAuditTable, isMissingLedger, ledgerFor, probeLedger, readLedger, toLedgerRows, type Ledger, type LedgerKind, type LedgerProbe, type RawLedgerRow } from '../db/ledger.js';
import type { AfterRun, Clock, RunContext } from './context.js';
import { sendBatch, type Connection, type Connector } from '../db/session.js';
import type { Migration } from '../migrations/types.js';
import { plan, planRollback } from '../plan/plan.js';
import type { LedgerRow, Plan, Problem, StatusEntry, Step } from '../plan/types.js';
import { checkStatements, toRunnable, type RunnableStatement } from '../sql/statements.js';
import { openParser, type Parser } from '../sql/parse-host.js';
import { splitWithVerdicts, toParse, type VerdictStore } from '../verdicts/index.js';
import type { MigrationRef } from './events.js';
import type { LintedStatement, Linter, LintReport } from '../lint/engine.js';
import type { LintHook } from '../lint/hook.js';
import type { InvalidIndex } from '../backup/invalid-indexes.js';
import { executeStep, scriptOf, stepRef, type ExecuteOptions, type StepResult } from './execute.js';
import { stopIfAsked } from './interrupt.js';
import { recognizeFinishedBuilds } from './concurrent-index.js';

/** A step as `plan` shows it. */
export interface PlannedStep extends MigrationRef {
  statements: { line: number; kind: string; text: string; needsNoTransaction?: string; locks?: LintedStatement['locks']; rewrites?: string[] }[];
}

/** The result of a run ("nothing to do" is a success with `applied: []`). */
export interface MigrateReport {
  schema: string;
  target: string;
  phase: Plan['phase'];
  dryRun: boolean;
  lockWaitedMs: number;
  planned: PlannedStep[];
  applied: StepResult[];
  /** Pending migrations this run left alone (the other phase, past --to). */
  deferred: MigrationRef[];
  warnings: Problem[];
  /** Every migration's state after the run. */
  entries: StatusEntry[];
  durationMs: number;
  /** With a lint hook: the findings on the pending files (and those a `lint-ignore` line suppressed). */
  lint?: LintReport;
  /**
   * The lint gate: `error` stops on an error finding (the run then throws LINT_FAILED);
   * `warn` lets them through, counted in `letThrough`.
   */
  lintGate?: { mode: 'error' | 'warn'; letThrough: number };
  /** With `invalidIndexes: true` (the CLI's `migrate`): the schema's invalid indexes after the run. */
  invalidIndexes?: InvalidIndex[];
  /**
   * After a failure that lost the connection: migrations committed in this run that the server
   * may not have kept (their commits did not wait for the WAL flush, and the flush could not be
   * confirmed). They are not in `applied`; `cutover status` says which are there.
   */
  unconfirmed?: StepResult[];
  /** Migrations an earlier run was cut off from recording whose index builds had finished: recorded applied now. */
  recognized?: MigrationRef[];
  /** `plan` only: files the layout's tool skips, and migrations in another language cutover cannot run (docs/formats.md). */
  notices?: FormatNotice[];
}

/** Thrown history problems: one error, every problem in its details. */
export function historyError(errors: Problem[]): CutoverError {
  return new CutoverError(errors[0]!.code, errors.map((p) => p.message).join('\n'), {
    hint: errors[0]!.hint,
    details: { version: errors[0]!.version, ...(errors[0]!.file ? { file: errors[0]!.file } : {}), problems: errors },
  });
}

/** Options of {@link prepareSteps}. */
export interface PrepareOptions {
  /** Lint each file from the same parse (a promise: it loads while the parser starts). */
  linter?: Promise<Linter> | undefined;
  /** An open parser for the files without a verdict. */
  parser?: Parser | undefined;
  /** Verdicts to use and fill (src/verdicts): a file with one is not parsed. */
  verdicts?: VerdictStore | undefined;
}

/**
 * Parse and validate every step's script; all problems at once (exit 2).
 * With a `linter`, each file is linted from the same parse, in order; with
 * `verdicts`, a file whose verdict is kept is validated from it, unparsed.
 */
export async function prepareSteps(steps: Step[], options: PrepareOptions = {}): Promise<RunnableStatement[][]> {
  const scripts = steps.map(scriptOf);
  const checked: RunnableStatement[][] = [];
  const problems: CutoverError[] = [];
  // Settled, not awaited bare: a bad file must still win over a linter that failed to load.
  const lint = options.linter?.then((value) => ({ value }), (error: unknown) => ({ error }));
  try {
    // Files go to the parser in chunks: one call per file costs most on a cold parser, while one
    // call for a thousand files would hold all their parse trees at once.
    for await (const one of splitWithVerdicts(scripts, { tree: options.linter !== undefined, parser: options.parser, verdicts: options.verdicts })) {
      const settled = await lint;
      // A file that did not parse: every bad file is named, with its line and column.
      if ('error' in one) {
        if (!(one.error instanceof CutoverError)) throw one.error;
        problems.push(one.error);
        checked.push([]);
        continue;
      }
      problems.push(...checkStatements(one.script, one.statements));
      checked.push(one.statements.map(toRunnable));
      if (settled && 'value' in settled && problems.length === 0) settled.value.file(one.script, one.statements);
    }
    throwAll(problems);
    const settled = await lint;
    if (settled && 'error' in settled) throw settled.error;
    return checked;
  } finally {
    await lint; // its catalog queries are done before anything else uses the connection
  }
}

/** The lint report into the run's report: findings, and each planned statement's locks and rewrites. */
function addLint(report: MigrateReport, lint: LintReport): void {
  report.lint = lint;
  lint.files.forEach((file, i) => file.statements.forEach((s, j) => {
    const planned = report.planned[i]?.statements[j];
    if (planned) Object.assign(planned, { locks: s.locks, rewrites: s.rewrites });
  }));
}

/** Lint the pending steps into the report; `refuseOnError` makes error findings stop the run (exit 3). */
async function lintPending(report: MigrateReport, steps: Step[], connection: Connection, schema: string, hook: LintHook, linter?: Linter): Promise<void> {
  const lint = linter ? linter.finish() : await hook.run(steps, connection, schema);
  addLint(report, lint);
  report.lintGate = { mode: hook.refuseOnError ? 'error' : 'warn', letThrough: hook.refuseOnError ? 0 : lint.counts.error };
  if (hook.refuseOnError && !report.dryRun && lint.counts.error > 0) {
    const errors = lint.findings.filter((f) => f.severity === 'error');
    throw new CutoverError('LINT_FAILED', `${errors.length} lint error(s) in pending migrations; nothing was run:\n${errors.map((f) => `${f.file}:${f.line}:${f.column}: [${f.rule}] ${f.message}`).join('\n')}`, {
      hint: 'Fix them as `cutover lint` explains; or, where it is safe, suppress one with `-- cutover:lint-ignore <rule> <reason>` (not an edit: the checksum leaves it out), or let them through with --lint warn (recorded in the report).',
      details: { findings: errors.map(({ rule, file, line, column, message }) => ({ rule, file, line, column, message })) },
    });
  }
}

/**
 * Applied rows recorded with a file's whole checksum before lint-ignore lines were left out
 * get its checksum of what runs, so removing such a line later is no edit either. Rare: a
 * no-op run with nothing to update sends nothing.
 */
async function recordNewChecksums(connection: Connection, ledger: Ledger, migrations: readonly Migration[], rows: readonly LedgerRow[]): Promise<void> {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const stale = rows.filter((row) => row.state === 'applied' && row.checksum === byVersion.get(row.version)?.fileChecksum);
  if (stale.length > 0) await connection.query(stale.map((row) => `${ledger.acceptSql(row.version, byVersion.get(row.version)!.checksum)};`).join('\n'));
}

function refOf(migration: Migration): MigrationRef {
  return stepRef({ direction: 'up', migration });
}

/** The locks `work` runs under: how long they took, the ledger's read that came with them, their unlock statements. */
export type HeldLocks = Pick<MigrationLocks, 'waitedMs' | 'alongside' | 'unlockSql' | 'released'>;

/**
 * Hold the schema's migration lock on a dedicated connection while `work` runs.
 *
 * @example
 * await withMigrationLock(connector, { schema: 'public' }, async (connection) => readLedger(connection, 'public'));
 */
export async function withMigrationLock<T>(
  connector: Connector,
  options: Pick<RunContext, 'schema' | 'onEvent'> & { ledger?: LedgerKind | undefined; lockWaitMs?: number | undefined; clock?: Clock | undefined; alongside?: string | undefined },
  work: (connection: Connection, locks: HeldLocks) => Promise<T>,
): Promise<T> {
  const connection = await connector.connect();
  let broken = false;
  try {
    // The schema's lock and, with the sqlx ledger, sqlx's own (src/db/advisory-lock.ts).
    const locks = await acquireMigrationLocks(connection, {
      schema: options.schema, ledger: options.ledger, lockWaitMs: options.lockWaitMs, sleep: options.clock?.sleep, now: options.clock?.now, alongside: options.alongside,
      onWait: ({ waitedMs, holders, lock }) => options.onEvent?.({ type: 'lock-waiting', schema: options.schema, waitedMs, holders, ...(lock ? { lock } : {}) }),
    });
    options.onEvent?.({ type: 'lock-acquired', schema: options.schema, waitedMs: locks.waitedMs });
    try {
      return await work(connection, locks);
    } finally {
      // Closing the session releases the locks too; a failed unlock must not hide the real error.
      await locks.release().catch(() => { broken = true; });
    }
  } finally {
    await connection.close(broken);
  }
}

/** Record applied what an earlier, cut-off run had finished (src/run/concurrent-index.ts). */
async function recognize(connection: Connection, rows: LedgerRow[], migrations: Migration[], options: RunContext, report: MigrateReport): Promise<LedgerRow[]> {
  if (!rows.some((r) => r.state === 'failed' && r.failedStatement === 0)) return rows;
  const ledger = ledgerFor(options.schema, options.ledger);
  const result = await recognizeFinishedBuilds(connection, rows, migrations, { schema: options.schema, ledger, appliedBy: options.appliedBy });
  report.recognized = result.recognized.map(refOf);
  for (const migration of report.recognized) options.onEvent?.({ type: 'migration-recognized', schema: options.schema, migration });
  return result.rows;
}

/**
 * afterRun's read, still under the lock, and the unlock in one round trip, when the run's last
 * commit did not carry them (nothing ran, or a failure). A failed read reports nothing found.
 */
async function closeRun(connection: Connection, locks: HeldLocks, afterRun: AfterRun, report: MigrateReport): Promise<void> {
  const outcome = await sendBatch(connection, [afterRun.sql, ...locks.unlockSql]);
  afterRun.read(outcome.failed === undefined ? outcome.results[0]!.rows : [], report);
  if (outcome.failed === undefined) locks.released();
}

/** A failure after commits that may not have reached the disk says so (the report lists them in `unconfirmed`). */
function withUnconfirmed(error: unknown, report: MigrateReport): unknown {
  if (!(error instanceof CutoverError) || !report.unconfirmed?.length) return error;
  const files = report.unconfirmed.map((r) => r.migration.file);
  return new CutoverError(error.code, `${error.message}\n${files.length} migration(s) of this run were committed without waiting for the disk and may not have been kept by the server: ${files.join(', ')}. \`cutover status\` says which are applied.`, {
    hint: error.hint, cause: error.cause, details: { ...error.details, unconfirmed: report.unconfirmed.map((r) => r.migration.version) },
  });
}

/** The executor's settings: the run's, resolved (src/target), as they are. */
function executeOptions(options: RunContext): ExecuteOptions {
  const { lockTimeoutMs, statementTimeoutMs, lockRetries, retryDelayMs, retryDelayMaxMs } = options.timeouts;
  return {
    schema: options.schema, ledger: ledgerFor(options.schema, options.ledger), appliedBy: options.appliedBy,
    lockTimeoutMs, statementTimeoutMs, lockRetries, retryDelayMs, retryDelayMaxMs,
    onEvent: options.onEvent, signal: options.signal, sleep: options.clock.sleep, now: options.clock.now,
  };
}

/**
 * Plan, validate and (unless `dryRun`) apply, under the schema's lock.
 * `direction: 'down'` rolls back to `rollbackTo`.
 *
 * @example
 * const report = await runMigrations(connector, migrations, { ...resolveRun({ phase: 'pre' }), schema: 'public' });
 */
export async function runMigrations(
  connector: Connector,
  migrationSet: Migration[] | Promise<Migration[]>,
  options: RunContext,
): Promise<MigrateReport> {
  // Files are read while the connection opens and the lock is taken; a bad file still wins
  // over a connection error (exit 2 before exit 1), and nothing runs before both are done.
  const loading = Promise.resolve(migrationSet);
  loading.catch(() => {});
  if (options.phase !== undefined && !['pre', 'post', 'all'].includes(options.phase)) {
    throw new CutoverError('CONFIG', `phase "${options.phase}" is not one of pre, post, all`, {
      hint: 'pre = expand (before the deploy), post = contract (after every instance runs the new version), all = both in version order.',
      details: { setting: 'phase' },
    });
  }
  const theLedger = ledgerFor(options.schema, options.ledger); // an unknown kind is bad input, before connecting
  const { now } = options.clock;
  const started = now();
  const report: MigrateReport = {
    schema: options.schema, target: connector.describe, phase: options.phase ?? 'all', dryRun: options.dryRun ?? false,
    lockWaitedMs: 0, planned: [], applied: [], deferred: [], warnings: [], entries: [], durationMs: 0,
  };
  const { afterRun } = options;
  let closed = false; // afterRun's read and the unlock went with the last commit
  // The run under the schema's lock, on its connection.
  // `read`: the ledger's read that came with the lock, if it did. Failed for want of a ledger (a new
  // schema), the schema is probed; failed otherwise (no privilege …), readLedger says why.
  const underLock = async (connection: Connection, locks: HeldLocks): Promise<MigrateReport> => {
    report.lockWaitedMs = locks.waitedMs;
    const read = locks.alongside;
    const migrations = await loading;
    const missing = read ? 'error' in read && isMissingLedger(read.error) : options.ledgerAbsent === true;
    const probe: LedgerProbe | undefined = missing ? await probeLedger(connection, theLedger) : undefined;
    const found: LedgerRow[] | undefined = read && 'result' in read ? toLedgerRows(read.result.rows as RawLedgerRow[], migrations)
      : probe?.ledger === false ? undefined : await readLedger(connection, options.schema, { kind: theLedger.kind, migrations });
    const ledger = found && !report.dryRun && options.rollbackTo === undefined ? await recognize(connection, found, migrations, options, report) : found;
    if (ledger === undefined) await checkOtherLedger(connection, theLedger, probe);
    const thePlan = options.rollbackTo === undefined ? plan(migrations, ledger ?? [], options) : planRollback(migrations, ledger ?? [], options.rollbackTo);
    report.warnings = thePlan.warnings;
    report.entries = thePlan.entries;
    report.deferred = thePlan.deferred.map(refOf);
    for (const problem of thePlan.warnings) options.onEvent?.({ type: 'warning', schema: options.schema, problem });
    if (thePlan.errors.length > 0) throw historyError(thePlan.errors);
    if (!report.dryRun && ledger && theLedger.kind === 'cutover') await recordNewChecksums(connection, theLedger, migrations, ledger);
    if (thePlan.steps.length === 0) return report;

    // Every pending file is parsed and validated before anything runs — even the ledger's creation.
    // With the default parse, lint reads the same parse trees (one parse per file, not two).
    // (Linting while the files run, for --lint=warn, was measured: no faster on 200 or 1,000
    // files — the second parse and the rules compete with the server for the same CPUs.)
    // With a verdict for every file, no parser is opened (libpg-query is never loaded).
    const texts = options.prepare ? 0 : toParse(thePlan.steps.map(scriptOf), options.verdicts);
    const parser = texts > 0 ? openParser({ texts }) : undefined;
    try {
      const linter = options.lint?.start && !options.prepare ? options.lint.start(connection, options.schema, thePlan.steps) : undefined;
      const statements = options.prepare ? await options.prepare(thePlan.steps) : await prepareSteps(thePlan.steps, { linter, parser, verdicts: options.verdicts });
      parser?.close(); // the child's memory goes before the migrations run
      report.planned = thePlan.steps.map((step, i) => ({
        ...stepRef(step),
        statements: statements[i]!.map((s) => ({ line: s.line, kind: s.kind, text: s.text, ...(s.needsNoTransaction ? { needsNoTransaction: s.needsNoTransaction } : {}) })),
      }));
      if (options.lint) await lintPending(report, thePlan.steps, connection, options.schema, options.lint, linter && (await linter));
      if (report.dryRun) return report;
      await options.beforeRun?.(thePlan.steps, connection);
      if (ledger === undefined) await createLedger(connection, options.schema, theLedger.kind, probe);
      if (options.rollbackTo !== undefined) await ensureAuditTable(connection, options.schema); // each rollback is recorded there

      const execute = executeOptions(options);
      let after: LedgerRow[] | undefined;
      try {
        for (const [i, step] of thePlan.steps.entries()) {
          stopIfAsked(options.signal, `before ${scriptOf(step).file}`);
          // The run's last commit flushes the WAL; the ledger as it then is, afterRun's read and the
          // unlock share its round trip, in that order (the read still under the lock).
          const last = i === thePlan.steps.length - 1;
          const closing = last ? [theLedger.selectSql(), ...(afterRun ? [afterRun.sql] : []), ...locks.unlockSql] : [];
          const { after: done, ...result } = await executeStep(connection, step, statements[i]!, { ...execute, flushCommit: last, after: closing });
          report.applied.push(result);
          if (!done?.length) continue;
          after = toLedgerRows(done[0]!.rows as RawLedgerRow[], migrations);
          if (afterRun) afterRun.read(done[1]!.rows, report);
          locks.released();
          closed = true;
        }
      } catch (error) {
        // Earlier steps committed without waiting for the WAL flush; a commit that writes an xid
        // flushes them all before the failure is reported.
        // If that cannot be done (the connection is gone), the report does not claim them (defect 12).
        const flushed = report.applied.length === 0 || await connection.query('BEGIN; SELECT txid_current(); COMMIT').then(() => true, () => false);
        if (!flushed) [report.unconfirmed, report.applied] = [report.applied, []];
        throw error;
      } finally {
        // The states after the run, after a failure too (read again then): the error carries this report.
        after ??= await readLedger(connection, options.schema, { kind: theLedger.kind, migrations }).catch(() => undefined);
        if (after) report.entries = (options.rollbackTo === undefined ? plan(migrations, after, options) : planRollback(migrations, after, options.rollbackTo)).entries;
      }
      return report;
    } finally {
      parser?.close();
    }
  };
  try {
    // The ledger is read in the lock's round trip: its own statement, after the lock's (when there
    // is one to read: not for a schema known to have none, not under sqlx's lock, taken second).
    const alongside = theLedger.kind === 'cutover' && !options.ledgerAbsent ? theLedger.selectSql() : undefined;
    const { schema, ledger, onEvent, timeouts: { lockWaitMs }, clock } = options;
    return await withMigrationLock(connector, { schema, ledger, onEvent, lockWaitMs, clock, alongside }, async (connection, locks) => {
      try {
        return await underLock(connection, locks);
      } finally {
        if (afterRun && !closed) await closeRun(connection, locks, afterRun, report);
      }
    });
  } catch (caught) {
    await loading; // a bad migration set is the error to report
    const error = withUnconfirmed(asCutoverError(caught), report);
    if (error instanceof CutoverError) error.report = report;
    throw error;
  } finally {
    report.durationMs = now() - started;
  }
}
