/**
 * The ledger (DESIGN §1): by default `cutover_migrations` inside the target
 * schema, plus `cutover_audit`, where deliberate overrides (an accepted
 * checksum, a resolved failure, a rollback) are recorded with who and why.
 * With `--ledger sqlx` the history is sqlx's own `_sqlx_migrations`
 * (sqlx-ledger.ts), shared with a Rust service running `sqlx::migrate!`.
 * Both are one small port, {@link Ledger}: the run, resolve, status and the
 * fleet ask it for SQL and never name a table themselves. Names are always
 * schema-qualified and quoted.
 */
import { CutoverError } from '../errors.js';
import type { LedgerRow } from '../plan/types.js';
import type { Migration, Phase } from '../migrations/types.js';
import type { Session } from './session.js';
import { ident, literal } from './sql.js';
import { sqlxLedger } from './sqlx-ledger.js';

/** SQLSTATEs decided on (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const SQLSTATE = {
  LOCK_NOT_AVAILABLE: '55P03',
  UNDEFINED_TABLE: '42P01',
  INVALID_SCHEMA_NAME: '3F000',
  INSUFFICIENT_PRIVILEGE: '42501',
  QUERY_CANCELED: '57014',
} as const;

/** The history tables cutover can keep: its own, or sqlx's `_sqlx_migrations` (docs/sqlx-ledger.md). */
export const LEDGER_KINDS = ['cutover', 'sqlx'] as const;

/** Which history table a target keeps (`--ledger`, config key `ledger`). */
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** cutover's ledger's qualified table names for one schema (the audit table is shared by both kinds). */
export function ledgerTables(schema: string): { migrations: string; audit: string } {
  return { migrations: `${ident(schema)}.cutover_migrations`, audit: `${ident(schema)}.cutover_audit` };
}

/** A ledger row as {@link Ledger.selectSql} returns it; `phase` null: not recorded (sqlx), taken from the file. */
export interface RawLedgerRow {
  version: string; name: string; phase: Phase | null; checksum: string; state: 'applied' | 'failed';
  applied_at: Date | null; duration_ms: number | null; applied_by: string | null; failed_statement: number | null; error: string | null;
}

/** The fields written when a migration is recorded. */
export interface LedgerEntry {
  version: string;
  name: string;
  /** The up file (sqlx's description is made from it). */
  file?: string;
  phase: Phase;
  checksum: string;
  state: 'applied' | 'failed';
  /** Undefined: measured by the server as the time since the transaction began. */
  durationMs: number | undefined;
  appliedBy: string;
  transactional: boolean;
  failedStatement?: number | null;
  error?: string | null;
}

/**
 * One history table: where it is and the SQL that reads and writes it. The
 * run, `resolve`, `status` and the fleet use only this, whichever the kind.
 */
export interface Ledger {
  readonly kind: LedgerKind;
  readonly schema: string;
  /** The table's name as pg_class knows it (`cutover_migrations`, `_sqlx_migrations`). */
  readonly tableName: string;
  /** Its schema-qualified, quoted name. */
  readonly table: string;
  /** A SELECT of every row with {@link RawLedgerRow}'s columns. */
  selectSql(): string;
  /** The DDL creating the table (the schema exists by then). */
  createSql(): string;
  /**
   * Record a migration: an upsert, so a resolved failure becomes applied.
   * Literals are inlined so it can share a round trip with the migration's COMMIT.
   */
  recordSql(entry: LedgerEntry): string;
  /** Remove a version's row (rollback, `resolve --rolled-back`). */
  forgetSql(version: string): string;
  /** Mark a version applied with this checksum (`resolve --applied`, `resolve --checksum`). */
  acceptSql(version: string, checksum: string): string;
}

const COLUMNS = 'version, name, phase, checksum, state, applied_at, duration_ms, applied_by, failed_statement, error';

