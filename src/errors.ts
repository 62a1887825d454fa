/**
 * Errors. Every failure cutover reports is a {@link CutoverError}: a stable
 * `code` (documented in docs/errors.md), the facts as fields, the original
 * `cause`, and a `hint` that says what to do next. Front ends decide exit
 * codes from {@link exitCodeFor}, never from message text.
 */

import type { MigrateReport } from './run/migrate.js';
import { isConnectionLost } from './db/connection-lost.js';

/** Exit codes (DESIGN §1 "Command line"). */
export const EXIT = { ok: 0, runtime: 1, input: 2, check: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Every error code cutover raises, with the exit code it maps to.
 * Input errors (2) are found before the database is touched.
 */
export const ERROR_CODES = {
  // bad input: found before touching the database
  USAGE: EXIT.input,
  CONFIG: EXIT.input,
  INVALID_URL: EXIT.input,
  NO_DATABASE: EXIT.input,
  DIR_MISSING: EXIT.input,
  BAD_FILENAME: EXIT.input,
  NOT_A_FILE: EXIT.input,
  DUPLICATE_VERSION: EXIT.input,
  MISSING_DOWN: EXIT.input,
  MISSING_UP: EXIT.input,
  EMPTY_FILE: EXIT.input,
  NOT_UTF8: EXIT.input,
  CONTROL_CHARACTER: EXIT.input,
  BAD_SECTIONS: EXIT.input,
  MIXED_LAYOUT: EXIT.input,
  BAD_JOURNAL: EXIT.input,
  BAD_METADATA: EXIT.input,
  PLACEHOLDER: EXIT.input,
  UNKNOWN_DIRECTIVE: EXIT.input,
  BAD_DIRECTIVE: EXIT.input,
  SYNTAX_ERROR: EXIT.input,
  PARSE_LIMIT: EXIT.input,
  TRANSACTION_CONTROL: EXIT.input,
  NEEDS_NO_TRANSACTION: EXIT.input,
  UNKNOWN_VERSION: EXIT.input,
  NOTHING_TO_RESOLVE: EXIT.input,
  EMBEDDED_MISSING: EXIT.input,
  UNKNOWN_RULE: EXIT.input,
  NO_TARGETS: EXIT.input,
  TARGET_QUERY: EXIT.input,
  SCHEMA_NOT_FOUND: EXIT.input,
  BACKUP_NOT_FOUND: EXIT.input,
  BACKUP_CORRUPT: EXIT.input,
  CONFIRMATION_REQUIRED: EXIT.input,
  HISTORY_NOT_FOUND: EXIT.input,
  COMBINED_UP_DOWN: EXIT.input,
  // cutover.sum: the directory against its recorded hashes, before any database
  SUM_CORRUPT: EXIT.input,
  SUM_EDITED: EXIT.input,
  SUM_OLDER_THAN_NEWEST: EXIT.input,
  SUM_DELETED: EXIT.input,
  SUM_UNRECORDED: EXIT.input,
  NO_COMMAND: EXIT.input,
  NOTES_UNKNOWN_REF: EXIT.input,
  NOTES_REVERSED_RANGE: EXIT.input,
  MIGRATION_EDITED_IN_RANGE: EXIT.input,
  MIGRATION_REMOVED_IN_RANGE: EXIT.input,
  BAD_APP_VERSION: EXIT.input,
  EMBEDDED_FAILED: EXIT.runtime,
  // history problems: found after reading the ledger
  CHECKSUM_MISMATCH: EXIT.runtime,
  MISSING_ON_DISK: EXIT.runtime,
  OUT_OF_ORDER: EXIT.runtime,
  UNRESOLVED_FAILURE: EXIT.runtime,
  PHASE_ORDER: EXIT.runtime,
  NOT_REVERSIBLE: EXIT.runtime,
  OTHER_LEDGER: EXIT.runtime,
  // adopt: the other tool's history does not allow taking it over as it is
  HISTORY_DIRTY: EXIT.runtime,
  HISTORY_WITHOUT_FILE: EXIT.runtime,
  HISTORY_EDITED: EXIT.runtime,
  ADOPT_CONFLICT: EXIT.runtime,
  // run time
  CONNECTION: EXIT.runtime,
  CONNECTION_LOST: EXIT.runtime,
  INTERRUPTED: EXIT.runtime,
  INVALID_INDEX: EXIT.runtime,
  AUTHENTICATION: EXIT.runtime,
  PERMISSION: EXIT.runtime,
  LOCK_WAIT_TIMEOUT: EXIT.runtime,
  LOCK_TIMEOUT: EXIT.runtime,
  MIGRATION_FAILED: EXIT.runtime,
  DATABASE: EXIT.runtime,
  INSTANCES_BEHIND: EXIT.runtime,
  SCHEMA_WAIT_TIMEOUT: EXIT.runtime,
  UPGRADE_FAILED: EXIT.runtime,
  FLEET_FAILED: EXIT.runtime,
  CANARY_FAILED: EXIT.runtime,
  PG_DUMP_MISSING: EXIT.runtime,
  PG_DUMP_TOO_OLD: EXIT.runtime,
  BACKUP_EXISTS: EXIT.runtime,
  BACKUP_FAILED: EXIT.runtime,
  RESTORE_FAILED: EXIT.runtime,
  COPY_FAILED: EXIT.runtime,
  // `cutover exec` exits 127 / 126 for these, as a shell does
  COMMAND_NOT_FOUND: EXIT.runtime,
  COMMAND_NOT_EXECUTABLE: EXIT.runtime,
  // checks
  CHECK_FAILED: EXIT.check,
  REHEARSAL_FAILED: EXIT.check,
  COPY_MISMATCH: EXIT.check,
  LINT_FAILED: EXIT.check,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Options shared by every {@link CutoverError}. */
export interface CutoverErrorOptions {
  /** What to do next, one sentence. */
  hint?: string;
  /** The underlying error (a pg error, an fs error …). */
  cause?: unknown;
  /** Facts: file, line, version, sqlstate … (shown in `--json`). */
  details?: Record<string, unknown>;
}

/**
 * The one error class. Tests assert `code` and `details`, not prose.
 * `Report` is the type of the partial report a failed run carries: `migrate`,
 * `plan` and `rollback`'s by default; the fleet, `upgrade`, `copy` … name theirs.
 *
 * @example
 * throw new CutoverError('EMPTY_FILE', '0001_init.sql is empty', {
 *   hint: 'Write the migration or delete the file.',
 *   details: { file: '0001_init.sql' },
 * });
 */
export class CutoverError<Report = MigrateReport> extends Error {
  override readonly name = 'CutoverError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;
  /**
   * The partial report of the run that failed, when there was one: what was applied before the
   * failure, what was planned, the lint findings … (`error.report?.applied`).
   */
  report?: Report;

  constructor(code: ErrorCode, message: string, options: CutoverErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  /** The process exit code this error maps to. */
  get exitCode(): ExitCode {
    return ERROR_CODES[this.code];
  }

  /** A plain object for `--json` output (passwords are never in it). */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, ...this.details };
  }
}

/**
 * Several input problems found in one pass (every bad file is named at once,
 * not only the first). `errors` holds each one; the exit code is theirs.
 */
export class CutoverErrors extends CutoverError {
  readonly errors: CutoverError[];
  constructor(errors: CutoverError[]) {
    const first = errors[0]!;
    super(first.code, errors.length === 1 ? first.message : `${errors.length} problems:\n` + errors.map((e) => `- ${e.message}`).join('\n'), {
      hint: first.hint,
      cause: first.cause,
      details: { ...first.details, problems: errors.map((e) => e.toJSON()) },
    });
    this.errors = errors;
  }
}

/** Throw every problem collected, or nothing. */
export function throwAll(errors: CutoverError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CutoverErrors(errors);
}

/**
 * Turn a Postgres error raised outside a migration (reading the ledger, a
 * dropped connection …) into a DATABASE error with its SQLSTATE; anything
 * else is returned unchanged. The original is kept as `cause`, not mutated.
 */
export function asCutoverError(error: unknown): unknown {
  if (error instanceof CutoverError) return error;
  const e = error as { code?: unknown; severity?: unknown; message?: string; detail?: string };
  if (isConnectionLost(error)) return connectionLost(error);
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && e.severity !== undefined) {
    return new CutoverError('DATABASE', `the database refused: ${e.message}${e.detail ? ` (${e.detail})` : ''} (SQLSTATE ${e.code})`, {
      hint: 'Check the server log and the role\'s privileges; nothing further was done.',
      details: { sqlstate: e.code },
      cause: error,
    });
  }
  return error;
}

