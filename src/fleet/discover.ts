/**
 * Target discovery: which schemas of a database a {@link TargetSpec}
 * selects. Exact names are taken as given (created on first use); a schema
 * list (`--schemas`, names and globs: glob.ts) is matched against the catalog; a query's one text column is taken as names;
 * `allSchemas` finds every schema holding a cutover ledger. Names are data:
 * they come back as values and are only ever quoted later, never spliced.
 */
import { CutoverError } from '../errors.js';
import type { Session } from '../db/session.js';
import { describeUrl } from '../db/url.js';
import { isSystemSchema, requireSchemas } from '../config/schema-list.js';
import type { TargetSpec } from './types.js';

/** The query finding every schema with a ledger table ($1: `cutover_migrations`, or `_sqlx_migrations` with --ledger sqlx). */
const LEDGER_SCHEMAS = `SELECT n.nspname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relname = $1 AND c.relkind IN ('r', 'p')`;

async function runTargetQuery(session: Session, query: string): Promise<string[]> {
  let result;
  try {
    // The user's query only names schemas: a read-only session keeps it from changing anything.
    await session.query('SET default_transaction_read_only = on');
    result = await session.query<Record<string, unknown>>(query);
  } catch (error) {
    throw new CutoverError('TARGET_QUERY', `--schemas-query failed: ${(error as Error).message}`, {
      hint: 'Give a SELECT returning one text column of schema names, e.g. SELECT schema_name FROM tenants WHERE active.',
      details: { query, sqlstate: (error as { code?: string }).code },
      cause: error,
    });
  }
  const rows = result.rows;
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  if (columns.length > 1) {
    throw new CutoverError('TARGET_QUERY', `--schemas-query returned ${columns.length} columns (${columns.join(', ')}); it must return one`, {
      hint: 'Select only the schema name column.', details: { query, columns },
    });
  }
  const names: string[] = [];
  for (const row of rows) {
    const value = row[columns[0]!];
    if (typeof value !== 'string' || value === '') {
      throw new CutoverError('TARGET_QUERY', `--schemas-query returned ${JSON.stringify(value)}, not a schema name`, {
        hint: 'Return a non-empty text column (cast with ::text); filter out NULLs.', details: { query },
      });
    }
    names.push(value);
  }
  return names;
}

/**
 * The schema names `spec` selects on `session`'s database, deduplicated, sorted.
 *
 * @example
 * await discoverSchemas(client, { url, pattern: 'tenant_*' }); // ['tenant_1', 'tenant_2']
 */
export async function discoverSchemas(session: Session, spec: TargetSpec, ledgerTable = 'cutover_migrations'): Promise<string[]> {
  const found = new Set<string>(spec.schemas ?? []);
  if (spec.pattern !== undefined) {
    const all = await session.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace');
    for (const name of requireSchemas(all.rows.map((r) => r.name), spec.pattern, describeUrl(spec.url), false)) found.add(name);
  }
  if (spec.query !== undefined) for (const name of await runTargetQuery(session, spec.query)) found.add(name);
  if (spec.allSchemas) {
    const result = await session.query<{ name: string }>(LEDGER_SCHEMAS, [ledgerTable]);
    for (const row of result.rows) if (!isSystemSchema(row.name)) found.add(row.name);
  }
  return [...found].sort(compareNames);
}

/** Code-point order: deterministic whatever the locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a spec needs the database to know its schemas. */
export function needsDiscovery(spec: TargetSpec): boolean {
  return spec.pattern !== undefined || spec.query !== undefined || spec.allSchemas === true;
}