/** cutover's own ledger, `cutover_migrations`. */
function cutoverLedger(schema: string): Ledger {
  const table = ledgerTables(schema).migrations;
  return {
    kind: 'cutover', schema, tableName: 'cutover_migrations', table,
    selectSql: () => `SELECT ${COLUMNS} FROM ${table}`,
    createSql: () => `CREATE TABLE IF NOT EXISTS ${table} (
  version text PRIMARY KEY,
  name text NOT NULL,
  phase text NOT NULL CHECK (phase IN ('pre', 'post')),
  checksum text NOT NULL,
  state text NOT NULL CHECK (state IN ('applied', 'failed')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer,
  applied_by text,
  transactional boolean NOT NULL DEFAULT true,
  failed_statement integer,
  error text
);`,
    recordSql: (entry) => recordSql(schema, entry),
    forgetSql: (version) => forgetSql(schema, version),
    acceptSql: (version, checksum) => `UPDATE ${table} SET state = 'applied', error = NULL, failed_statement = NULL, checksum = ${literal(checksum)} WHERE version = ${literal(version)}`,
  };
}

/**
 * The ledger of one schema, of the given kind (the caller's resolved kind: its default is
 * the settings table's, applied in src/target). Throws CONFIG for an unknown kind.
 *
 * @example
 * ledgerFor('public', 'sqlx').table; // '"public"._sqlx_migrations'
 */
export function ledgerFor(schema: string, kind: LedgerKind): Ledger {
  if (kind === 'cutover') return cutoverLedger(schema);
  if (kind === 'sqlx') return sqlxLedger(schema);
  throw new CutoverError('CONFIG', `ledger "${String(kind)}" is not one of ${LEDGER_KINDS.join(', ')}`, {
    hint: 'cutover keeps its own history table (cutover_migrations); sqlx shares _sqlx_migrations with a Rust service running sqlx::migrate! (docs/sqlx-ledger.md).',
    details: { setting: 'ledger' },
  });
}

/**
 * The phase of a ledger row: the recorded one, else (sqlx records none) the
 * file's, else `pre`.
 *
 * @example
 * const phaseOf = filePhases(migrations); phaseOf('3', null); // 'post' if 3_x.sql says so
 */
export function filePhases(migrations: readonly Migration[] = []): (version: string, recorded: Phase | null) => Phase {
  const phases = new Map(migrations.map((m) => [m.version, m.phase]));
  return (version, recorded) => recorded ?? phases.get(version) ?? 'pre';
}

/** Rows as the core sees them; phases not recorded are the files'. */
export function toLedgerRows(raw: readonly RawLedgerRow[], migrations?: readonly Migration[]): LedgerRow[] {
  const phaseOf = filePhases(migrations);
  return raw.map((r) => ({
    version: r.version, name: r.name, phase: phaseOf(r.version, r.phase), checksum: r.checksum, state: r.state,
    appliedAt: r.applied_at, durationMs: r.duration_ms, appliedBy: r.applied_by,
    failedStatement: r.failed_statement, error: r.error,
  }));
}

/** Options of {@link readLedger}. */
export interface ReadLedgerOptions {
  /** Which history table. */
  kind: LedgerKind;
  /** The migration set: a ledger that records no phase (sqlx) takes each row's from its file. */
  migrations?: readonly Migration[] | undefined;
}

/** Whether a failed read of the ledger failed because there is none yet (no such table or schema). */
export function isMissingLedger(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === SQLSTATE.UNDEFINED_TABLE || code === SQLSTATE.INVALID_SCHEMA_NAME;
}

/**
 * Read the ledger, or `undefined` when it does not exist yet.
 *
 * @example
 * const rows = await readLedger(client, 'public', { kind: 'cutover' });
 * const shared = await readLedger(client, 'public', { kind: 'sqlx', migrations });
 */
