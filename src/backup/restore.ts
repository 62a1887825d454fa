/**
 * `restore`: put a schema back as a backup holds it, losing nothing if
 * anything goes wrong.
 *
 * 1. The dump is checked against its manifest (SHA-256) first.
 * 2. It is restored beside the live schema: in ONE psql transaction the
 *    live schema steps aside (renamed), the dump recreates the schema under
 *    its own name (its SQL names it), the copy is renamed to a staging name
 *    and the live schema gets its name back. Other sessions never see the
 *    renames (they are not committed until the copy is complete and aside),
 *    and a failure anywhere rolls all of it back.
 * 3. The copy is verified: every table's row count and the ledger must be
 *    what the manifest says.
 * 4. One short transaction swaps the names; the previous schema stays
 *    under `<schema>_cutover_old_<time>` until `dropOld`.
 *
 * All of it under the schema's migration lock, so no `migrate` runs
 * meanwhile. Other schemas are never touched.
 */
import { CutoverError } from '../errors.js';
import type { Connector } from '../db/session.js';
import { ident } from '../db/sql.js';
import { withMigrationLock } from '../run/migrate.js';
import { compareContents, manifestLedger, schemaExists, serverInfo, tableCounts } from './catalog.js';
import { ledgerVersion } from './manifest.js';
import { findPgTools, parseToolVersion, toolConnection, type PgTools } from './pg-tools.js';
import type { BackupFiles, ProcessRunner } from './ports.js';
import { verifyBackupFile, type StoredBackup } from './store.js';
import { toolFailed } from './backup.js';

/** What a restore needs from outside. */
export interface RestoreDeps {
  connector: Connector;
  url: string;
  runner: ProcessRunner;
  files: BackupFiles;
  now: () => Date;
}

/** Options of {@link restoreBackup}. */
export interface RestoreOptions {
  /** Drop the previous schema once the restored one is in place. */
  dropOld?: boolean;
  pgBin?: string | undefined;
  lockWaitMs?: number | undefined;
}

/** What {@link restoreBackup} reports. */
export interface RestoreReport {
  schema: string;
  target: string;
  backup: { id: string; createdAt: string; file: string };
  /** The highest applied version the restored ledger holds ('0' when none). */
  ledgerVersion: string;
  tables: { name: string; rows: number }[];
  /** Where the previous schema went: its new name, or dropped; undefined when there was none. */
  previous?: { schema: string; dropped: boolean };
  durationMs: number;
}

/**
 * A name beside `schema`: `<schema>_cutover_<kind>_<time>`, within Postgres's 63 bytes.
 *
 * @example
 * besideName('tenant_1', 'old', new Date('2026-03-01T12:00:00Z')); // 'tenant_1_cutover_old_20260301120000'
 */
export function besideName(schema: string, kind: 'old' | 'hold' | 'restore' | 'copy', at: Date): string {
  const suffix = `_cutover_${kind}_${at.toISOString().replace(/\D/g, '').slice(0, 14)}`;
  return `${schema.slice(0, 63 - suffix.length)}${suffix}`;
}

/**
 * Restore `dump` as schema `schema` beside the live one, under `staging`:
 * the SQL of the dump runs in one psql transaction between the renames.
 */
