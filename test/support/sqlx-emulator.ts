/**
 * A faithful test emulation of sqlx's migrator for Postgres, for the
 * `--ledger sqlx` tests (sqlx itself is Rust, and no crate can be built
 * here). Every step is taken from sqlx's source (launchbadge/sqlx, 0.8 and
 * main; the Postgres parts have not changed in substance since 0.7):
 *
 * - sqlx-core/src/migrate/source.rs, `resolve_blocking_with_config`: list the
 *   directory's files (not subdirectories), split the name at the first `_`,
 *   skip names whose rest does not end in `.sql`, parse the prefix as i64
 *   (an error if it does not parse), description = rest without the type's
 *   suffix, `_` → space; `read_to_string` (a BOM and CRLF stay in the text);
 *   `no_tx = sql.starts_with("-- no-transaction")`; sort by version.
 * - sqlx-core/src/migrate/migration_type.rs, `from_filename` / `suffix`.
 * - sqlx-core/src/migrate/migration.rs, `checksum`: SHA-384 of the text.
 * - sqlx-core/src/migrate/migrator.rs, `run_direct` / `undo`: lock (if
 *   locking), ensure the table, refuse `Dirty`, `validate_applied_migrations`
 *   (`VersionMissing` unless ignore_missing), then per up migration in
 *   version order: applied → compare checksums (`VersionMismatch`), else
 *   apply; unlock. An error returns early, without unlocking (the session
 *   keeps the lock until it is closed), as sqlx does.
 * - sqlx-postgres/src/migrate.rs: the SQL of `ensure_migrations_table`,
 *   `dirty_version`, `list_applied_migrations`, `lock` / `unlock`
 *   (`generate_lock_id`: 0x3d32ad9e × CRC-32/ISO-HDLC of current_database()),
 *   `apply` (no_tx: the SQL then the INSERT, no transaction; otherwise both
 *   in one transaction; then `UPDATE … SET execution_time` with the elapsed
 *   nanoseconds) and `revert` (the SQL, then DELETE).
 *
 * The CRC is computed here bit by bit, not with zlib, so the lock id is an
 * independent check of cutover's `sqlxLockKey`. The emulator's session must
 * have the app's search_path (sqlx names `_sqlx_migrations` unqualified).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

/** sqlx's `MigrationType`. */
export type SqlxMigrationType = 'Simple' | 'ReversibleUp' | 'ReversibleDown';

/** sqlx's `Migration`. */
export interface SqlxMigration {
  version: bigint;
  description: string;
  migrationType: SqlxMigrationType;
  sql: string;
  checksum: Buffer;
  noTx: boolean;
}

/** sqlx's `MigrateError` variants the tests meet. */
export class SqlxMigrateError extends Error {
  constructor(readonly kind: 'Dirty' | 'VersionMissing' | 'VersionMismatch' | 'ExecuteMigration' | 'Source', readonly version?: bigint, cause?: unknown) {
    super(`${kind}${version === undefined ? '' : `(${version})`}${cause ? `: ${(cause as Error).message}` : ''}`, cause === undefined ? undefined : { cause });
  }
}

const SUFFIX: Record<SqlxMigrationType, string> = { Simple: '.sql', ReversibleUp: '.up.sql', ReversibleDown: '.down.sql' };

function fromFilename(filename: string): SqlxMigrationType {
  if (filename.endsWith(SUFFIX.ReversibleUp)) return 'ReversibleUp';
  if (filename.endsWith(SUFFIX.ReversibleDown)) return 'ReversibleDown';
  return 'Simple';
}

/** `resolve_blocking`: the migrations of a directory, as sqlx reads them. */
export function resolveMigrations(dir: string): SqlxMigration[] {
  const migrations: SqlxMigration[] = [];
  for (const fileName of readdirSync(dir)) {
    const path = join(dir, fileName);
    if (!statSync(path).isFile()) continue; // not a file; ignore
    const underscore = fileName.indexOf('_');
    if (underscore < 0 || !fileName.slice(underscore + 1).endsWith('.sql')) continue; // not <VERSION>_<DESCRIPTION>.sql
    const [prefix, rest] = [fileName.slice(0, underscore), fileName.slice(underscore + 1)];
    // Rust's i64::from_str: an optional sign, then digits.
    if (!/^[+-]?\d+$/.test(prefix)) throw new SqlxMigrateError('Source', undefined, new Error(`error parsing migration filename "${fileName}"; expected integer version prefix (e.g. \`01_foo.sql\`)`));
    const version = BigInt(prefix);
    const migrationType = fromFilename(rest);
    let description = rest;
    while (description.endsWith(SUFFIX[migrationType])) description = description.slice(0, -SUFFIX[migrationType].length); // trim_end_matches
    description = description.replace(/_/g, ' ');
    const bytes = readFileSync(path);
    const sql = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes); // read_to_string: a BOM stays
    const noTx = sql.startsWith('-- no-transaction');
    const checksum = createHash('sha384').update(sql, 'utf8').digest();
    migrations.push({ version, description, migrationType, sql, checksum, noTx });
  }
  return migrations.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

/** CRC-32/ISO-HDLC (reflected, polynomial 0xEDB88320), bit by bit. */
function crc32IsoHdlc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** `generate_lock_id`. */
export function generateLockId(databaseName: string): bigint {
  return 0x3d32ad9en * BigInt(crc32IsoHdlc(Buffer.from(databaseName, 'utf8')));
}

