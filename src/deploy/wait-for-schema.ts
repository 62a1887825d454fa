/**
 * Wait for the schema instead of migrating: replicas that must not migrate
 * themselves (a separate migration Job, many replicas) poll the ledger —
 * no lock taken, nothing written — until it has every pre migration their
 * code needs. The database not being up yet is part of waiting (Compose
 * may start the app first), so connection errors are retried until the
 * timeout.
 */
import { CutoverError } from '../errors.js';
import { formatDuration } from '../duration.js';
import { readLedger, type LedgerKind } from '../db/ledger.js';
import { resolveClock, targetLedger } from '../target/index.js';
import type { Connection, Connector } from '../db/session.js';
import type { Migration } from '../migrations/types.js';
import { schemaState, type SchemaState } from './schema-state.js';

/** Options of {@link waitForSchemaOn}. */
export interface WaitForSchemaOptions {
  schema: string;
  /** The history table (default cutover's own; `sqlx`: docs/sqlx-ledger.md). */
  ledger?: LedgerKind;
  /** Needed: every pre migration up to this version (default: all of the set's pre migrations). */
  atLeast?: string;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Look again this often (default 1 s). */
  pollMs?: number;
  /** Progress, once per poll while not ready. */
  onProgress?: (progress: { waitedMs: number; state?: SchemaState; error?: string }) => void;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  now?: (() => number) | undefined;
}

/** What waiting found. */
export interface WaitForSchemaReport {
  schema: string;
  waitedMs: number;
  state: SchemaState;
}

/**
 * Poll until the schema is ready for this code, or throw SCHEMA_WAIT_TIMEOUT.
 *
 * @example
 * await waitForSchemaOn(connector, migrations, { schema: 'public', timeoutMs: 120_000 });
 */
export async function waitForSchemaOn(connector: Connector, migrations: readonly Migration[] | undefined, options: WaitForSchemaOptions): Promise<WaitForSchemaReport> {
  const { now, sleep } = resolveClock(options);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = now();
  let connection: Connection | undefined;
  let state: SchemaState | undefined;
  let lastError: string | undefined;
  try {
    for (;;) {
      try {
        connection ??= await connector.connect();
        state = schemaState(migrations, (await readLedger(connection, options.schema, { kind: targetLedger(options), migrations })) ?? [], options.atLeast);
        lastError = undefined;
        if (state.ready) return { schema: options.schema, waitedMs: now() - started, state };
      } catch (error) {
        if (error instanceof CutoverError && !['CONNECTION', 'CONNECTION_LOST', 'DATABASE'].includes(error.code)) throw error;
        lastError = (error as Error).message;
        await connection?.close(true);
        connection = undefined;
      }
      const waited = now() - started;
      if (waited >= timeoutMs) throw timeoutError(options.schema, waited, state, lastError);
      options.onProgress?.({ waitedMs: waited, ...(state ? { state } : {}), ...(lastError ? { error: lastError } : {}) });
      await sleep(Math.max(1, Math.min(options.pollMs ?? 1000, timeoutMs - waited)));
    }
  } finally {
    await connection?.close();
  }
}

function timeoutError(schema: string, waitedMs: number, state: SchemaState | undefined, lastError: string | undefined): CutoverError {
  const why = !state
    ? `the database was not reachable (${lastError ?? 'no answer'})`
    : [
      state.missing.length ? `missing ${state.missing.join(', ')}` : '',
      state.failed.length ? `failed ${state.failed.join(', ')}` : '',
    ].filter(Boolean).join('; ');
  return new CutoverError('SCHEMA_WAIT_TIMEOUT', `schema "${schema}" was not ready after ${formatDuration(waitedMs)}: ${why}`, {
    hint: state?.failed.length
      ? 'A migration failed: see `cutover status`, fix it and `cutover resolve` it; then the migration Job can finish.'
      : 'Is the migration step (Job, `cutover migrate --phase pre`) running, and does it target this schema? Raise --timeout if it is slow.',
    details: { schema, waitedMs, missing: state?.missing ?? [], failed: state?.failed ?? [], ...(lastError ? { lastError } : {}) },
  });
}
