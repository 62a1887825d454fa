/**
 * Carry out one step of a plan on the locked connection.
 *
 * Transactional: BEGIN; SET LOCAL lock_timeout / statement_timeout; each
 * statement; the ledger row; COMMIT — all in one round trip (a batch,
 * src/db/batch.ts, which still says exactly which statement failed). On
 * SQLSTATE 55P03 the whole transaction is retried with capped exponential
 * back-off and jitter.
 *
 * No-transaction: the row is written `failed` ("started") first, so a crash
 * half-way is visible; statements run one by one, a 55P03 retries that
 * statement; success rewrites the row `applied`.
 */
import { connectionLost, CutoverError } from '../errors.js';
import { isConnectionLost } from '../db/connection-lost.js';
import { auditSql, SQLSTATE, type Ledger, type LedgerEntry } from '../db/ledger.js';
import { sendBatch, type Connection, type QueryResultLike } from '../db/session.js';
import type { MigrationScript } from '../migrations/types.js';
import type { Step } from '../plan/types.js';
import { codeFrame, lineColumn } from '../sql/location.js';
import { relationsIn, type RunnableStatement as Statement } from '../sql/statements.js';
import { describeBlockers, findBlockers } from './blockers.js';
import { lockTimeoutFor, retryDelayFor } from './lock-retries.js';
import { cancellable, interrupted, stopIfAsked } from './interrupt.js';
import { checkBuilt, prepareBuild } from './concurrent-index.js';
import type { Blocker, MigrationRef, OnEvent } from './events.js';

