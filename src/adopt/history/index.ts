/** The history readers of `adopt --from`, one per tool. */
import type { HistoryReader, SourceTool } from '../types.js';
import { dbmateHistory } from './dbmate.js';
import { dieselHistory } from './diesel.js';
import { flywayHistory } from './flyway.js';
import { golangMigrateHistory } from './golang-migrate.js';
import { nodePgMigrateHistory } from './node-pg-migrate.js';
import { prismaHistory } from './prisma.js';
import { sqlxHistory } from './sqlx.js';
import { gooseHistory } from './goose.js';
import { drizzleHistory } from './drizzle.js';
import { knexHistory } from './knex.js';
import { kyselyHistory } from './kysely.js';
import { supabaseHistory } from './supabase.js';

/**
 * Every tool's reader.
 *
 * @example
 * HISTORY_READERS.flyway.table; // 'flyway_schema_history'
 */
export const HISTORY_READERS: Record<SourceTool, HistoryReader> = {
  sqlx: sqlxHistory,
  diesel: dieselHistory,
  'golang-migrate': golangMigrateHistory,
  dbmate: dbmateHistory,
  flyway: flywayHistory,
  prisma: prismaHistory,
  'node-pg-migrate': nodePgMigrateHistory,
  goose: gooseHistory,
  drizzle: drizzleHistory,
  knex: knexHistory,
  kysely: kyselyHistory,
  supabase: supabaseHistory,
};

export { findHistoryTable, tableColumns } from './table.js';
export { sqlxRows } from './sqlx.js';
export { golangMigrateRows } from './golang-migrate.js';
export { flywayRows, type FlywayRow } from './flyway.js';
export { prismaRows, type PrismaRow } from './prisma.js';
export { nodePgMigrateName, DOWN_MARKER } from './node-pg-migrate.js';
export { gooseRows, type GooseRow } from './goose.js';
