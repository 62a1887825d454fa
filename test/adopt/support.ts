/**
 * Helpers for the adopt tests: a fresh database per test, the CLI run
 * against it, the ledger and audit rows, and each tool's history table
 * created with that tool's own DDL (from its source, cited beside each).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cliJson } from '../support/cli.js';
import { freshDatabase, testSchema } from '../support/db.js';

export const schema = testSchema();
export const q = ident(schema);

/** A fresh database for each test of the file; `db()` is the current one. */
export function useDatabase(): () => { url: string } {
  let current: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  beforeEach(async () => {
    current = await freshDatabase();
  });
  afterEach(async () => {
    await current?.drop();
  });
  return () => current!;
}

/** A temp directory holding `files` (paths may have one directory level: `x/up.sql`). */
export async function writeDir(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-adopt-'));
  for (const [name, contents] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), contents);
  }
  return dir;
}

/** Run statements with search_path on the test schema (as the tools run: their tables land there). */
export async function sql<Row = Record<string, unknown>>(url: string, text: string, values?: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}; SET search_path TO ${q}`);
    const result = await client.query(text, values);
    return (Array.isArray(result) ? result[result.length - 1]!.rows : result.rows) as Row[];
  } finally {
    await client.end();
  }
}

/** The CLI against `url` and the test schema, with `--json`. */
export function cutover(url: string, dir: string, ...args: string[]) {
  return cliJson([...args, '--url', url, '--schema', schema, '--dir', dir]);
}

export interface LedgerRow {
  version: string;
  name: string;
  phase: string;
  state: string;
  checksum: string;
  applied_at: Date;
  duration_ms: number | null;
  applied_by: string;
  transactional: boolean;
}

/** cutover's ledger rows (none when the table does not exist), by version as text. */
export async function ledger(url: string): Promise<LedgerRow[]> {
  const [exists] = await sql<{ ok: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS ok', [`${q}.cutover_migrations`]);
  if (!exists!.ok) return [];
  return sql<LedgerRow>(url, 'SELECT version, name, phase, state, checksum, applied_at, duration_ms, applied_by, transactional FROM cutover_migrations ORDER BY version');
}

/** cutover_audit rows. */
export async function audit(url: string): Promise<{ version: string; action: string; by: string; reason: string | null; details: any }[]> {
  const [exists] = await sql<{ ok: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS ok', [`${q}.cutover_audit`]);
  if (!exists!.ok) return [];
  return sql(url, 'SELECT version, action, by, reason, details FROM cutover_audit ORDER BY id');
}

/** Does the table exist in the test schema? */
export async function tableExists(url: string, table: string): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS ok', [`${q}.${ident(table)}`]);
  return row!.ok;
}

/** Every row of a table, as JSON text: to assert that adoption left it untouched. */
export async function snapshot(url: string, table: string): Promise<string> {
  const rows = await sql(url, `SELECT * FROM ${ident(table)} ORDER BY 1`);
  return JSON.stringify(rows);
}

/**
 * Each tool's history table, exactly as the tool creates it on PostgreSQL:
 * - sqlx-postgres/src/migrate.rs `ensure_migrations_table`;
 * - diesel/src/migration/setup_migration_table.sql;
 * - golang-migrate database/postgres/postgres.go `ensureVersionTable`;
 * - dbmate pkg/driver/postgres/postgres.go `CreateMigrationsTable`;
 * - Flyway PostgreSQLDatabase `getRawCreateScript` (table, primary key, index);
 * - prisma-engines sql-migration-connector, postgres flavour `create_migrations_table`;
 * - node-pg-migrate src/runner.ts `ensureMigrationsTable`;
 * - goose internal/dialects/postgres.go `CreateTable` (and the version-0 row it inserts);
 * - drizzle-orm pg-core/dialect.ts `migrate` (schema `drizzle`);
 * - knex lib/migrations/migrate/table-creator.js `_createMigrationTable`;
 * - kysely src/migration/migrator.ts `#ensureMigrationTableExists`;
 * - Supabase CLI pkg/migration/history.go `CreateMigrationTable`.
 */
export const HISTORY_DDL = {
  sqlx: `CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);`,
  diesel: `CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);`,
  'golang-migrate': `CREATE TABLE IF NOT EXISTS "schema_migrations" (version bigint not null primary key, dirty boolean not null)`,
  dbmate: `create table if not exists ${q}.schema_migrations (version varchar primary key)`,
  flyway: `CREATE TABLE ${q}."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE ${q}."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON ${q}."flyway_schema_history" ("success");`,
  prisma: `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`,
  'node-pg-migrate': `CREATE TABLE ${q}."pgmigrations" (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL)`,
  goose: `CREATE TABLE goose_db_version (
    id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
    version_id bigint NOT NULL,
    is_applied boolean NOT NULL,
    tstamp timestamp NOT NULL DEFAULT now()
);
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true);`,
  drizzle: `CREATE SCHEMA IF NOT EXISTS "drizzle";
CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);`,
  knex: `create table "knex_migrations" ("id" serial primary key, "name" varchar(255), "batch" integer, "migration_time" timestamptz);
create table "knex_migrations_lock" ("index" serial primary key, "is_locked" integer);`,
  kysely: `create table "kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);
create table "kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);`,
  supabase: `CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;`,
} as const;

/** Create a tool's history table in the test schema. */
export async function createHistory(url: string, tool: keyof typeof HISTORY_DDL): Promise<void> {
  await sql(url, HISTORY_DDL[tool]);
}
