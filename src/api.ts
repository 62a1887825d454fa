/**
 * The library's calls, as they were imported from here before src/library and src/target
 * (kept for existing imports; nothing inside src/ imports this file).
 */
export { migrate, plan, rollback, status, resolve, type MigrateOptions, type StatusReport } from './library/index.js';
export { connectorFor, readMigrations, whoAmI, type TargetOptions, type MigrationsOptions } from './target/index.js';
export type { PhaseOption } from './plan/types.js';
