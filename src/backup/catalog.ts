/**
 * What backups, restores, copies and rehearsals read from a schema: the
 * server's identity, the user schemas, the tables with exact row counts,
 * and the ledger as a manifest keeps it.
 */
import { ledgerFor, readLedger } from '../db/ledger.js';
import type { Session } from '../db/session.js';
import { ident } from '../db/sql.js';
import { requireSchemas } from '../config/schema-list.js';
import type { ManifestLedgerRow } from './manifest.js';

/** In the text of cutover's own queries of user tables (row counts): a rehearsal never takes them for the app's (old-queries.ts). */
export const OWN_QUERY_MARK = '/* cutover */';

/** The server and database a session is connected to. */
export interface ServerInfo {
  database: string;
  serverVersion: string;
  major: number;
}

/** Name, version and major of the connected server. */
export async function serverInfo(session: Session): Promise<ServerInfo> {
  const { rows } = await session.query<{ database: string; version: string; num: number }>(
    `SELECT current_database() AS database, current_setting('server_version') AS version, current_setting('server_version_num')::int AS num`,
  );
  const row = rows[0]!;
  return { database: row.database, serverVersion: row.version, major: Math.floor(row.num / 10_000) };
}

/** Every schema but the system ones (pg_*, information_schema). */
export async function userSchemas(session: Session): Promise<string[]> {
  const { rows } = await session.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY nspname`,
  );
  return rows.map((r) => r.name);
}

/** Which schemas a backup or copy takes: these names, every user schema, or a `--schemas` list (names and globs, src/config/schema-list.ts). */
export type SchemaSelection = readonly string[] | 'all' | { list: string };

/**
 * The schemas a selection names in the connected database; a list naming a schema that is
 * not there, or matching none, is SCHEMA_NOT_FOUND.
 *
 * @example
 * await selectedSchemas(session, { list: 'tenant_*,audit' }, 'postgres://app@db/app'); // ['audit', 'tenant_1', 'tenant_2']
 */
export async function selectedSchemas(session: Session, selection: SchemaSelection, database: string): Promise<string[]> {
  if (selection === 'all') return userSchemas(session);
  if (!('list' in selection)) return [...(selection as readonly string[])];
  return requireSchemas(await userSchemas(session), selection.list, database, true);
}

/** Whether a schema exists. */
export async function schemaExists(session: Session, schema: string): Promise<boolean> {
  const { rows } = await session.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists', [schema]);
  return rows[0]!.exists;
}

/**
 * Each ordinary table of a schema with its exact row count (partitions
 * counted as themselves, their parents not at all: nothing counts twice).
 */
export async function tableCounts(session: Session, schema: string): Promise<{ name: string; rows: number }[]> {
  const { rows: tables } = await session.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`,
    [schema],
  );
  if (tables.length === 0) return [];
  // Marked: pg_stat_statements records it, and a rehearsal must not take it for the app's (old-queries.ts).
  const sql = tables.map((t, i) => `SELECT ${OWN_QUERY_MARK} ${i} AS i, count(*)::bigint AS n FROM ${ident(schema)}.${ident(t.name)}`).join(' UNION ALL ');
  const { rows } = await session.query<{ i: number; n: string }>(sql);
  const counts = new Map(rows.map((r) => [Number(r.i), Number(r.n)]));
  return tables.map((t, i) => ({ name: t.name, rows: counts.get(i) ?? 0 }));
}

/** The ledger as a manifest keeps it, in version order ([] without a ledger). */
export async function manifestLedger(session: Session, schema: string): Promise<ManifestLedgerRow[]> {
  // Asked first, not caught: inside the backup's snapshot transaction an error would abort it.
  const { rows: exists } = await session.query<{ cutover: string | null; sqlx: string | null }>(
    'SELECT to_regclass($1)::text AS cutover, to_regclass($2)::text AS sqlx', [ledgerFor(schema, 'cutover').table, ledgerFor(schema, 'sqlx').table],
  );
  // cutover's own ledger, else sqlx's `_sqlx_migrations` (--ledger sqlx: docs/sqlx-ledger.md).
  const kind = exists[0]?.cutover != null ? 'cutover' : exists[0]?.sqlx != null ? 'sqlx' : undefined;
  if (kind === undefined) return [];
  const rows = (await readLedger(session, schema, { kind })) ?? [];
  return rows
    .map((r) => ({ version: r.version, name: r.name, phase: r.phase, state: r.state, checksum: r.checksum }))
    .sort((a, b) => compareVersions(a.version, b.version));
}

/** Compare two ledger versions (as numbers when both are digits). */
export function compareVersions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Differences between two table-count lists and two ledgers, one line each ([] when equal). */
export function compareContents(
  expected: { tables: { name: string; rows: number }[]; ledger: ManifestLedgerRow[] },
  actual: { tables: { name: string; rows: number }[]; ledger: ManifestLedgerRow[] },
): string[] {
  const problems: string[] = [];
  const want = new Map(expected.tables.map((t) => [t.name, t.rows]));
  const got = new Map(actual.tables.map((t) => [t.name, t.rows]));
  for (const [name, rows] of want) {
    if (!got.has(name)) problems.push(`table ${name} is missing`);
    else if (got.get(name) !== rows) problems.push(`table ${name} has ${got.get(name)} rows, expected ${rows}`);
  }
  for (const name of got.keys()) if (!want.has(name)) problems.push(`table ${name} is extra`);
  const key = (r: ManifestLedgerRow) => `${r.version} ${r.state} ${r.checksum}`;
  const wantLedger = expected.ledger.map(key).join('\n');
  const gotLedger = actual.ledger.map(key).join('\n');
  if (wantLedger !== gotLedger) problems.push(`the ledger differs: expected versions [${expected.ledger.map((r) => r.version).join(', ')}], found [${actual.ledger.map((r) => r.version).join(', ')}]`);
  return problems;
}
