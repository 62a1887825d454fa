/**
 * Carry out one step of a plan on the locked connection.
 *
 * Transactional: BEGIN; SET LOCAL lock_timeout / statement_timeout; the
 * statements; the ledger row; COMMIT — one round trip per migration, a
 * failure located by the server error's position (or, without one, by
 * running the statements again one by one, rolled back). On SQLSTATE 55P03
 * the whole transaction is retried with capped exponential back-off and
 * jitter.
 *
 * No-transaction: the row is written `failed` ("started") first, so a crash
 * half-way is visible; statements run one by one, a 55P03 retries that
 * statement; success rewrites the row `applied`.
 */
import { CutoverError } from '../errors.js';
import { auditSql, SQLSTATE, type Ledger, type LedgerEntry } from '../db/ledger.js';
import type { Connection } from '../db/session.js';
import type { MigrationScript } from '../migrations/types.js';
import type { Step } from '../plan/types.js';
import { codeFrame, lineColumn } from '../sql/location.js';
import { relationsIn, type RunnableStatement as Statement } from '../sql/statements.js';
import { describeBlockers, findBlockers } from './blockers.js';
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
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** What a finished step reports. */
export interface StepResult {
  migration: MigrationRef;
  durationMs: number;
  attempts: number;
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

function timeoutSql(scope: 'LOCAL ' | '', script: MigrationScript, options: ExecuteOptions): string {
  const lock = script.lockTimeoutMs ?? options.lockTimeoutMs;
  const statement = script.statementTimeoutMs ?? options.statementTimeoutMs;
  return `SET ${scope}lock_timeout = ${Math.round(lock)};` + (statement === undefined ? '' : ` SET ${scope}statement_timeout = ${Math.round(statement)};`);
}

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

function backoff(attempt: number, options: ExecuteOptions): number {
  const base = Math.min(options.retryDelayMaxMs, options.retryDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + Math.random() / 2));
}

/**
 * A Postgres error inside a migration, shown at its file, line and column
 * with the line and a caret, then SQLSTATE, detail and hint.
 */
