/**
 * `healthHandler({ url | pool, schema, dir | migrations, appVersion })`: the
 * health endpoint in the library's usual options. With a URL it keeps a
 * small pool of its own (two connections, closed by `close()`).
 */
import { pgModule } from '../db/pg-module.js';
import { clientConfig } from '../db/pg.js';
import { CutoverError } from '../errors.js';
import { targetSchema, readMigrations, type TargetOptions } from '../target/index.js';
import type { Session } from '../db/session.js';
import { createHealthHandler, type HealthHandler } from './handler.js';

/** Options of {@link healthHandler}. */
export interface HealthHandlerOptions extends Omit<TargetOptions, 'pool'> {
  /** A pool to query through (a pg.Pool): its connections are used and given back, not changed. */
  pool?: Session;
  appVersion?: string | null;
  /** Needed: pre migrations up to this version (default: every pre migration in the set). */
  atLeast?: string;
  /** Report post migrations pending longer than this, in ms (default 24 h). */
  postPendingWarnMs?: number;
  /** Told the full error of a failed check (the response names only its code). */
  onError?: (error: unknown) => void;
}

/**
 * The health handler, plus `close()` for the pool it opened.
 *
 * @example
 * import { healthHandler } from 'cutover';
 * const health = healthHandler({ url: process.env.DATABASE_URL, dir: 'migrations', appVersion: '2.0.0' });
 * app.get('/health', health); // Express
 */
export function healthHandler(options: HealthHandlerOptions): HealthHandler & { close(): Promise<void> } {
  if (!options.url && !options.pool) {
    throw new CutoverError('CONFIG', 'healthHandler needs `url` or `pool`', { hint: 'For example healthHandler({ url: process.env.DATABASE_URL, dir: "migrations" }).', details: { setting: 'url' } });
  }
  const own = options.pool ? undefined : new (pgModule().Pool)({ ...clientConfig(options.url!), max: 2, idleTimeoutMillis: 10_000, application_name: options.applicationName ?? 'cutover health' });
  own?.on('error', () => {}); // an idle client's error: the next check reports the database as unreachable
  const migrations = options.dir !== undefined || options.migrations !== undefined ? readMigrations(options) : undefined;
  migrations?.catch(() => {});
  const handler = createHealthHandler({
    session: options.pool ?? own!, schema: targetSchema(options), appVersion: options.appVersion ?? null,
    onError: options.onError, migrations, postPendingWarnMs: options.postPendingWarnMs,
    ...(options.atLeast ? { atLeast: options.atLeast } : {}), ...(options.ledger ? { ledger: options.ledger } : {}),
  }) as HealthHandler & { close(): Promise<void> };
  handler.close = async () => { await own?.end(); };
  return handler;
}
