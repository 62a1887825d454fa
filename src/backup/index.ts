/** Backups, restore, rehearsal, copies between servers, invalid indexes: the public surface of src/backup. */
export { backup, restore, listBackupsIn, invalidIndexes, rebuildIndexes, rehearseMigrations, copy, DEFAULT_BACKUP_DIR } from './api.js';
export type { BackupApiOptions, RestoreApiOptions, RehearseApiOptions, CopyApiOptions, ToolOptions } from './api.js';
export type { BackupReport, WrittenBackup } from './backup.js';
export type { SchemaSelection } from './catalog.js';
export type { BackupProgress, OnBackupProgress } from './ports.js';
export type { RestoreReport } from './restore.js';
export type { RehearseReport, MigrationRehearsal } from './rehearse.js';
export type { TableRows } from './rows-touched.js';
export type { CopyReport, CopiedSchema } from './copy.js';
export type { BackupManifest, ManifestLedgerRow } from './manifest.js';
export type { InvalidIndex, RebuildReport } from './invalid-indexes.js';
export type { SchemaDiff, SchemaObject } from './schema-diff.js';
export type { OldCodeReport, BrokenQuery } from './old-queries.js';
export type { ProcessRunner, ProcessResult, BackupFiles } from './ports.js';
export type { StoredBackup } from './store.js';