export async function readLedger(session: Session, schema: string, options: ReadLedgerOptions): Promise<LedgerRow[] | undefined> {
  const ledger = ledgerFor(schema, options.kind);
  try {
    const result = await session.query<RawLedgerRow>(ledger.selectSql());
    return toLedgerRows(result.rows, options.migrations);
  } catch (error) {
    if (isMissingLedger(error)) return undefined;
    const code = (error as { code?: string }).code;
    // A schema created by someone else without grants: say so, not a bare pg error with its stack.
    if (code === SQLSTATE.INSUFFICIENT_PRIVILEGE) {
      throw new CutoverError('PERMISSION', `cannot read the ledger in schema ${ident(schema)}: ${(error as Error).message}`, {
        hint: `Grant the migration role the schema: GRANT USAGE, CREATE ON SCHEMA ${ident(schema)} TO <role>; (and access to its ${ledger.tableName} and cutover_audit tables, if another role created them)`,
        details: { schema, sqlstate: code },
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * `cutover_audit`: deliberate overrides, with who and why; beside either kind
 * of ledger. Created by the first override ({@link ensureAuditTable}), not
 * with the ledger: most schemas never have one, and a table with a sequence
 * costs a fleet of fresh tenants as much as a migration each.
 */
function auditTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${ledgerTables(schema).audit} (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  version text NOT NULL,
  action text NOT NULL,
  by text,
  reason text,
  details jsonb
);`;
}

/**
 * Create the schema (if missing) and the ledger table. Run once, on first use.
 * With a `probe` taken under the same lock, the schema is not looked up again.
 *
 * @example
 * await createLedger(client, 'tenant_1', 'cutover');
 * await createLedger(client, 'public', 'sqlx'); // _sqlx_migrations, as sqlx creates it
 */
export async function createLedger(session: Session, schema: string, kind: LedgerKind, probe?: LedgerProbe): Promise<void> {
  const ledger = ledgerFor(schema, kind);
  const schemaExists = probe ? probe.schema : (await session.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists', [schema])).rows[0]?.exists;
  try {
    // Without waiting for the WAL flush: the migrations recorded in it commit after it, and the run's
    // last commit flushes the WAL (this too) before the run reports success. The schema, when it
    // is new, is made in the same transaction (one round trip).
    const createSchema = schemaExists ? '' : `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}; `;
    await session.query(`BEGIN; SET LOCAL synchronous_commit = off; ${createSchema}${ledger.createSql()} COMMIT`);
  } catch (error) {
    await session.query('ROLLBACK').catch(() => {}); // a failed CREATE leaves the transaction open
    if ((error as { code?: string }).code === SQLSTATE.INSUFFICIENT_PRIVILEGE) {
      throw new CutoverError('PERMISSION', `cannot create ${schemaExists ? 'the ledger table in schema' : 'schema'} ${ident(schema)}: ${(error as Error).message}`, {
        hint: schemaExists
          ? `Grant the migration role CREATE on the schema: GRANT CREATE ON SCHEMA ${ident(schema)} TO <role>;`
          : `Grant the migration role CREATE on the database (GRANT CREATE ON DATABASE <db> TO <role>;) or create the schema ${ident(schema)} beforehand.`,
        details: { schema, sqlstate: (error as { code?: string }).code },
        cause: error,
      });
    }
    throw error;
  }
}

/** What {@link probeLedger} found, in one round trip. */
export interface LedgerProbe {
  /** The ledger table exists. */
  ledger: boolean;
  /** The other kind's history table, if it exists (its qualified name). */
  other: string | null;
  /** The schema exists. */
  schema: boolean;
}

function otherLedger(ledger: Ledger): Ledger {
  return ledgerFor(ledger.schema, ledger.kind === 'sqlx' ? 'cutover' : 'sqlx');
}

/**
 * Whether the ledger, the other kind's history table and the schema exist,
 * in one query that cannot fail on a missing table: for a schema expected to
 * have no ledger yet (a fleet's new tenant), instead of a SELECT that fails
 * and leaves an ERROR line in the server log for every tenant.
 *
 * @example
 * const probe = await probeLedger(client, ledgerFor('tenant_1'));
 * if (!probe.ledger) await createLedger(client, 'tenant_1', 'cutover', probe);
 */
export async function probeLedger(session: Session, ledger: Ledger): Promise<LedgerProbe> {
  const result = await session.query<LedgerProbe>(
    'SELECT to_regclass($1) IS NOT NULL AS ledger, to_regclass($2)::text AS other, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $3) AS schema',
    [ledger.table, otherLedger(ledger).table, ledger.schema],
  );
  return result.rows[0]!;
}

/**
 * Before a ledger's first use: refuse when the schema's history is in the
 * other kind's table. A run with the wrong `--ledger` would otherwise see an
 * empty history and apply every migration again. With a `probe`, the other
 * table is not looked up again.
 *
 * @example
 * if ((await readLedger(client, 'public', { kind: 'sqlx' })) === undefined) await checkOtherLedger(client, ledgerFor('public', 'sqlx'));
 */
export async function checkOtherLedger(session: Session, ledger: Ledger, probe?: LedgerProbe): Promise<void> {
  const other = otherLedger(ledger);
  const found = probe ? probe.other : (await session.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [other.table])).rows[0]?.table;
  if (found == null) return;
  let rows: number;
  try {
    rows = (await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${other.table}`)).rows[0]?.n ?? 0;
  } catch {
    return; // not ours to read: nothing to say about it
  }
  if (rows === 0) return;
  throw new CutoverError('OTHER_LEDGER', `schema "${ledger.schema}" keeps its history in ${other.tableName} (${rows} row${rows === 1 ? '' : 's'}), but this run uses ${ledger.tableName}, which does not exist yet: every migration would run again`, {
    hint: ledger.kind === 'cutover'
      ? 'To share that table with a service running sqlx::migrate!, run with --ledger sqlx (docs/sqlx-ledger.md); to move the history to cutover\'s own ledger, cutover adopt --from sqlx.'
      : 'This schema is migrated with cutover\'s own ledger: run without --ledger sqlx (ledger "cutover", the default).',
    details: { schema: ledger.schema, ledger: ledger.kind, table: other.tableName, rows },
  });
}

