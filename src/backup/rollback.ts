/**
 * The way back when down files are missing: the newest backup of the same
 * database and schema whose ledger stops exactly at the target version,
 * restored (restore.ts) after confirmation. Without one, a refusal that
 * says what is missing: the down files, and a backup at that version.
 */
import { CutoverError } from '../errors.js';
import { serverInfo } from './catalog.js';
import { backupForVersion, describeAge } from './manifest.js';
import { restoreBackup, type RestoreDeps, type RestoreReport } from './restore.js';
import { listBackups, type StoredBackup } from './store.js';

/** Options of {@link rollbackFromBackup}. */
export interface BackupRollbackOptions {
  schema: string;
  /** The version to go back to ('0': before every migration). */
  to: string;
  /** Where the backups are. */
  dir: string;
  /** Asked before the restore, with the backup and its age; false refuses. */
  confirm(backup: StoredBackup, ageMs: number): Promise<boolean>;
  pgBin?: string | undefined;
  lockWaitMs?: number | undefined;
  /** Drop the replaced schema after the swap. */
  dropOld?: boolean;
}

/**
 * Restore the backup that matches `to`, or refuse naming what is missing.
 * `missing` is the NOT_REVERSIBLE error of the down-file rollback.
 *
 * @example
 * await rollbackFromBackup(deps, { schema: 'public', to: '42', dir: '.cutover/backups', confirm: async () => true }, error);
 */
export async function rollbackFromBackup(deps: RestoreDeps, options: BackupRollbackOptions, missing: CutoverError): Promise<{ backup: StoredBackup; restore: RestoreReport }> {
  const connection = await deps.connector.connect();
  let database: string;
  try {
    database = (await serverInfo(connection)).database;
  } finally {
    await connection.close();
  }
  const backups = await listBackups(deps.files, options.dir);
  const to = options.to.replace(/^0+(?=\d)/, '');
  const manifest = backupForVersion(backups.map((b) => b.manifest), { database, schema: options.schema, version: to });
  if (!manifest) {
    const ofSchema = backups.filter((b) => b.manifest.database === database && b.manifest.schema === options.schema).length;
    throw new CutoverError('NOT_REVERSIBLE', `${missing.message}\nand no backup of schema "${options.schema}" of ${database} in ${options.dir} stops at version ${to} (${ofSchema} backup${ofSchema === 1 ? '' : 's'} of it there, none at that version)`, {
      hint: `Write the missing down files, or restore a backup taken at version ${to} (cutover backup --list; migrate --backup takes one before each upgrade).`,
      details: { ...missing.details, to, backupDir: options.dir, backupsOfSchema: ofSchema },
      cause: missing,
    });
  }
  const backup = backups.find((b) => b.manifest.id === manifest.id)!;
  const ageMs = deps.now().getTime() - Date.parse(manifest.createdAt);
  if (!(await options.confirm(backup, ageMs))) {
    throw new CutoverError('CONFIRMATION_REQUIRED', `rolling back to ${to} means restoring backup ${manifest.id} (taken ${describeAge(ageMs)} ago): not confirmed, nothing was changed`, {
      hint: 'Confirm on the terminal, or pass --yes.', details: { backup: manifest.id, to },
    });
  }
  const restore = await restoreBackup(deps, backup, { dropOld: options.dropOld === true, pgBin: options.pgBin, lockWaitMs: options.lockWaitMs });
  return { backup, restore };
}
