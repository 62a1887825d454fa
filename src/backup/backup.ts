/**
 * `backup`: one `pg_dump --format=custom` per schema, all from one exported
 * snapshot, so the manifest's ledger and row counts describe exactly what
 * the dump holds (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-SNAPSHOT-SYNCHRONIZATION),
 * and tenants backed up together are consistent with each other. Files are
 * created 0600 in a 0700 directory; `keep` prunes older backups of the same
 * database and schema.
 */
import { CutoverError } from '../errors.js';
import type { Connector } from '../db/session.js';
import { manifestLedger, schemaExists, selectedSchemas, serverInfo, tableCounts, type SchemaSelection } from './catalog.js';
import { backupId, MANIFEST_FORMAT, toPrune, type BackupManifest } from './manifest.js';
import { installedExtensions } from './extensions.js';
import { findPgTools, toolConnection, toolFailed, type PgTools } from './pg-tools.js';

export { toolFailed } from './pg-tools.js';
import type { BackupFiles, OnBackupProgress, ProcessRunner } from './ports.js';
import { listBackups } from './store.js';

/** What backups need from outside. */
export interface BackupDeps {
  connector: Connector;
  /** The database URL (the client programs connect with it; its password goes through PGPASSWORD). */
  url: string;
  runner: ProcessRunner;
  files: BackupFiles;
  now: () => Date;
  cutoverVersion: string;
  /** Told as each schema's dump starts, and at the end. */
  onProgress?: OnBackupProgress | undefined;
}

/** Options of {@link takeBackup}. */
export interface BackupOptions {
  /** The schemas to back up: names, `'all'` (every user schema of the database), or a `--schemas` list of names and globs. */
  schemas: SchemaSelection;
  /** Directory for dumps and manifests. */
  out: string;
  /** Keep only the newest N backups of each database and schema. */
  keep?: number | undefined;
  /** Where pg_dump is (`--pg-bin` / `PG_BIN`). */
  pgBin?: string | undefined;
  /** Skip schemas that do not exist (nothing to back up: `migrate --backup` on a first deploy). */
  missingOk?: boolean;
}

/** A backup written: its manifest, and where its two files are. */
export interface WrittenBackup {
  manifest: BackupManifest;
  manifestPath: string;
  dumpPath: string;
}

/** What {@link takeBackup} reports. */
export interface BackupReport {
  target: string;
  backups: WrittenBackup[];
  /** Ids of older backups deleted by `keep`. */
  pruned: string[];
  /** Schemas skipped because they do not exist (with `missingOk`). */
  missing: string[];
  durationMs: number;
}

/** Run pg_dump for one schema into `path` (created 0600 first). */
export async function dumpSchema(deps: Pick<BackupDeps, 'runner' | 'files' | 'url'>, tools: PgTools, schema: string, path: string, extra: readonly string[] = []): Promise<void> {
  const connection = toolConnection(deps.url, 'cutover backup');
  await deps.files.createPrivate(path).catch((error) => { throw refuseOverwrite(path, schema, error); });
  // --schema takes a pattern: double quotes make the name literal (case, dots, spaces).
  const pattern = `"${schema.replace(/"/g, '""')}"`;
  const result = await deps.runner.run(tools.pgDump, ['--format=custom', `--schema=${pattern}`, `--file=${path}`, '--no-password', ...extra, `--dbname=${connection.dbname}`], { env: connection.env });
  if (result.code !== 0) {
    await deps.files.remove(path);
    throw toolFailed('BACKUP_FAILED', `pg_dump of schema "${schema}"`, result, 'Check that the role may read every table of the schema, and the disk has room; nothing was kept.');
  }
  await deps.files.makePrivate(path);
}

/** BACKUP_EXISTS for an `EEXIST` (a backup file is never written over), else the error itself. */
function refuseOverwrite(path: string, schema: string, error?: unknown): unknown {
  if (error !== undefined && (error as { code?: unknown }).code !== 'EEXIST') return error;
  return new CutoverError('BACKUP_EXISTS', `${path} exists already: a backup is never written over (schema "${schema}")`, {
    hint: 'Another backup of this schema was taken in the same millisecond, or the file was put there by hand: run the backup again, or choose another --out directory.',
    details: { file: path, schema }, ...(error ? { cause: error } : {}),
  });
}

