/**
 * The library's own calls on one schema: migrate, plan, status, resolve, rollback
 * (rollbackWithBackup is in ./rollback-with-backup.ts: it loads the backup code, which `migrate` does not).
 */
export { migrate, plan, rollback, type MigrateOptions, type LintGateOptions } from './migrate.js';
export { status, type StatusReport } from './status.js';
export { resolve } from './resolve.js';