/**
 * cutover's ledger: the SQL that records a migration (an upsert: a resolved
 * failure becomes applied). Literals are inlined so it can share a round
 * trip with the migration's COMMIT.
 *
 * @example
 * recordSql('public', entry); // 'INSERT INTO "public".cutover_migrations …'
 */
export function recordSql(schema: string, entry: LedgerEntry): string {
  const values = [
    literal(entry.version), literal(entry.name), literal(entry.phase), literal(entry.checksum), literal(entry.state),
    'now()', entry.durationMs === undefined ? '(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer' : literal(Math.round(entry.durationMs)), literal(entry.appliedBy), literal(entry.transactional),
    literal(entry.failedStatement ?? null), literal(entry.error ?? null),
  ].join(', ');
  return `INSERT INTO ${ledgerTables(schema).migrations} (version, name, phase, checksum, state, applied_at, duration_ms, applied_by, transactional, failed_statement, error)
VALUES (${values})
ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, phase = EXCLUDED.phase, checksum = EXCLUDED.checksum, state = EXCLUDED.state,
  applied_at = EXCLUDED.applied_at, duration_ms = EXCLUDED.duration_ms, applied_by = EXCLUDED.applied_by,
  transactional = EXCLUDED.transactional, failed_statement = EXCLUDED.failed_statement, error = EXCLUDED.error`;
}

/** cutover's ledger: the SQL that removes a version's row (rollback, `resolve --rolled-back`). */
export function forgetSql(schema: string, version: string): string {
  return `DELETE FROM ${ledgerTables(schema).migrations} WHERE version = ${literal(version)}`;
}

/**
 * Create `cutover_audit` if this is the schema's first override. Only when
 * it is missing: `CREATE TABLE IF NOT EXISTS` needs CREATE on the schema even
 * when the table exists, which a role that may only write the audit rows
 * lacks. Called under the schema's migration lock, so two runs never race.
 *
 * @example
 * await ensureAuditTable(connection, 'public'); await connection.query(auditSql('public', entry));
 */
export async function ensureAuditTable(session: Session, schema: string): Promise<void> {
  const { rows } = await session.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [ledgerTables(schema).audit]);
  if (rows[0]?.exists) return;
  try {
    await session.query(auditTableSql(schema));
  } catch (error) {
    if ((error as { code?: string }).code !== SQLSTATE.INSUFFICIENT_PRIVILEGE) throw error;
    throw new CutoverError('PERMISSION', `cannot create ${ledgerTables(schema).audit}, where overrides are recorded: ${(error as Error).message}`, {
      hint: `Grant the role CREATE on the schema (GRANT CREATE ON SCHEMA ${ident(schema)} TO <role>;), or have its owner run this override once.`,
      details: { schema, sqlstate: SQLSTATE.INSUFFICIENT_PRIVILEGE },
      cause: error,
    });
  }
}

/** The SQL that records a deliberate override in `cutover_audit` (created first: {@link ensureAuditTable}). */
export function auditSql(schema: string, entry: { version: string; action: string; by: string; reason?: string | undefined; details?: unknown }): string {
  return `INSERT INTO ${ledgerTables(schema).audit} (version, action, by, reason, details) VALUES (${literal(entry.version)}, ${literal(entry.action)}, ${literal(entry.by)}, ${literal(entry.reason ?? null)}, ${literal(entry.details === undefined ? null : JSON.stringify(entry.details))}::jsonb)`;
}