/** Execution settings (resolved defaults in docs/locking.md). */
export interface ExecuteOptions {
  schema: string;
  /** The history table the steps are recorded in (cutover's own or sqlx's). */
  ledger: Ledger;
  appliedBy: string;
  /** lock_timeout per migration transaction, unless the file overrides it. */
  lockTimeoutMs: number;
  /** statement_timeout, unless the file overrides it; undefined leaves the server's. */
  statementTimeoutMs?: number | undefined;
  /** Attempts after the first on lock timeout. */
  lockRetries: number;
  /** Back-off base and cap for retries. */
  retryDelayMs: number;
  retryDelayMaxMs: number;
  onEvent?: OnEvent | undefined;
  /** false: this commit need not wait for the WAL flush (a later one in the same run will). */
  flushCommit?: boolean;
  /**
   * Statements sent after a transactional step's COMMIT in its round trip (the run's last step
   * reads the ledger there); their results come back in {@link StepResult.after}.
   */
  after?: readonly string[];
  /** Stop between statements, cancelling the one running (SIGTERM/SIGINT in the CLI). */
  signal?: AbortSignal | undefined;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** What a finished step reports. */
export interface StepResult {
  migration: MigrationRef;
  durationMs: number;
  attempts: number;
}

/** How a step went: its result, and those of {@link ExecuteOptions.after} when they ran. */
interface StepRun {
  attempts: number;
  durationMs: number;
  after?: QueryResultLike<unknown>[];
}

/** The reference events and reports use for a step. */
export function stepRef(step: Step): MigrationRef {
  const script = scriptOf(step);
  const m = step.migration;
  return { version: m.version, name: m.name, file: script.file, phase: m.phase, transaction: script.transaction, direction: step.direction };
}

/** The script a step runs: the up file, or the down file in a rollback. */
export function scriptOf(step: Step): MigrationScript {
  return step.direction === 'up' ? step.migration : step.migration.down!;
}

/** The SETs of attempt `attempt` (docs/locking.md: the lock_timeout grows over the attempts). */
function timeoutSets(scope: 'LOCAL ' | '', script: MigrationScript, options: ExecuteOptions, attempt = 1): string[] {
  const lock = lockTimeoutFor(attempt, options, script.lockTimeoutMs);
  const statement = script.statementTimeoutMs ?? options.statementTimeoutMs;
  return [`SET ${scope}lock_timeout = ${Math.round(lock)}`, ...(statement === undefined ? [] : [`SET ${scope}statement_timeout = ${Math.round(statement)}`])];
}

const timeoutSql = (script: MigrationScript, options: ExecuteOptions) => timeoutSets('', script, options).join('; ');

function entryFor(step: Step, durationMs: number | undefined, options: ExecuteOptions, state: LedgerEntry['state'], failure?: { statement: number; error: string }): LedgerEntry {
  const m = step.migration;
  return {
    version: m.version, name: m.name, file: m.file, phase: m.phase, checksum: m.checksum, state, durationMs,
    appliedBy: options.appliedBy, transactional: scriptOf(step).transaction,
    failedStatement: failure?.statement ?? null, error: failure?.error ?? null,
  };
}

/** The audit row of a rolled-back migration (who, and which down file). */
function rollbackAudit(step: Step, options: ExecuteOptions): string {
  return auditSql(options.schema, { version: step.migration.version, action: 'rollback', by: options.appliedBy, details: { file: step.migration.down?.file, checksum: step.migration.checksum } });
}

/**
 * A Postgres error inside a migration, shown at its file, line and column
 * with the line and a caret, then SQLSTATE, detail and hint. `at`: where in
 * the statement's text the server placed the error (`position`, 0-based), if it did.
 */
export function migrationError(error: unknown, step: Step, statement: Statement | undefined, position: number | undefined, extra?: { blockers?: Blocker[]; attempts?: number }): CutoverError {
  const script = scriptOf(step);
  if (lost(error)) return lostDuring(error, step, statement);
  if (error instanceof CutoverError) return error; // INTERRUPTED, INVALID_INDEX: already say what happened
  const pgError = error as { message?: string; code?: string; detail?: string; hint?: string; where?: string };
  const offset = statement ? Math.min(statement.start + (position ?? 0), statement.end) : 0;
  const at = lineColumn(script.sql, offset);
  const { line, column } = at;
  const lockTimeout = pgError.code === SQLSTATE.LOCK_NOT_AVAILABLE;
  const lines = [
    `${step.direction === 'down' ? 'rolling back' : 'migration'} ${script.file} failed: ${pgError.message ?? String(error)}`,
    codeFrame(script.file, script.sql, offset, at),
    `SQLSTATE ${pgError.code ?? '?'}${pgError.detail ? `\nDETAIL: ${pgError.detail}` : ''}${pgError.hint ? `\nHINT: ${pgError.hint}` : ''}${pgError.where ? `\nCONTEXT: ${pgError.where}` : ''}`,
  ];
  if (lockTimeout) lines.push(`gave up after ${extra?.attempts ?? 1} attempt(s); blocking sessions:\n${describeBlockers(extra?.blockers ?? [])}`);
  return new CutoverError(lockTimeout ? 'LOCK_TIMEOUT' : 'MIGRATION_FAILED', lines.join('\n'), {
    hint: lockTimeout
      ? 'A long transaction holds a lock this migration needs. Let it finish (or end it: SELECT pg_terminate_backend(<pid>)), then run again; or raise --lock-timeout / --lock-retries.'
      : script.transaction
        ? 'The migration was rolled back and not recorded; fix it and run again.'
        : `This no-transaction migration is recorded as failed and may be partly applied: check the database, then cutover resolve ${step.migration.version} --applied or --rolled-back.`,
    details: {
      file: script.file, line, column, version: step.migration.version, sqlstate: pgError.code,
      ...(pgError.detail ? { detail: pgError.detail } : {}),
      ...(statement ? { statement: statement.index + 1 } : {}),
      ...(extra?.blockers ? { blockers: extra.blockers, attempts: extra.attempts } : {}),
    },
    cause: error,
  });
}

/** The session went away: not the file's fault (src/db/connection-lost.ts decides). */
function lost(error: unknown): boolean {
  return (error instanceof CutoverError && error.code === 'CONNECTION_LOST') || isConnectionLost(error);
}

/** CONNECTION_LOST naming the migration, without a caret: nothing is wrong with the file. */
function lostDuring(error: unknown, step: Step, statement: Statement | undefined): CutoverError {
  const script = scriptOf(step);
  const at = statement ? ` (statement ${statement.index + 1})` : '';
  return connectionLost(error, {
    doing: `running ${script.file}${at}`,
    hint: script.transaction
      ? 'The server rolled the migration back: it is not recorded and runs again. Run again once the server is up.'
      : `Run again once the server is up: this no-transaction migration is recorded as not finished, and the next run says whether it needs \`cutover resolve ${step.migration.version}\` (docs/reliability.md).`,
    details: { file: script.file, version: step.migration.version, ...(statement ? { statement: statement.index + 1 } : {}) },
  });
}

async function blockersFor(connection: Connection, statement: Statement | undefined, schema: string): Promise<Blocker[]> {
  try {
    return await findBlockers(connection, statement ? await relationsIn(statement.text) : [], schema);
  } catch {
    return [];
  }
}

/**
 * Run one transactional step; returns its attempts.
 *
 * The whole transaction is one round trip, and a failure is still located exactly: the batch
 * says which statement the server was running (src/db/batch.ts). (Before, the statements went
 * one per round trip for that reason; finding the statement by running them again would have
 * doubled the work, locks and dead rows on a failure.)
 */
async function runInTransaction(connection: Connection, step: Step, statements: Statement[], options: ExecuteOptions): Promise<StepRun> {
  const script = scriptOf(step);
  const ref = stepRef(step);
  // Every commit but the run's last skips the WAL flush: a crash can then lose only a suffix of
  // migrations, each atomically with its ledger row (they run again). The last commit flushes the
  // WAL, and with it every earlier one, before the run reports success.
  // https://www.postgresql.org/docs/current/wal-async-commit.html
  const durability = options.flushCommit === false ? ['SET LOCAL synchronous_commit = off'] : [];
  // duration_ms is measured by the server: clock_timestamp() - now() (the transaction's start).
  const ledger = step.direction === 'up' ? [options.ledger.recordSql(entryFor(step, undefined, options, 'applied'))] : [options.ledger.forgetSql(step.migration.version), rollbackAudit(step, options)];
  const after = options.after ?? [];
  for (let attempt = 1; ; attempt++) {
    const head = ['BEGIN', ...timeoutSets('LOCAL ', script, options, attempt), ...durability];
    const sent = [...head, ...statements.map((s) => s.text), ...ledger, 'COMMIT', ...after];
    const committed = sent.length - after.length; // statements finished once COMMIT is
    options.onEvent?.({ type: 'migration-started', schema: options.schema, migration: ref, attempt });
    const started = options.now();
    const outcome = await cancellable(connection, options.signal, `in ${script.file}`, () => sendBatch(connection, sent));
    if (outcome.failed === undefined) return { attempts: attempt, durationMs: options.now() - started, after: outcome.results.slice(committed) };
    if (outcome.failed >= committed) return { attempts: attempt, durationMs: options.now() - started }; // committed; what came after did not run
    await connection.query('ROLLBACK').catch(() => {});
    // The failing statement: BEGIN and the SETs count as the first's, the ledger row and COMMIT as the last's.
    const index = outcome.failed - head.length;
    const current = statements[Math.min(Math.max(index, 0), statements.length - 1)];
    const at = index >= 0 && index < statements.length ? outcome.at : undefined;
    const { error } = outcome;
    if (options.signal?.aborted) throw interrupted(options.signal, `in ${script.file} (statement ${(current?.index ?? 0) + 1}); it was rolled back`, error);
    if ((error as { code?: string }).code !== SQLSTATE.LOCK_NOT_AVAILABLE) throw migrationError(error, step, current, at);
    const blockers = await blockersFor(connection, current, options.schema);
    if (attempt > options.lockRetries) throw migrationError(error, step, current, at, { blockers, attempts: attempt });
    const delayMs = retryDelayFor(attempt, options);
    options.onEvent?.({ type: 'migration-retrying', schema: options.schema, migration: ref, attempt, lockTimeoutMs: lockTimeoutFor(attempt, options, script.lockTimeoutMs), delayMs, blockers });
    await options.sleep(delayMs);
  }
}

/** Where in its statement's text the server placed an error (0-based), if it did. */
function positionOf(error: unknown): number | undefined {
  const position = Number((error as { position?: string }).position);
  return Number.isFinite(position) && position > 0 ? position - 1 : undefined;
}

/** Run one no-transaction step statement by statement. */
async function runStatementByStatement(connection: Connection, step: Step, statements: Statement[], options: ExecuteOptions): Promise<StepRun> {
  const script = scriptOf(step);
  const ref = stepRef(step);
  const started = options.now();
  let attempts = 1;
  options.onEvent?.({ type: 'migration-started', schema: options.schema, migration: ref, attempt: 1 });
  if (step.direction === 'up') {
    await connection.query(options.ledger.recordSql(entryFor(step, 0, options, 'failed', { statement: 0, error: 'started and did not finish (the process ended or lost its connection)' })));
  }
  await connection.query(timeoutSql(script, options));
  let lockTimeoutSet = lockTimeoutFor(1, options, script.lockTimeoutMs);
  try {
    for (const statement of statements) {
      if (options.signal?.aborted && statement === statements[0] && step.direction === 'up') {
        // Nothing of it ran: it is not recorded at all.
        await connection.query(options.ledger.forgetSql(step.migration.version));
        stopIfAsked(options.signal, `before ${script.file}`);
      }
      // CONCURRENTLY waits for every older transaction under lock_timeout too, and a timeout then
      // leaves an INVALID index behind that a retry with IF NOT EXISTS would silently accept.
      // Its SHARE UPDATE EXCLUSIVE lock never queues the app's reads and writes, so it waits
      // without a limit (unless the file sets one) and is never retried.
      const concurrently = statement.needsNoTransaction?.includes('CONCURRENTLY') === true;
      if (concurrently) await connection.query(`SET lock_timeout = ${Math.round(script.lockTimeoutMs ?? 0)}`);
      const index = concurrently ? await prepareBuild(connection, statement, options.schema) : undefined;
      for (let attempt = 1; ; attempt++) {
        const attemptLockTimeout = lockTimeoutFor(attempt, options, script.lockTimeoutMs);
        if (!concurrently && attemptLockTimeout !== lockTimeoutSet) {
          await connection.query(`SET lock_timeout = ${Math.round(attemptLockTimeout)}`);
          lockTimeoutSet = attemptLockTimeout;
        }
        try {
          await cancellable(connection, options.signal, `in ${script.file} at statement ${statement.index + 1}`, () => connection.query(statement.text));
          if (index) await checkBuilt(connection, index, script.file);
          break;
        } catch (error) {
          const lockTimeout = (error as { code?: string }).code === SQLSTATE.LOCK_NOT_AVAILABLE;
          const blockers = lockTimeout ? await blockersFor(connection, statement, options.schema) : undefined;
          if (!lockTimeout || concurrently || attempt > options.lockRetries) {
            const failure = migrationError(error, step, statement, positionOf(error), blockers ? { blockers, attempts: attempt } : undefined);
            // With the session gone nothing can be recorded: the row written before the run says "did not finish".
            if (step.direction === 'up' && !lost(error)) {
              const summary = `${(error as Error).message} (SQLSTATE ${(error as { code?: string }).code ?? '?'})`;
              await connection.query(options.ledger.recordSql(entryFor(step, options.now() - started, options, 'failed', { statement: statement.index + 1, error: summary })));
            }
            throw failure;
          }
          attempts++;
          const delayMs = retryDelayFor(attempt, options);
          options.onEvent?.({ type: 'migration-retrying', schema: options.schema, migration: ref, attempt, lockTimeoutMs: attemptLockTimeout, delayMs, blockers: blockers ?? [] });
          await options.sleep(delayMs);
        }
      }
      if (concurrently) {
        await connection.query(timeoutSql(script, options));
        lockTimeoutSet = lockTimeoutFor(1, options, script.lockTimeoutMs);
      }
    }
    const durationMs = options.now() - started;
    await connection.query(step.direction === 'up' ? options.ledger.recordSql(entryFor(step, durationMs, options, 'applied')) : `${options.ledger.forgetSql(step.migration.version)};\n${rollbackAudit(step, options)}`);
    return { attempts, durationMs };
  } finally {
    await connection.query('RESET lock_timeout; RESET statement_timeout').catch(() => {});
  }
}

/**
 * Execute one step; emits started/retrying/finished/failed events.
 *
 * @example
 * const result = await executeStep(connection, step, statements, options);
 */
export async function executeStep(connection: Connection, step: Step, statements: Statement[], options: ExecuteOptions): Promise<StepResult & Pick<StepRun, 'after'>> {
  const ref = stepRef(step);
  try {
    const run = scriptOf(step).transaction ? runInTransaction : runStatementByStatement;
    const { attempts, durationMs, after } = await run(connection, step, statements, options);
    options.onEvent?.({ type: 'migration-finished', schema: options.schema, migration: ref, durationMs, attempts });
    return { migration: ref, durationMs, attempts, ...(after ? { after } : {}) };
  } catch (error) {
    const failure = error instanceof CutoverError ? error : migrationError(error, step, undefined, undefined);
    options.onEvent?.({ type: 'migration-failed', schema: options.schema, migration: ref, error: failure });
    throw failure;
  }
}