/**
 * Back up one or more schemas.
 *
 * @example
 * const report = await takeBackup(deps, { schemas: ['public'], out: '.cutover/backups', keep: 7 });
 */
export async function takeBackup(deps: BackupDeps, options: BackupOptions): Promise<BackupReport> {
  const started = deps.now().getTime();
  const connection = await deps.connector.connect();
  try {
    const server = await serverInfo(connection);
    const tools = await findPgTools(deps.runner, deps.files, { pgBin: options.pgBin, serverMajor: server.major, target: deps.connector.describe });
    const wanted = await selectedSchemas(connection, options.schemas, deps.connector.describe);
    const missing: string[] = [];
    for (const schema of wanted) if (options.missingOk && !(await schemaExists(connection, schema))) missing.push(schema);
    const schemas = wanted.filter((s) => !missing.includes(s));
    for (const schema of schemas) {
      if (!(await schemaExists(connection, schema))) {
        throw new CutoverError('BACKUP_FAILED', `schema "${schema}" does not exist in ${deps.connector.describe}`, {
          hint: 'Check --schema / --schemas (`cutover backup --all` backs up every schema).', details: { schema },
        });
      }
    }
    await deps.files.mkdir(options.out);
    // One snapshot for every schema: the manifests describe exactly what the dumps hold.
    await connection.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const backups: WrittenBackup[] = [];
    try {
      const { rows } = await connection.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      const snapshot = rows[0]!.snapshot;
      const at = deps.now();
      for (const [done, schema] of schemas.entries()) {
        deps.onProgress?.({ done, total: schemas.length, step: `schema "${schema}"` });
        const id = backupId(at, server.database, schema);
        const dumpPath = deps.files.join(options.out, `${id}.dump`);
        const manifestPath = deps.files.join(options.out, `${id}.json`);
        for (const path of [dumpPath, manifestPath]) if (await deps.files.exists(path)) throw refuseOverwrite(path, schema);
        const ledger = await manifestLedger(connection, schema);
        const tables = await tableCounts(connection, schema);
        // Not in the dump (pg_dump --schema leaves them out): a restore creates those the database lacks then.
        const extensions = (await installedExtensions(connection)).map(({ name, schema: where, version }) => ({ name, schema: where, version }));
        await dumpSchema(deps, tools, schema, dumpPath, [`--snapshot=${snapshot}`]);
        const manifest: BackupManifest = {
          format: MANIFEST_FORMAT, id, createdAt: at.toISOString(), cutoverVersion: deps.cutoverVersion,
          database: server.database, target: deps.connector.describe, schema, serverVersion: server.serverVersion, pgDumpVersion: tools.version,
          file: `${id}.dump`, size: await deps.files.size(dumpPath), sha256: await deps.files.sha256(dumpPath), ledger, tables, extensions,
        };
        await deps.files.writeText(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`).catch(async (error) => {
          await deps.files.remove(dumpPath); // this run's dump, without a manifest of its own
          throw refuseOverwrite(manifestPath, schema, error);
        });
        backups.push({ manifest, manifestPath, dumpPath });
      }
      deps.onProgress?.({ done: schemas.length, total: schemas.length });
    } finally {
      await connection.query('COMMIT').catch(() => {});
    }
    const pruned: string[] = [];
    if (options.keep !== undefined) {
      const all = await listBackups(deps.files, options.out);
      const touched = new Set(schemas);
      for (const old of toPrune(all.filter((b) => b.manifest.database === server.database && touched.has(b.manifest.schema)).map((b) => b.manifest), options.keep)) {
        await deps.files.remove(deps.files.join(options.out, old.file));
        await deps.files.remove(deps.files.join(options.out, `${old.id}.json`));
        pruned.push(old.id);
      }
    }
    return { target: deps.connector.describe, backups, pruned, missing, durationMs: deps.now().getTime() - started };
  } finally {
    await connection.close();
  }
}
