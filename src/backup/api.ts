/**
 * The library's front door for backups: `backup`, `restore`, with a URL,
 * wired to the Node edge (node.ts). Nothing here decides anything.
 */
import { targetSchema, connectorFor, readMigrations, resolveRun, type MigrationsOptions, type RunOptions } from '../target/index.js';
import type { BundledFile } from '../migrations/bundle.js';
import { rehearse, type RehearseReport } from './rehearse.js';
import { copySchemas, type CopyReport } from './copy.js';
import { takeBackup, type BackupDeps, type BackupReport } from './backup.js';
import type { SchemaSelection } from './catalog.js';
import { nodeBackupFiles, nodeProcessRunner, packageVersion } from './node.js';
import type { BackupFiles, OnBackupProgress, ProcessRunner } from './ports.js';
import { restoreBackup, type RestoreReport } from './restore.js';
import { findBackup, listBackups, type StoredBackup } from './store.js';
import { findInvalidIndexes, rebuildInvalidIndexes, type InvalidIndex, type RebuildReport } from './invalid-indexes.js';

/** The default backup directory. */
export const DEFAULT_BACKUP_DIR = '.cutover/backups';

/** Where the client programs are and how they are run. */
export interface ToolOptions {
  /** Directory of pg_dump / pg_restore / psql (`--pg-bin` / `PG_BIN`); default: PATH, then /usr/lib/postgresql/<major>/bin. */
  pgBin?: string | undefined;
  /** The environment the programs run with (PATH …); default: this process's. */
  env?: Record<string, string | undefined>;
  /** Ports, for tests and embedding: how programs run and files are written. */
  runner?: ProcessRunner;
  files?: BackupFiles;
  clock?: () => Date;
  /** Told as each step of a backup, restore or copy starts (a schema's dump, …), and at the end. */
  onProgress?: OnBackupProgress;
}

/** Build the dependencies of a backup-side call from a URL. */
export function backupDeps(url: string, schema: string, command: string, options: ToolOptions & { cutoverVersion?: string }): BackupDeps {
  return {
    connector: connectorFor({ url, schema }, command),
    url,
    runner: options.runner ?? nodeProcessRunner(options.env ?? process.env),
    files: options.files ?? nodeBackupFiles,
    now: options.clock ?? (() => new Date()),
    cutoverVersion: options.cutoverVersion ?? packageVersion(),
    onProgress: options.onProgress,
  };
}

/** Options of {@link backup}. */
export interface BackupApiOptions extends ToolOptions {
  url: string;
  /** One schema (default `public`) … */
  schema?: string;
  /** … or several, or `'all'` (every user schema of the database), or `{ list: 'tenant_*,audit' }` (names and globs, as `--schemas` reads them). */
  schemas?: SchemaSelection;
  /** Directory for dumps and manifests (default `.cutover/backups`). */
  out?: string;
  /** Keep only the newest N backups of each database and schema. */
  keep?: number;
  /** Skip schemas that do not exist instead of failing. */
  missingOk?: boolean;
  cutoverVersion?: string;
}

/**
 * Back up schemas: a custom-format pg_dump each, with a manifest.
 *
 * @example
 * import { backup } from 'cutover';
 * const { backups } = await backup({ url: process.env.DATABASE_URL, schema: 'tenant_42', keep: 7 });
 */
export function backup(options: BackupApiOptions): Promise<BackupReport> {
  const schema = targetSchema(options);
  return takeBackup(backupDeps(options.url, schema, 'backup', options), {
    schemas: options.schemas ?? [schema], out: options.out ?? DEFAULT_BACKUP_DIR, keep: options.keep, pgBin: options.pgBin, missingOk: options.missingOk === true,
  });
}

/** Options of {@link restore}. */
export interface RestoreApiOptions extends ToolOptions {
  url: string;
  /** A manifest (.json) or dump (.dump) path, or a backup id in `dir`. */
  backup: string;
  /** Where ids are looked up (default `.cutover/backups`). */
  dir?: string;
  /** Drop the previous schema once the restored one is in place (default: keep it under a dated name). */
  dropOld?: boolean;
  lockWaitMs?: number;
}

/**
 * Restore a backup's schema: checked, restored beside the live one,
 * verified, then swapped in one transaction.
 *
 * @example
 * import { restore } from 'cutover';
 * await restore({ url: process.env.DATABASE_URL, backup: '.cutover/backups/20260301T120000123Z_app_public.json' });
 */
export async function restore(options: RestoreApiOptions): Promise<RestoreReport> {
  const files = options.files ?? nodeBackupFiles;
  const found = await findBackup(files, options.backup, options.dir ?? DEFAULT_BACKUP_DIR);
  const deps = backupDeps(options.url, found.manifest.schema, 'restore', { ...options, files });
  return restoreBackup(deps, found, { dropOld: options.dropOld === true, pgBin: options.pgBin, lockWaitMs: options.lockWaitMs });
}

