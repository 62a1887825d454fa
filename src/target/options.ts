/**
 * The options every library call takes to name its target: where the database is
 * (`url` or `pool`), the schema, and where the migrations come from.
 */
import type { PoolLike } from '../db/pg.js';
import type { LedgerKind } from '../db/ledger.js';
import type { BundledFile } from '../migrations/bundle.js';
import type { DirectoryOptions } from '../migrations/directory.js';
import type { LoadOptions } from '../migrations/load.js';
import type { FormatOption } from '../migrations/formats/types.js';

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
