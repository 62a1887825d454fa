/** The library's own calls on one schema: migrate, plan, status, resolve, rollback. */
export { migrate, plan, rollback, type MigrateOptions } from './migrate.js';
export { status, type StatusReport } from './status.js';
export { resolve } from './resolve.js';