async function currentDatabase(client: pg.ClientBase): Promise<string> {
  return (await client.query<{ current_database: string }>('SELECT current_database()')).rows[0]!.current_database;
}

/** `lock`: the blocking pg_advisory_lock. */
export async function lock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [generateLockId(await currentDatabase(client)).toString()]);
}

/** `unlock`. */
export async function unlock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1)', [generateLockId(await currentDatabase(client)).toString()]);
}

async function ensureMigrationsTable(client: pg.ClientBase): Promise<void> {
  await client.query(`
CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);
                `);
}

async function dirtyVersion(client: pg.ClientBase): Promise<bigint | undefined> {
  const { rows } = await client.query<{ version: string }>('SELECT version FROM _sqlx_migrations WHERE success = false ORDER BY version LIMIT 1');
  return rows[0] ? BigInt(rows[0].version) : undefined;
}

async function listAppliedMigrations(client: pg.ClientBase): Promise<{ version: bigint; checksum: Buffer }[]> {
  const { rows } = await client.query<{ version: string; checksum: Buffer }>('SELECT version, checksum FROM _sqlx_migrations ORDER BY version');
  return rows.map((r) => ({ version: BigInt(r.version), checksum: r.checksum }));
}

function validateAppliedMigrations(applied: { version: bigint }[], migrations: SqlxMigration[], ignoreMissing: boolean): void {
  if (ignoreMissing) return;
  const versions = new Set(migrations.map((m) => m.version));
  for (const m of applied) if (!versions.has(m.version)) throw new SqlxMigrateError('VersionMissing', m.version);
}

async function executeMigration(client: pg.ClientBase, migration: SqlxMigration): Promise<void> {
  try {
    await client.query(migration.sql); // no parameters: the simple query protocol, several statements at once
  } catch (error) {
    throw new SqlxMigrateError('ExecuteMigration', migration.version, error);
  }
  await client.query(`
    INSERT INTO _sqlx_migrations ( version, description, success, checksum, execution_time )
    VALUES ( $1, $2, TRUE, $3, -1 )
                `, [migration.version.toString(), migration.description, migration.checksum]);
}

/** `apply`. */
async function apply(client: pg.ClientBase, migration: SqlxMigration): Promise<void> {
  const start = process.hrtime.bigint();
  if (migration.noTx) {
    await executeMigration(client, migration);
  } else {
    await client.query('BEGIN');
    try {
      await executeMigration(client, migration);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK'); // the transaction is dropped
      throw error;
    }
  }
  const elapsed = process.hrtime.bigint() - start;
  await client.query(`
    UPDATE _sqlx_migrations
    SET execution_time = $1
    WHERE version = $2
                `, [elapsed.toString(), migration.version.toString()]);
}

/** Options of {@link run}: sqlx's `Migrator` fields. */
export interface MigratorOptions {
  ignoreMissing?: boolean;
  locking?: boolean;
}

/**
 * `Migrator::run`: apply what is pending; returns the versions applied.
 * Throws {@link SqlxMigrateError} as sqlx returns its errors.
 */
export async function run(client: pg.ClientBase, migrations: SqlxMigration[], options: MigratorOptions = {}): Promise<bigint[]> {
  const locking = options.locking ?? true;
  if (locking) await lock(client);
  await ensureMigrationsTable(client);
  const dirty = await dirtyVersion(client);
  if (dirty !== undefined) throw new SqlxMigrateError('Dirty', dirty);
  const applied = await listAppliedMigrations(client);
  validateAppliedMigrations(applied, migrations, options.ignoreMissing ?? false);
  const byVersion = new Map(applied.map((m) => [m.version, m]));
  const done: bigint[] = [];
  for (const migration of migrations) {
    if (migration.migrationType === 'ReversibleDown') continue;
    const appliedMigration = byVersion.get(migration.version);
    if (appliedMigration) {
      if (!migration.checksum.equals(appliedMigration.checksum)) throw new SqlxMigrateError('VersionMismatch', migration.version);
    } else {
      await apply(client, migration);
      done.push(migration.version);
    }
  }
  if (locking) await unlock(client);
  return done;
}

/** `Migrator::undo`: revert applied migrations newer than `target`, newest first. */
export async function undo(client: pg.ClientBase, migrations: SqlxMigration[], target: bigint, options: MigratorOptions = {}): Promise<bigint[]> {
  const locking = options.locking ?? true;
  if (locking) await lock(client);
  await ensureMigrationsTable(client);
  const dirty = await dirtyVersion(client);
  if (dirty !== undefined) throw new SqlxMigrateError('Dirty', dirty);
  const applied = await listAppliedMigrations(client);
  validateAppliedMigrations(applied, migrations, options.ignoreMissing ?? false);
  const versions = new Set(applied.map((m) => m.version));
  const reverted: bigint[] = [];
  for (const migration of [...migrations].reverse()) {
    if (migration.migrationType !== 'ReversibleDown' || !versions.has(migration.version) || migration.version <= target) continue;
    const revert = async () => {
      try {
        await client.query(migration.sql);
      } catch (error) {
        throw new SqlxMigrateError('ExecuteMigration', migration.version, error);
      }
      await client.query('DELETE FROM _sqlx_migrations WHERE version = $1', [migration.version.toString()]);
    };
    if (migration.noTx) await revert();
    else {
      await client.query('BEGIN');
      try {
        await revert();
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    reverted.push(migration.version);
  }
  if (locking) await unlock(client);
  return reverted;
}
