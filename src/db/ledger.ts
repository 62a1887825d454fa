/**
 * The ledger (DESIGN §1): `cutover_migrations` inside the target schema,
 * plus `cutover_audit`, where deliberate overrides (an accepted checksum, a
 * resolved failure) are recorded with who and why. Names are always
 * schema-qualified and quoted.
 */
import { CutoverError } from '../errors.js';
import type { LedgerRow } from '../plan/types.js';
import type { Phase } from '../migrations/types.js';
import type { Session } from './session.js';
import { ident, literal } from './sql.js';

/** SQLSTATEs decided on (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const SQLSTATE = {
  LOCK_NOT_AVAILABLE: '55P03',
  UNDEFINED_TABLE: '42P01',
  INVALID_SCHEMA_NAME: '3F000',
  INSUFFICIENT_PRIVILEGE: '42501',
  QUERY_CANCELED: '57014',
} as const;

/** The ledger's qualified table names for one schema. */
export function ledgerTables(schema: string): { migrations: string; audit: string } {
  return { migrations: `${ident(schema)}.cutover_migrations`, audit: `${ident(schema)}.cutover_audit` };
}

function createSql(schema: string): string {
  const t = ledgerTables(schema);
  return `CREATE TABLE IF NOT EXISTS ${t.migrations} (
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
);
CREATE TABLE IF NOT EXISTS ${t.audit} (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  version text NOT NULL,
  action text NOT NULL,
  by text,
  reason text,
  details jsonb
);`;
}

const COLUMNS = 'version, name, phase, checksum, state, applied_at, duration_ms, applied_by, failed_statement, error';

interface RawRow {
  version: string; name: string; phase: Phase; checksum: string; state: 'applied' | 'failed';
  applied_at: Date | null; duration_ms: number | null; applied_by: string | null; failed_statement: number | null; error: string | null;
}

function toRow(raw: RawRow): LedgerRow {
  return {
    version: raw.version, name: raw.name, phase: raw.phase, checksum: raw.checksum, state: raw.state,
    appliedAt: raw.applied_at, durationMs: raw.duration_ms, appliedBy: raw.applied_by,
    failedStatement: raw.failed_statement, error: raw.error,
  };
}

/**
 * Read the ledger, or `undefined` when it does not exist yet.
 *
 * @example
 * const rows = await readLedger(client, 'public');
 */
export async function readLedger(session: Session, schema: string): Promise<LedgerRow[] | undefined> {
  try {
    const result = await session.query<RawRow>(`SELECT ${COLUMNS} FROM ${ledgerTables(schema).migrations}`);
    return result.rows.map(toRow);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === SQLSTATE.UNDEFINED_TABLE || code === SQLSTATE.INVALID_SCHEMA_NAME) return undefined;
    // A schema created by someone else without grants: say so, not a bare pg error with its stack.
    if (code === SQLSTATE.INSUFFICIENT_PRIVILEGE) {
      throw new CutoverError('PERMISSION', `cannot read the ledger in schema ${ident(schema)}: ${(error as Error).message}`, {
        hint: `Grant the migration role the schema: GRANT USAGE, CREATE ON SCHEMA ${ident(schema)} TO <role>; (and access to its cutover_migrations and cutover_audit tables, if another role created them)`,
        details: { schema, sqlstate: code },
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Create the schema (if missing) and the ledger tables. Run once, on first use.
 *
 * @example
 * await createLedger(client, 'tenant_1');
 */
export async function createLedger(session: Session, schema: string): Promise<void> {
  const exists = await session.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists', [schema]);
  try {
    if (!exists.rows[0]?.exists) await session.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    await session.query(createSql(schema));
  } catch (error) {
    if ((error as { code?: string }).code === SQLSTATE.INSUFFICIENT_PRIVILEGE) {
      throw new CutoverError('PERMISSION', `cannot create ${exists.rows[0]?.exists ? 'the ledger table in schema' : 'schema'} ${ident(schema)}: ${(error as Error).message}`, {
        hint: exists.rows[0]?.exists
          ? `Grant the migration role CREATE on the schema: GRANT CREATE ON SCHEMA ${ident(schema)} TO <role>;`
          : `Grant the migration role CREATE on the database (GRANT CREATE ON DATABASE <db> TO <role>;) or create the schema ${ident(schema)} beforehand.`,
        details: { schema, sqlstate: (error as { code?: string }).code },
        cause: error,
      });
    }
    throw error;
  }
}

/** The fields written when a migration is recorded. */
export interface LedgerEntry {
  version: string;
  name: string;
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
 * The SQL that records a migration (an upsert: a resolved failure becomes applied).
 * Literals are inlined so it can share a round trip with the migration's COMMIT.
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

/** The SQL that removes a version's row (rollback, `resolve --rolled-back`). */
export function forgetSql(schema: string, version: string): string {
  return `DELETE FROM ${ledgerTables(schema).migrations} WHERE version = ${literal(version)}`;
}

/** The SQL that records a deliberate override in `cutover_audit`. */
export function auditSql(schema: string, entry: { version: string; action: string; by: string; reason?: string | undefined; details?: unknown }): string {
  return `INSERT INTO ${ledgerTables(schema).audit} (version, action, by, reason, details) VALUES (${literal(entry.version)}, ${literal(entry.action)}, ${literal(entry.by)}, ${literal(entry.reason ?? null)}, ${literal(entry.details === undefined ? null : JSON.stringify(entry.details))}::jsonb)`;
}
