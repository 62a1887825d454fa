/** Fleet: many schemas and databases in one run (discovery, scheduling, canary, shards, status matrix). */
export { migrateFleet, fleetStatus, defaultConcurrency, type MigrateFleetOptions, type FleetTargetOptions } from './api.js';
export { runFleet, type FleetRunOptions } from './run-fleet.js';
export { readFleetStatus, fleetMatrix, targetStatus, type FleetStatusReport, type TargetStatus } from './status.js';
export { parseShard, shardOf, inShard } from './shard.js';
export { globToRegExp, matchSchemas, selectSchemas, requireSchemas, splitSchemaList } from '../config/schema-list.js';
export { discoverSchemas } from './discover.js';
export { summarize } from './summary.js';
export type { TargetSpec, TargetRef, Target, TargetOutcome, TargetResult, FleetReport, FleetEvent, OnFleetEvent, Shard, StopReason } from './types.js';
