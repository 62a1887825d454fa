/**
 * The library's `adopt`: options in the shape of every other call
 * (`{ url | pool, schema, dir | migrations, format }`) turned into the core's
 * ports. Nothing here decides anything.
 */
import { targetDir, targetSchema, connectorFor, whoAmI, type TargetOptions } from '../target/index.js';
import { CutoverError } from '../errors.js';
import { bundleSource } from '../migrations/bundle.js';
import { directorySource } from '../migrations/directory.js';
import { loadMigrations } from '../migrations/load.js';
import { adoptHistory, type AdoptHistoryOptions } from './adopt.js';
import type { AdoptReport } from './types.js';

/** Options of {@link adopt}. */
export type AdoptOptions = TargetOptions & Omit<AdoptHistoryOptions, 'schema' | 'by'> & {
  /** Who adopts, for cutover_audit (default `user@host`). */
  by?: string;
};

/**
 * Take over another tool's migration history (`from`), or record a database
 * no tool recorded as migrated up to `baseline`, in one transaction. The
 * tool's table is left as it is. Refuses, changing nothing, on a dirty or
 * failed history, rows without files, edited files, or a ledger that
 * already differs (docs/adopt.md). A re-run is a no-op.
 *
 * @example
 * import { adopt } from 'cutover';
 * const report = await adopt({ url: process.env.DATABASE_URL, dir: 'migrations', from: 'sqlx' });
 * await adopt({ url, dir: 'db/migrations', format: 'golang-migrate', from: 'golang-migrate', dryRun: true });
 * await adopt({ url, baseline: '20260101120000' });
 */
export async function adopt(options: AdoptOptions): Promise<AdoptReport> {
  if (options.ledger === 'sqlx') {
    throw new CutoverError('USAGE', 'adopt writes cutover\'s own ledger (cutover_migrations), and this run uses ledger "sqlx"', {
      hint: 'With --ledger sqlx, _sqlx_migrations already is the history cutover reads and writes: there is nothing to adopt. To move to cutover\'s own ledger, run adopt without --ledger sqlx (ledger "cutover").',
      details: { ledger: options.ledger },
    });
  }
  const source = options.migrations ? bundleSource(options.migrations) : directorySource(targetDir(options));
  const migrations = await loadMigrations(source, {
    ...(options.format ? { format: options.format } : {}), onDetect: options.onDetect, onNotice: options.onNotice,
  });
  const connector = connectorFor(options, 'adopt');
  const { url: _url, pool: _pool, dir: _dir, migrations: _bundle, format: _format, onDetect: _onDetect, onNotice: _onNotice, applicationName: _name, ledger: _ledger, ...rest } = options;
  return adoptHistory(connector, { migrations, location: source.location, read: (file) => source.read(file) }, {
    ...rest, schema: targetSchema(options), by: options.by ?? whoAmI(),
  });
}