/**
 * The backups in a directory, newest first.
 *
 * @example
 * const backups = await listBackupsIn('.cutover/backups');
 */
export async function listBackupsIn(dir: string = DEFAULT_BACKUP_DIR, files: BackupFiles = nodeBackupFiles): Promise<StoredBackup[]> {
  return (await listBackups(files, dir)).sort((a, b) => (a.manifest.createdAt < b.manifest.createdAt ? 1 : -1));
}

/**
 * The invalid indexes of a schema (left by a failed CREATE INDEX CONCURRENTLY).
 *
 * @example
 * const invalid = await invalidIndexes({ url, schema: 'public' });
 */
export async function invalidIndexes(options: { url: string; schema?: string }): Promise<InvalidIndex[]> {
  const schema = targetSchema(options);
  const connection = await connectorFor({ url: options.url, schema }, 'status').connect();
  try {
    return await findInvalidIndexes(connection, schema);
  } finally {
    await connection.close();
  }
}

/**
 * Drop and rebuild a schema's invalid indexes concurrently.
 *
 * @example
 * await rebuildIndexes({ url, schema: 'public' });
 */
export function rebuildIndexes(options: { url: string; schema?: string; lockWaitMs?: number }): Promise<RebuildReport> {
  const schema = targetSchema(options);
  return rebuildInvalidIndexes(connectorFor({ url: options.url, schema }, 'resolve'), { schema, lockWaitMs: options.lockWaitMs });
}

/** Options of {@link rehearseMigrations}. */
export interface RehearseApiOptions extends ToolOptions, MigrationsOptions, Omit<RunOptions, 'to' | 'phase'> {
  url: string;
  schema?: string;
  scratchUrl?: string;
  schemaOnly?: boolean;
  keep?: boolean;
  /** The old code's queries; default: pg_stat_statements of the source when available. */
  queries?: string[];
}

/**
 * Rehearse the pending migrations on a copy of the schema, with a
 * per-migration report, the schema diff and the old-code check. Rejects
 * with REHEARSAL_FAILED (exit 3, `report` attached) when a migration fails
 * or an old query breaks.
 *
 * @example
 * import { rehearseMigrations } from 'cutover';
 * const report = await rehearseMigrations({ url: process.env.DATABASE_URL, schemaOnly: true });
 */
export function rehearseMigrations(options: RehearseApiOptions): Promise<RehearseReport> {
  const { url, schema = targetSchema(options), scratchUrl, schemaOnly, keep, queries, pgBin, env, runner, files, clock, dir, migrations, format, onDetect, ledger } = options;
  return rehearse({
    url,
    connect: (target, pinned) => connectorFor({ url: target, ...(pinned === undefined ? {} : { schema: pinned }) }, 'rehearse'),
    runner: runner ?? nodeProcessRunner(env ?? process.env),
    files: files ?? nodeBackupFiles,
    now: clock ?? (() => new Date()),
  }, {
    schema, migrations: readMigrations({ dir, migrations, format, onDetect, ledger }),
    scratchUrl, schemaOnly: schemaOnly === true, keep: keep === true, queries, pgBin, run: resolveRun({ ...options, to: undefined, phase: undefined }),
  });
}

/** Options of {@link copy}. */
export interface CopyApiOptions extends ToolOptions {
  from: string;
  to: string;
  /** Schemas to copy (default: every user schema): names, `'all'`, or `{ list: 'tenant_*,audit' }` (as `--schemas` reads it). */
  schemas?: SchemaSelection;
  noOwner?: boolean;
}

/**
 * Copy schemas to another server (a major upgrade by dump and reload) and
 * verify ledger, tables and row counts. Rejects with COPY_MISMATCH (exit 3)
 * when they differ.
 *
 * @example
 * import { copy } from 'cutover';
 * await copy({ from: 'postgres://app@old-db/app', to: 'postgres://app@new-db/app' });
 */
export function copy(options: CopyApiOptions): Promise<CopyReport> {
  return copySchemas({
    connect: (target, pinned) => connectorFor({ url: target, ...(pinned === undefined ? {} : { schema: pinned }) }, 'copy'),
    runner: options.runner ?? nodeProcessRunner(options.env ?? process.env),
    files: options.files ?? nodeBackupFiles,
    now: options.clock ?? (() => new Date()),
    onProgress: options.onProgress,
  }, { from: options.from, to: options.to, schemas: options.schemas ?? 'all', noOwner: options.noOwner === true, pgBin: options.pgBin });
}
