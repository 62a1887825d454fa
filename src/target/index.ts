/** The target of a library call: its options, and their resolution with every default applied. */
export { targetSchema, targetLedger, targetDir } from './schema.js';
export { resolveTarget, resolveRun, resolveTimeouts, resolveClock, connectorFor, readMigrations, whoAmI, type Target } from './resolve.js';
export type { TargetOptions, MigrationsOptions, RunOptions, TimeoutOptions, ClockOptions } from './options.js';
export { schemaPool } from './pool.js';
