/**
 * The options every library call takes to name its target: where the database is
 * (`url` or `pool`), the schema, and where the migrations come from; and those of a run:
 * its timeouts and its clock. Each is optional: src/target/resolve.ts applies the defaults
 * (from the settings table), once.
 */
import type { PoolLike } from '../db/pg.js';
import type { LedgerKind } from '../db/ledger.js';
import type { BundledFile } from '../migrations/bundle.js';
import type { DirectoryOptions } from '../migrations/directory.js';
import type { LoadOptions } from '../migrations/load.js';
import type { FormatOption } from '../migrations/formats/types.js';
import type { PlanOptions } from '../plan/types.js';
import type { OnEvent } from '../run/events.js';

/** Where the database is and which migrations to use. */
export interface TargetOptions {
  /** A connection URL (postgres://…). */
  url?: string;
  /** Or a pool: one client is checked out for the whole run. */
  pool?: PoolLike;
  /** Target schema (default `public`): the ledger lives there and search_path is pinned to it. */
  schema?: string;
  /** Migrations directory (default `./migrations`). */
  dir?: string;
  /** Or bundled migrations (from `cutover bundle`), for a container without the folder. */
  migrations?: readonly BundledFile[];
  /** The layout of `dir` or `migrations`: `auto` (default) or a tool's (docs/formats.md). */
  format?: FormatOption;
  /** Told which layout `auto` chose, and why. */
  onDetect?: LoadOptions['onDetect'];
  /** Told of each file the layout's tool skips, and each migration in another language that cutover cannot run. */
  onNotice?: LoadOptions['onNotice'];
  /** Told each symbolic link in `dir` that is followed, and the file it resolves to. */
  onLink?: DirectoryOptions['onLink'];
  /**
   * The history table: `cutover` (default, `cutover_migrations`) or `sqlx`
   * (`_sqlx_migrations`, read and written as sqlx does, shared with a Rust
   * service running `sqlx::migrate!`: docs/sqlx-ledger.md).
   */
  ledger?: LedgerKind;
  /** Shown in pg_stat_activity (default `cutover`). */
  applicationName?: string;
}

/** Where migrations come from: a directory or a bundle, and its layout. */
export type MigrationsOptions = Pick<TargetOptions, 'dir' | 'migrations' | 'format' | 'onDetect' | 'onNotice' | 'onLink' | 'ledger'>;

/** How long a run may wait, and how it retries after a lock timeout (docs/locking.md). */
export interface TimeoutOptions {
  /** Bound on waiting for another run's migration lock (ms); default: no bound. */
  lockWaitMs?: number | undefined;
  /** lock_timeout of each migration transaction (ms): the retry schedule's ceiling (default 500). */
  lockTimeoutMs?: number | undefined;
  /** statement_timeout of migrations (ms); default: the server's. */
  statementTimeoutMs?: number | undefined;
  /** Retries of a migration after a lock timeout (default 40). */
  lockRetries?: number | undefined;
  /** The first sleep after a lock timeout (ms, default 50); it doubles after each … */
  retryDelayMs?: number | undefined;
  /** … up to this cap (ms, default 10000). */
  retryDelayMaxMs?: number | undefined;
}

/** The clock a call measures and waits with (default: the real one); tests pass their own. */
export interface ClockOptions {
  now?: (() => number) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** Options of a run on one schema: what to run, how long to wait, who is recorded. */
export interface RunOptions extends PlanOptions, TimeoutOptions, ClockOptions {
  /** The history table: cutover's own (default) or sqlx's `_sqlx_migrations`, shared with sqlx (docs/sqlx-ledger.md). */
  ledger?: LedgerKind | undefined;
  /** Recorded in the ledger's applied_by (default: `user@host`). */
  appliedBy?: string | undefined;
  /**
   * Stop the run: between statements, cancelling the one running; the lock is released and the
   * ledger says what happened; the run fails with INTERRUPTED (the CLI's SIGTERM/SIGINT).
   */
  signal?: AbortSignal | undefined;
  onEvent?: OnEvent | undefined;
}
