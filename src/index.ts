/**
 * cutover: safe, boring PostgreSQL migrations.
 *
 * @example
 * import { migrate } from 'cutover';
 * await migrate({ url: process.env.DATABASE_URL });
 */
export { migrate, plan, status, resolve, rollback } from './library/index.js';
export { rollbackWithBackup, type RollbackWithBackupOptions, type RollbackOutcome } from './library/rollback-with-backup.js';
export { readMigrations } from './target/index.js';
export { adopt, SOURCE_TOOLS } from './adopt/index.js';
export type { AdoptOptions, AdoptReport, AdoptedEntry, SourceTool } from './adopt/index.js';
export type { MigrateOptions, StatusReport, LintGateOptions } from './library/index.js';
export { lintMigrations, lintScripts, lintHook } from './lint/index.js';
export type { LintReport, LintOptions, LintFilesOptions, LintScript, Finding, Severity, LintHook, LintGate, SuppressedFinding } from './lint/index.js';
export type { TargetOptions, RunOptions, TimeoutOptions, ClockOptions } from './target/index.js';
export { schemaPool } from './target/pool.js';
export { lockKey } from './db/advisory-lock.js';
export { CutoverError, CutoverErrors, ERROR_CODES, EXIT, exitCodeFor, type ErrorCode } from './errors.js';
export type { MigrateReport, PlannedStep } from './run/migrate.js';
export type { RunEvent, OnEvent, Blocker, MigrationRef } from './run/events.js';
export type { StepResult } from './run/execute.js';
export type { ResolveAction, ResolveReport } from './run/resolve.js';
export { plan as buildPlan, planRollback } from './plan/plan.js';
export type { LedgerRow, Plan, PlanOptions, PhaseOption, Problem, ProblemCode, Step, StatusEntry } from './plan/types.js';
export { loadMigrations, directorySource, bundleSource, renderBundle } from './migrations/index.js';
export type { Migration, MigrationScript, MigrationSource, BundledFile, Phase } from './migrations/index.js';
export type { Session, Connection, Connector } from './db/session.js';
export { migrateFleet, fleetStatus, defaultConcurrency, parseShard, shardOf, inShard } from './fleet/index.js';
export type { MigrateFleetOptions, FleetTargetOptions, FleetRunOptions, FleetStatusReport, TargetStatus, TargetSpec, TargetRef, TargetOutcome, TargetResult, FleetReport, FleetEvent, OnFleetEvent, Shard, StopReason } from './fleet/index.js';
export { registerInstance, listInstances, forgetInstance, waitForSchema, checkPostGuard, isLive, schemaState, runUpgrade } from './deploy/index.js';
export type { RegisterInstanceOptions, InstancesReport, Instance, InstanceRecord, GuardProblem, GuardVerdict, GuardOptions, AutoContractReport, ContractOutcome, SchemaState, WaitForSchemaReport } from './deploy/index.js';
export type { UpgradeOptions, UpgradePorts, UpgradeReport, UpgradeStep } from './deploy/index.js';
export { healthHandler, createHealthHandler, healthResult } from './serve/index.js';
export type { HealthHandlerOptions, HealthHandler, HealthBody, HealthResult } from './serve/index.js';
export { backup, restore, listBackupsIn, invalidIndexes, rebuildIndexes, rehearseMigrations, copy } from './backup/index.js';
export type { BackupApiOptions, RestoreApiOptions, RehearseApiOptions, CopyApiOptions, BackupReport, RestoreReport, RehearseReport, CopyReport, BackupManifest, InvalidIndex, SchemaDiff, OldCodeReport, ProcessRunner, BackupFiles } from './backup/index.js';
