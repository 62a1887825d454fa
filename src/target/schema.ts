/** The target's schema, ledger and migrations directory with their defaults, in a module that loads no database driver (offline `lint` uses it). */
import { SETTINGS } from '../config/settings.js';
import type { LedgerKind } from '../db/ledger.js';

/**
 * The schema a call targets: the option, else the settings table's default.
 *
 * @example
 * targetSchema({}); // 'public'
 */
export function targetSchema(options: { schema?: string | undefined }): string {
  return options.schema ?? SETTINGS.schema.default;
}

/**
 * The history table a call keeps: the option, else the settings table's default.
 *
 * @example
 * targetLedger({}); // 'cutover'
 */
export function targetLedger(options: { ledger?: LedgerKind | undefined }): LedgerKind {
  return options.ledger ?? SETTINGS.ledger.default;
}

/**
 * The migrations directory a call reads: the option, else the settings table's default.
 *
 * @example
 * targetDir({}); // 'migrations'
 */
export function targetDir(options: { dir?: string | undefined }): string {
  return options.dir ?? SETTINGS.dir.default;
}
