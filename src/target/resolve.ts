/**
 * One function turns a library call's options into its resolved target: the connector,
 * the schema, the ledger, the migration source, who applies, the timeouts and the clock.
 * Every default comes from the settings table (src/config/settings.ts) and is applied here,
 * nowhere else below the front doors. graphile-migrate's `parseSettings` is the shape.
 */
import { hostname, userInfo } from 'node:os';
import { CutoverError } from '../errors.js';
import { LIBRARY_DEFAULTS, SETTINGS } from '../config/settings.js';
import { pgConnector } from '../db/pg.js';
import type { LedgerKind } from '../db/ledger.js';
import type { Connector } from '../db/session.js';
import { bundleSource } from '../migrations/bundle.js';
import { directorySource } from '../migrations/directory.js';
import { loadMigrations } from '../migrations/load.js';
import type { Migration } from '../migrations/types.js';
import type { Clock, RunSettings, Timeouts } from '../run/context.js';
import type { ClockOptions, MigrationsOptions, RunOptions, TargetOptions, TimeoutOptions } from './options.js';
import { targetDir, targetLedger, targetSchema } from './schema.js';
import { systemClock } from '../clock.js';

/** A library call's target, every default applied. */
export interface Target {
  connector: Connector;
  /** The schema: the ledger lives there and search_path is pinned to it. */
  schema: string;
  ledger: LedgerKind;
  /** Recorded as applied_by / by. */
  by: string;
  timeouts: Timeouts;
  clock: Clock;
}

/**
 * Resolve a library call's options (`command` names it in pg_stat_activity).
 *
 * @example
 * const { connector, schema } = resolveTarget({ url: process.env.DATABASE_URL }, 'migrate');
 */
export function resolveTarget(options: TargetOptions & TimeoutOptions & ClockOptions & { by?: string | undefined }, command: string): Target {
  return {
    connector: connectorFor(options, command), schema: targetSchema(options), ledger: targetLedger(options), by: options.by ?? whoAmI(),
    timeouts: resolveTimeouts(options), clock: resolveClock(options),
  };
}

/**
 * A run's settings, every default applied: the ledger, who is recorded, the timeouts, the clock
 * (the plan's options, the signal and the listener pass as given).
 *
 * @example
 * const run = { ...resolveRun({ lockTimeoutMs: 2000 }), schema: 'public' };
 */
export function resolveRun(options: RunOptions): RunSettings {
  const { phase, to, strict, allowOutOfOrder, signal, onEvent } = options;
  return {
    phase, to, strict, allowOutOfOrder, signal, onEvent,
    ledger: targetLedger(options), appliedBy: options.appliedBy ?? whoAmI(), timeouts: resolveTimeouts(options), clock: resolveClock(options),
  };
}

/**
 * Timeouts with the settings table's defaults (lock_timeout, retries, the retry schedule).
 *
 * @example
 * resolveTimeouts({}).lockTimeoutMs; // 500
 */
export function resolveTimeouts(options: TimeoutOptions): Timeouts {
  return {
    lockWaitMs: options.lockWaitMs,
    lockTimeoutMs: options.lockTimeoutMs ?? SETTINGS.lockTimeout.default,
    statementTimeoutMs: options.statementTimeoutMs,
    lockRetries: options.lockRetries ?? SETTINGS.lockRetries.default,
    retryDelayMs: options.retryDelayMs ?? LIBRARY_DEFAULTS.retryDelayMs,
    retryDelayMaxMs: options.retryDelayMaxMs ?? LIBRARY_DEFAULTS.retryDelayMaxMs,
  };
}

/**
 * The clock given, else the real one.
 *
 * @example
 * const { now, sleep } = resolveClock({});
 */
export function resolveClock(options: ClockOptions): Clock {
  return { now: options.now ?? systemClock.now, sleep: options.sleep ?? systemClock.sleep };
}

/** The connector for a library call: a URL or a pool, search_path pinned to its schema. */
export function connectorFor(options: TargetOptions, command: string): Connector {
  if (!options.url && !options.pool) {
    throw new CutoverError('CONFIG', 'no database given: pass `url` or `pool`', {
      hint: 'For example migrate({ url: process.env.DATABASE_URL }). On the command line: --url, DATABASE_URL, PG* or .env (without them, at a terminal, the embedded dev database).',
    });
  }
  return pgConnector({ url: options.url, pool: options.pool, schema: targetSchema(options), applicationName: options.applicationName ?? `cutover ${command}` });
}

/**
 * Read the migration set from `migrations` or `dir`, in the layout `format` (default `auto`), with
 * the checksums `ledger` keeps. `sum: true` (what `migrate`, `plan` and `rollback` ask) also checks
 * a directory against its `cutover.sum`, when it has one.
 *
 * @example
 * const migrations = await readMigrations({ dir: 'db/migrations' });
 */
export function readMigrations(options: MigrationsOptions, check: { sum?: boolean } = {}): Promise<Migration[]> {
  const source = options.migrations ? bundleSource(options.migrations) : directorySource(targetDir(options), { onLink: options.onLink });
  return loadMigrations(source, {
    format: options.format ?? SETTINGS.format.default, onDetect: options.onDetect, onNotice: options.onNotice,
    checksum: options.ledger === 'sqlx' ? 'sqlx' : 'cutover', sum: check.sum === true && !options.migrations,
  });
}

/**
 * `user@host`, recorded as applied_by.
 *
 * @example
 * whoAmI(); // 'deploy@web-1'
 */
export function whoAmI(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `cutover@${hostname()}`;
  }
}