export function migrationError(error: unknown, step: Step, statement: Statement | undefined, prefixLength: number, extra?: { blockers?: Blocker[]; attempts?: number }): CutoverError {
  const script = scriptOf(step);
  const pgError = error as { message?: string; code?: string; position?: string; detail?: string; hint?: string; where?: string };
  let offset = statement?.start ?? 0;
  const position = Number(pgError.position);
  if (statement && Number.isFinite(position) && position > prefixLength) {
    offset = Math.min(statement.start + position - 1 - prefixLength, statement.end);
  }
  const { line, column } = lineColumn(script.sql, offset);
  const lockTimeout = pgError.code === SQLSTATE.LOCK_NOT_AVAILABLE;
  const lines = [
    `${step.direction === 'down' ? 'rolling back' : 'migration'} ${script.file} failed: ${pgError.message ?? String(error)}`,
    codeFrame(script.file, script.sql, offset),
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

async function blockersFor(connection: Connection, statements: readonly Statement[], schema: string): Promise<Blocker[]> {
  try {
    const relations = new Set<string>();
    for (const statement of statements) for (const relation of await relationsIn(statement.text)) relations.add(relation);
    return await findBlockers(connection, [...relations], schema);
  } catch {
    return [];
  }
}

/**
 * Which statement of a whole-file query an error comes from: the one its position falls in
 * (a character offset, 1-based, into the query sent), or the only one; undefined otherwise.
 */
function statementAt(error: unknown, statements: readonly Statement[], offsets: readonly number[]): number | undefined {
  const position = Number((error as { position?: string }).position);
  if (statements.length === 1) return 0;
  if (!Number.isFinite(position) || position < 1) return undefined;
  for (let i = statements.length - 1; i >= 0; i--) {
    if (offsets[i]! < position) return position - 1 <= offsets[i]! + statements[i]!.text.length ? i : undefined;
  }
  return undefined;
}

/**
 * SQLSTATE classes after which the statements are not run again to find the failing one: a lost
 * connection (08), a deadlock or serialization failure (40: another run could end differently),
 * resources (53), a cancel or timeout (57: running it again takes as long again), system (58, XX).
 */
const NOT_REPLAYED = /^(08|40|53|57|58|XX)/;

/**
 * After an error that does not say where it happened (no position, several statements):
 * run the statements again one per round trip, in a transaction that is always rolled back,
 * until one fails. Undefined when none does (a commit-time or non-repeatable error).
 */
async function findFailing(connection: Connection, prefix: string, statements: readonly Statement[]): Promise<{ statement: Statement; offset: number; error: unknown } | undefined> {
  try {
    for (const [i, statement] of statements.entries()) {
      try {
        await connection.query((i === 0 ? prefix : '') + statement.text);
      } catch (error) {
        return { statement, offset: i === 0 ? prefix.length : 0, error };
      }
    }
    return undefined;
  } finally {
    await connection.query('ROLLBACK').catch(() => {});
  }
}

/**
 * Run one transactional step; returns its attempts.
 *
 * The whole file goes in one round trip (one simple-protocol query: the server runs its
 * statements in order and stops at the first error), and a server error's position says which
 * statement failed. An error without one in a file of several statements is located by running
 * them again one by one (rolled back); after a lock timeout the retries run them one by one, so
 * the wait and the blocking sessions are pinned to a statement. With a statement timeout set, the
 * statements always go one by one: before PostgreSQL 13 the timeout counted for the whole
 * query string.
 */
async function runInTransaction(connection: Connection, step: Step, statements: Statement[], options: ExecuteOptions): Promise<{ attempts: number; durationMs: number }> {
  const script = scriptOf(step);
  const ref = stepRef(step);
  // Every commit but the run's last skips the WAL flush: a crash can then lose only a suffix of
  // migrations, each atomically with its ledger row (they run again). The last commit flushes the
  // WAL, and with it every earlier one, before the run reports success.
  // https://www.postgresql.org/docs/current/wal-async-commit.html
  const durability = options.flushCommit === false ? ' SET LOCAL synchronous_commit = off;' : '';
  const prefix = `BEGIN; ${timeoutSql('LOCAL ', script, options)}${durability}\n`;
  // duration_ms is measured by the server: clock_timestamp() - now() (the transaction's start).
  const ledger = step.direction === 'up' ? options.ledger.recordSql(entryFor(step, undefined, options, 'applied')) : options.ledger.forgetSql(step.migration.version) + ';\n' + rollbackAudit(step, options);
  // A newline first: a statement may end in a -- comment that would swallow the semicolon.
  const separator = '\n;\n';
  const suffix = `${separator}${ledger};\nCOMMIT`;
  let whole = (script.statementTimeoutMs ?? options.statementTimeoutMs) === undefined;
  for (let attempt = 1; ; attempt++) {
    options.onEvent?.({ type: 'migration-started', schema: options.schema, migration: ref, attempt });
    const started = options.now();
    // The failing statement, once known, and where its text starts in the query sent.
    let current: Statement | undefined;
    let offset = 0;
    const sentWhole = whole;
    try {
      if (whole) {
        const offsets: number[] = [];
        let text = prefix;
        for (const [i, statement] of statements.entries()) {
          if (i > 0) text += separator;
          offsets.push(text.length);
          text += statement.text;
        }
        try {
          await connection.query(text + suffix);
        } catch (error) {
          const i = statementAt(error, statements, offsets);
          if (i !== undefined) [current, offset] = [statements[i], offsets[i]!];
          throw error;
        }
      } else {
        for (let i = 0; i < statements.length; i++) {
          current = statements[i]!;
          offset = i === 0 ? prefix.length : 0;
          const last = i === statements.length - 1;
          await connection.query((i === 0 ? prefix : '') + current.text + (last ? suffix : ''));
        }
      }
      return { attempts: attempt, durationMs: options.now() - started };
    } catch (caught) {
      let error = caught;
      await connection.query('ROLLBACK').catch(() => {});
      const code = (error as { code?: string }).code;
      const lockTimeout = code === SQLSTATE.LOCK_NOT_AVAILABLE;
      if (sentWhole && current === undefined && statements.length > 1) {
        if (lockTimeout) whole = false;
        else if (code && !NOT_REPLAYED.test(code)) {
          const found = await findFailing(connection, prefix, statements);
          if (found && (found.error as { code?: string }).code === code) ({ statement: current, offset, error } = found);
        }
      }
      if (!lockTimeout) throw migrationError(error, step, current, offset);
      const blockers = await blockersFor(connection, current ? [current] : statements, options.schema);
      if (attempt > options.lockRetries) throw migrationError(error, step, current, offset, { blockers, attempts: attempt });
      const delayMs = backoff(attempt, options);
      options.onEvent?.({ type: 'migration-retrying', schema: options.schema, migration: ref, attempt, delayMs, blockers });
      await options.sleep(delayMs);
    }
  }
}

/** Run one no-transaction step statement by statement. */
async function runStatementByStatement(connection: Connection, step: Step, statements: Statement[], options: ExecuteOptions): Promise<{ attempts: number; durationMs: number }> {
  const script = scriptOf(step);
  const ref = stepRef(step);
  const started = options.now();
  let attempts = 1;
  options.onEvent?.({ type: 'migration-started', schema: options.schema, migration: ref, attempt: 1 });
  if (step.direction === 'up') {
    await connection.query(options.ledger.recordSql(entryFor(step, 0, options, 'failed', { statement: 0, error: 'started and did not finish (the process ended or lost its connection)' })));
  }
  await connection.query(timeoutSql('', script, options));
  try {
    for (const statement of statements) {
      // CONCURRENTLY waits for every older transaction under lock_timeout too, and a timeout then
      // leaves an INVALID index behind that a retry with IF NOT EXISTS would silently accept.
      // Its SHARE UPDATE EXCLUSIVE lock never queues the app's reads and writes, so it waits
      // without a limit (unless the file sets one) and is never retried.
      const concurrently = statement.needsNoTransaction?.includes('CONCURRENTLY') === true;
      if (concurrently) await connection.query(`SET lock_timeout = ${Math.round(script.lockTimeoutMs ?? 0)}`);
      for (let attempt = 1; ; attempt++) {
        try {
          await connection.query(statement.text);
          break;
        } catch (error) {
          const lockTimeout = (error as { code?: string }).code === SQLSTATE.LOCK_NOT_AVAILABLE;
          const blockers = lockTimeout ? await blockersFor(connection, [statement], options.schema) : undefined;
          if (!lockTimeout || concurrently || attempt > options.lockRetries) {
            const failure = migrationError(error, step, statement, 0, blockers ? { blockers, attempts: attempt } : undefined);
            if (step.direction === 'up') {
              const summary = `${(error as Error).message} (SQLSTATE ${(error as { code?: string }).code ?? '?'})`;
              await connection.query(options.ledger.recordSql(entryFor(step, options.now() - started, options, 'failed', { statement: statement.index + 1, error: summary })));
            }
            throw failure;
          }
          attempts++;
          const delayMs = backoff(attempt, options);
          options.onEvent?.({ type: 'migration-retrying', schema: options.schema, migration: ref, attempt, delayMs, blockers: blockers ?? [] });
          await options.sleep(delayMs);
        }
      }
      if (concurrently) await connection.query(timeoutSql('', script, options));
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
export async function executeStep(connection: Connection, step: Step, statements: Statement[], options: ExecuteOptions): Promise<StepResult> {
  const ref = stepRef(step);
  try {
    const run = scriptOf(step).transaction ? runInTransaction : runStatementByStatement;
    const { attempts, durationMs } = await run(connection, step, statements, options);
    options.onEvent?.({ type: 'migration-finished', schema: options.schema, migration: ref, durationMs, attempts });
    return { migration: ref, durationMs, attempts };
  } catch (error) {
    const failure = error instanceof CutoverError ? error : migrationError(error, step, undefined, 0);
    options.onEvent?.({ type: 'migration-failed', schema: options.schema, migration: ref, error: failure });
    throw failure;
  }
}