async function restoreBeside(deps: RestoreDeps, tools: PgTools, dumpPath: string, schema: string, staging: string, hold: string | undefined): Promise<void> {
  const temp = await deps.files.tempDir();
  try {
    const script = deps.files.join(temp.path, 'restore.sql');
    await deps.files.createPrivate(script);
    const plain = await deps.runner.run(tools.pgRestore, [`--file=${script}`, dumpPath]);
    if (plain.code !== 0) throw toolFailed('RESTORE_FAILED', 'pg_restore (reading the dump)', plain, 'Is the dump from a newer pg_dump than this pg_restore? Point --pg-bin at newer client programs. Nothing was changed.');
    const before = deps.files.join(temp.path, 'before.sql');
    const after = deps.files.join(temp.path, 'after.sql');
    await deps.files.writeText(before, hold ? `ALTER SCHEMA ${ident(schema)} RENAME TO ${ident(hold)};\n` : '');
    await deps.files.writeText(after, `ALTER SCHEMA ${ident(schema)} RENAME TO ${ident(staging)};\n${hold ? `ALTER SCHEMA ${ident(hold)} RENAME TO ${ident(schema)};\n` : ''}`);
    const connection = toolConnection(deps.url, 'cutover restore');
    const result = await deps.runner.run(tools.psql, [
      '-X', '-q', '--no-password', '--set=ON_ERROR_STOP=1', '--single-transaction', `--dbname=${connection.dbname}`, '-f', before, '-f', script, '-f', after,
    ], { env: connection.env });
    if (result.code !== 0) {
      throw toolFailed('RESTORE_FAILED', `restoring schema "${schema}"`, result, `The restore was rolled back: schema "${schema}" is as it was. Fix the cause above (a missing role, a dependency in another schema) and run again.`);
    }
  } finally {
    await temp.remove();
  }
}

/**
 * Restore a backup (see the module comment for how nothing is lost).
 *
 * @example
 * const backup = await findBackup(nodeBackupFiles, id, '.cutover/backups');
 * await restoreBackup(deps, backup, { dropOld: false });
 */
export async function restoreBackup(deps: RestoreDeps, backup: StoredBackup, options: RestoreOptions = {}): Promise<RestoreReport> {
  const started = deps.now().getTime();
  await verifyBackupFile(deps.files, backup);
  const { manifest } = backup;
  const schema = manifest.schema;
  return withMigrationLock(deps.connector, { schema, ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }) }, async (connection) => {
    const server = await serverInfo(connection);
    const dumpMajor = parseToolVersion(`(PostgreSQL) ${manifest.pgDumpVersion}`)?.major ?? 0;
    const tools = await findPgTools(deps.runner, deps.files, { pgBin: options.pgBin, serverMajor: Math.max(server.major, dumpMajor), target: deps.connector.describe });
    const at = deps.now();
    const live = await schemaExists(connection, schema);
    const staging = besideName(schema, 'restore', at);
    const old = besideName(schema, 'old', at);
    for (const name of [staging, old]) {
      if (await schemaExists(connection, name)) {
        throw new CutoverError('RESTORE_FAILED', `schema "${name}" already exists (a restore in the same second?)`, { hint: 'Run the restore again in a moment.', details: { schema: name } });
      }
    }
    await restoreBeside(deps, tools, backup.dumpPath, schema, staging, live ? besideName(schema, 'hold', at) : undefined);

    const restored = { tables: await tableCounts(connection, staging), ledger: await manifestLedger(connection, staging) };
    const problems = compareContents(manifest, restored);
    if (problems.length > 0) {
      await connection.query(`DROP SCHEMA ${ident(staging)} CASCADE`).catch(() => {});
      throw new CutoverError('RESTORE_FAILED', `the restored copy of "${schema}" does not match backup ${manifest.id}: ${problems.join('; ')}`, {
        hint: `Schema "${schema}" was not touched; the copy was dropped. Use another backup.`, details: { schema, backup: manifest.id, problems },
      });
    }
    await connection.query(`BEGIN; ${live ? `ALTER SCHEMA ${ident(schema)} RENAME TO ${ident(old)}; ` : ''}ALTER SCHEMA ${ident(staging)} RENAME TO ${ident(schema)}; COMMIT`);
    let previous: RestoreReport['previous'];
    if (live) {
      if (options.dropOld) await connection.query(`DROP SCHEMA ${ident(old)} CASCADE`);
      previous = { schema: old, dropped: options.dropOld === true };
    }
    return {
      schema, target: deps.connector.describe, backup: { id: manifest.id, createdAt: manifest.createdAt, file: backup.dumpPath },
      ledgerVersion: ledgerVersion(manifest), tables: restored.tables, ...(previous ? { previous } : {}), durationMs: deps.now().getTime() - started,
    };
  });
}
