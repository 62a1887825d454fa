/**
 * The registry of layouts (issue 7). One file per layout; `auto` detection
 * in detect.ts.
 */
import { cutoverFormat } from './cutover.js';
import { sqlxFormat } from './sqlx.js';
import { golangMigrateFormat } from './golang-migrate.js';
import { dbmateFormat } from './dbmate.js';
import { flywayFormat } from './flyway.js';
import { dieselFormat } from './diesel.js';
import { prismaFormat } from './prisma.js';
import { gooseFormat } from './goose.js';
import { drizzleFormat } from './drizzle.js';
import { nodePgMigrateFormat } from './node-pg-migrate.js';
import { supabaseFormat } from './supabase.js';
import type { FormatId, MigrationFormat } from './types.js';
import { dieselOrder, drizzleOrder, flywayOrder, nodePgMigrateOrder, numericOrder, supabaseOrder, textOrder, type VersionOrder } from './order.js';

/** Every layout by id. */
export const MIGRATION_FORMATS: Partial<Record<FormatId, MigrationFormat>> = {
  cutover: cutoverFormat,
  sqlx: sqlxFormat,
  'golang-migrate': golangMigrateFormat,
  dbmate: dbmateFormat,
  flyway: flywayFormat,
  diesel: dieselFormat,
  prisma: prismaFormat,
  goose: gooseFormat,
  drizzle: drizzleFormat,
  'node-pg-migrate': nodePgMigrateFormat,
  supabase: supabaseFormat,
};

/** Each layout's version order, without loading the layout's reader. */
const ORDERS: Record<FormatId, VersionOrder> = {
  cutover: numericOrder, sqlx: numericOrder, 'golang-migrate': numericOrder,
  diesel: dieselOrder, dbmate: textOrder, prisma: textOrder, flyway: flywayOrder,
  goose: numericOrder, drizzle: drizzleOrder, 'node-pg-migrate': nodePgMigrateOrder, supabase: supabaseOrder,
};

/**
 * The version order of a layout.
 *
 * @example
 * versionOrder('flyway').compare('1.2', '1.10'); // < 0
 */
export function versionOrder(format: FormatId = 'cutover'): VersionOrder {
  return ORDERS[format];
}

export { FORMATS, type FormatId, type FormatOption, type MigrationFormat, type FoundMigration, type FoundScript, type FormatNotice, type ReadText } from './types.js';
export { detectFormat, type Detection } from './detect.js';
export { numericOrder, textOrder, dieselOrder, flywayOrder, drizzleOrder, supabaseOrder, nodePgMigrateOrder, REPEATABLE_PREFIX, type VersionOrder } from './order.js';
