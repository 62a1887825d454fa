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
 * Extensions installed in the schema follow its name, and those the
 * database lacks are created first (extensions.ts).
 *
 * All of it under the schema's migration lock, so no `migrate` runs
 * meanwhile. Other schemas are never touched.
 */
import { CutoverError } from '../errors.js';
import type { Connector, Session } from '../db/session.js';
import { ident } from '../db/sql.js';
import { withMigrationLock } from '../run/migrate.js';
import { compareContents, manifestLedger, schemaExists, serverInfo, tableCounts } from './catalog.js';
import { ledgerVersion } from './manifest.js';
import { findPgTools, parseToolVersion, toolConnection, toolFailed, type PgTools } from './pg-tools.js';
import type { BackupFiles, OnBackupProgress, ProcessRunner } from './ports.js';
import { verifyBackupFile, type StoredBackup } from './store.js';
import { availableExtensions, createExtensionsSql, installedExtensions, moveExtensionsSql, splitDump } from './extensions.js';

/** What a restore needs from outside. */
export interface RestoreDeps {
  connector: Connector;
  url: string;
  runner: ProcessRunner;
  files: BackupFiles;
  now: () => Date;
  /** Told as each step starts (check the dump, restore it beside, verify, swap), and at the end. */
  onProgress?: OnBackupProgress | undefined;
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

/** Extensions to place around the dump's SQL (extensions.ts). */
interface ExtensionPlan {
  /** Installed in the live schema: into the copy while its objects are created, back until the swap. */
  move: string[];
  /** Missing from the database: created where they were (in the copy, when that was the schema itself). */
  create: { name: string; schema: string }[];
}

/**
 * Restore `dump` as schema `schema` beside the live one, under `staging`:
 * the SQL of the dump runs in one psql transaction between the renames,
 * the extensions placed between the schema's creation and its objects.
 */
async function restoreBeside(deps: RestoreDeps, tools: PgTools, dumpPath: string, names: { schema: string; staging: string; hold: string | undefined }, extensions: ExtensionPlan): Promise<void> {
  const { schema, staging, hold } = names;
  const temp = await deps.files.tempDir();
  try {
    const { schemaSql, restSql } = await splitDump(deps.runner, deps.files, tools, dumpPath, temp.path, 'RESTORE_FAILED');
    const script = async (name: string, text: string) => {
      const path = deps.files.join(temp.path, name);
      await deps.files.writeText(path, text);
      return path;
    };
    const before = await script('before.sql', hold ? `ALTER SCHEMA ${ident(schema)} RENAME TO ${ident(hold)};\n` : '');
    const placed = await script('extensions.sql', `${moveExtensionsSql(extensions.move, schema)}${createExtensionsSql(extensions.create)}`);
    const after = await script('after.sql', `${hold ? moveExtensionsSql(extensions.move, hold) : ''}ALTER SCHEMA ${ident(schema)} RENAME TO ${ident(staging)};\n${hold ? `ALTER SCHEMA ${ident(hold)} RENAME TO ${ident(schema)};\n` : ''}`);
    const connection = toolConnection(deps.url, 'cutover restore');
    const result = await deps.runner.run(tools.psql, [
      '-X', '-q', '--no-password', '--set=ON_ERROR_STOP=1', '--single-transaction', `--dbname=${connection.dbname}`,
      '-f', before, '-f', schemaSql, '-f', placed, '-f', restSql, '-f', after,
    ], { env: connection.env });
    if (result.code !== 0) {
      throw toolFailed('RESTORE_FAILED', `restoring schema "${schema}"`, result, `The restore was rolled back: schema "${schema}" is as it was. Fix the cause above (a missing role, a dependency in another schema) and run again.`);
    }
  } finally {
    await temp.remove();
  }
}

/** What to do with extensions: those in the live schema move (they must be relocatable), those missing are created. */
async function planExtensions(connection: Session, schema: string, manifest: StoredBackup['manifest'], describe: string): Promise<ExtensionPlan> {
  const installed = await installedExtensions(connection);
  const inSchema = installed.filter((e) => e.schema === schema);
  const fixed = inSchema.filter((e) => !e.relocatable);
  if (fixed.length > 0) {
    throw new CutoverError('RESTORE_FAILED', `extension${fixed.length === 1 ? '' : 's'} ${fixed.map((e) => `"${e.name}"`).join(', ')} in schema "${schema}" cannot move (not relocatable): the restored schema could not take ${fixed.length === 1 ? 'it' : 'them'} over`, {
      hint: `Restore into a database without schema "${schema}" (createdb, then restore there), or move the extension out of "${schema}" first.`, details: { schema, extensions: fixed.map((e) => e.name) },
    });
  }
  const missing = (manifest.extensions ?? []).filter((e) => !installed.some((i) => i.name === e.name));
  const available = missing.length ? await availableExtensions(connection) : new Set<string>();
  const unavailable = missing.filter((e) => !available.has(e.name));
  if (unavailable.length > 0) {
    throw new CutoverError('RESTORE_FAILED', `the backup's schema uses extension${unavailable.length === 1 ? '' : 's'} ${unavailable.map((e) => `"${e.name}" ${e.version}`).join(', ')}, not installed in ${describe} and not available on its server`, {
      hint: 'Install the extension\'s package on the database server (e.g. postgresql-contrib), then restore again. Nothing was changed.', details: { extensions: unavailable.map((e) => e.name) },
    });
  }
  return { move: inSchema.map((e) => e.name), create: missing.map(({ name, schema: where }) => ({ name, schema: where })) };
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
  const step = (done: number, what?: string) => deps.onProgress?.({ done, total: 4, step: what });
  step(0, 'checking the dump');
  await verifyBackupFile(deps.files, backup);
  const { manifest } = backup;
  const schema = manifest.schema;
  return withMigrationLock(deps.connector, { schema, lockWaitMs: options.lockWaitMs }, async (connection) => {
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
    const extensions = await planExtensions(connection, schema, manifest, deps.connector.describe);
    step(1, `restoring schema "${schema}" beside the live one`);
    await restoreBeside(deps, tools, backup.dumpPath, { schema, staging, hold: live ? besideName(schema, 'hold', at) : undefined }, extensions);

    step(2, 'verifying');
    const restored = { tables: await tableCounts(connection, staging), ledger: await manifestLedger(connection, staging) };
    const problems = compareContents(manifest, restored);
    if (problems.length > 0) {
      await connection.query(`DROP SCHEMA ${ident(staging)} CASCADE`).catch(() => {});
      throw new CutoverError('RESTORE_FAILED', `the restored copy of "${schema}" does not match backup ${manifest.id}: ${problems.join('; ')}`, {
        hint: `Schema "${schema}" was not touched; the copy was dropped. Use another backup.`, details: { schema, backup: manifest.id, problems },
      });
    }
    step(3, 'swapping');
    // One transaction: the restored schema takes the name, and the extensions that were the live schema's.
    await connection.query(`BEGIN; ${live ? `ALTER SCHEMA ${ident(schema)} RENAME TO ${ident(old)}; ` : ''}ALTER SCHEMA ${ident(staging)} RENAME TO ${ident(schema)}; ${live ? moveExtensionsSql(extensions.move, schema) : ''}COMMIT`);
    let previous: RestoreReport['previous'];
    if (live) {
      if (options.dropOld) await connection.query(`DROP SCHEMA ${ident(old)} CASCADE`);
      previous = { schema: old, dropped: options.dropOld === true };
    }
    step(4);
    return {
      schema, target: deps.connector.describe, backup: { id: manifest.id, createdAt: manifest.createdAt, file: backup.dumpPath },
      ledgerVersion: ledgerVersion(manifest), tables: restored.tables, ...(previous ? { previous } : {}), durationMs: deps.now().getTime() - started,
    };
  });
}
