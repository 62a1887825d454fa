/**
 * The library's `rollbackWithBackup`: `rollback` with down files, else a restore of the
 * newest fitting backup. A library call (it composes `rollback` with src/backup), so it
 * lives with the calls, and src/backup imports nothing from them.
 */
import { CutoverError } from '../errors.js';
import { backupDeps, DEFAULT_BACKUP_DIR, type ToolOptions } from '../backup/api.js';
import type { RestoreReport } from '../backup/restore.js';
import { rollbackFromBackup } from '../backup/rollback.js';
import type { StoredBackup } from '../backup/store.js';
import type { MigrateReport } from '../run/migrate.js';
import { targetSchema } from '../target/index.js';
import { rollback, type MigrateOptions } from './migrate.js';

/** Options of {@link rollbackWithBackup}. */
export interface RollbackWithBackupOptions extends Omit<MigrateOptions, 'env'>, ToolOptions {
  url: string;
  to: string;
  dryRun?: boolean;
  /** Where to look for a backup when down files are missing (default `.cutover/backups`). */
  backupDir?: string;
  /** Asked before restoring a backup (default: refuse). */
  confirm?: (backup: StoredBackup, ageMs: number) => Promise<boolean>;
  dropOld?: boolean;
}

/** What {@link rollbackWithBackup} did: ran down files, or restored a backup. */
export type RollbackOutcome =
  | { via: 'down'; report: MigrateReport }
  | { via: 'backup'; backup: StoredBackup['manifest']; restore: RestoreReport };

/**
 * Roll back to `to` with down files when every one exists; otherwise with
 * the newest backup whose ledger stops at `to`, after `confirm`; otherwise
 * refuse (NOT_REVERSIBLE) saying what is missing.
 *
 * @example
 * const outcome = await rollbackWithBackup({ url, to: '20260301120000', confirm: async () => true });
 */
export async function rollbackWithBackup(options: RollbackWithBackupOptions): Promise<RollbackOutcome> {
  try {
    return { via: 'down', report: await rollback(options) };
  } catch (error) {
    if (!(error instanceof CutoverError) || error.code !== 'NOT_REVERSIBLE' || options.dryRun) throw error;
    const schema = targetSchema(options);
    const deps = backupDeps(options.url, schema, 'rollback', options);
    const { backup, restore } = await rollbackFromBackup(deps, {
      schema, to: options.to, dir: options.backupDir ?? DEFAULT_BACKUP_DIR, confirm: options.confirm ?? (async () => false),
      pgBin: options.pgBin, lockWaitMs: options.lockWaitMs, dropOld: options.dropOld === true,
    }, error);
    return { via: 'backup', backup: backup.manifest, restore };
  }
}