/**
 * The session went away (a server restart, `pg_terminate_backend`, a broken
 * socket: src/db/connection-lost.ts decides), during `doing` if given.
 * Nothing is wrong with the input; the hint says what a rerun does.
 *
 * @example
 * throw connectionLost(error, { doing: 'running 0002_index.sql', hint: 'Run again.' });
 */
export function connectionLost(cause: unknown, context: { doing?: string; hint?: string; details?: Record<string, unknown> } = {}): CutoverError {
  if (cause instanceof CutoverError && cause.code === 'CONNECTION_LOST' && context.doing === undefined) return cause;
  const inner = cause instanceof CutoverError && cause.code === 'CONNECTION_LOST' ? cause.cause : cause;
  const e = inner as { code?: unknown; message?: string };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return new CutoverError('CONNECTION_LOST', `lost the connection to the database${context.doing ? ` while ${context.doing}` : ''}: ${e?.message ?? String(inner)}${code ? ` (${code})` : ''}. Nothing is wrong with your files; run again`, {
    hint: context.hint ?? 'The server restarted, or the session was ended (pg_terminate_backend). Run again once the server is up: what was cut off was rolled back or is recorded as not finished.',
    details: { ...(code ? (/^E/.test(code) ? { errno: code } : { sqlstate: code }) : {}), ...context.details },
    cause: inner,
  });
}

/** The exit code for anything thrown: CutoverErrors map by code, anything else is 1. */
export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof CutoverError ? error.exitCode : EXIT.runtime;
}
