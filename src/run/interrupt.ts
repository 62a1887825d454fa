/**
 * Stopping a run on request (SIGTERM/SIGINT in the CLI, an AbortSignal in the
 * library): the run stops between statements, the statement running is
 * cancelled on the server, the transaction rolls back, the lock is released,
 * the ledger says what happened, and the run fails with INTERRUPTED.
 */
import { CutoverError } from '../errors.js';
import type { Connection } from '../db/session.js';

/**
 * The INTERRUPTED error.
 *
 * @example
 * throw interrupted(signal, 'before 0002_x.sql');
 */
export function interrupted(signal: AbortSignal, where: string, cause?: unknown): CutoverError {
  const reason = typeof signal.reason === 'string' ? signal.reason : 'an abort';
  return new CutoverError('INTERRUPTED', `stopped by ${reason} ${where}`, {
    hint: 'Nothing is wrong with your files. A transactional migration that was running was rolled back; a no-transaction one is recorded as failed at the statement it reached (see `cutover status`). Run again to continue.',
    details: { signal: reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Throw INTERRUPTED if the run was asked to stop. */
export function stopIfAsked(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw interrupted(signal, where);
}

/**
 * Run one statement; if the stop comes while it runs, cancel it on the server.
 * A statement that failed after the stop is reported as INTERRUPTED.
 *
 * @example
 * await cancellable(connection, options.signal, 'in 0002_x.sql', () => connection.query(sql));
 */
export async function cancellable<T>(connection: Connection, signal: AbortSignal | undefined, where: string, run: () => Promise<T>): Promise<T> {
  if (!signal) return run();
  stopIfAsked(signal, where);
  const cancel = () => void connection.cancel?.();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    return await run();
  } catch (error) {
    throw signal.aborted ? interrupted(signal, where, error) : error;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
