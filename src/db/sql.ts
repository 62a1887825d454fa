/**
 * Building SQL text safely: identifiers are always quoted, literals always
 * escaped. A schema name is data (DESIGN §1 "Target schema").
 */

/**
 * Quote an identifier.
 *
 * @example
 * ident('tenant "one"'); // '"tenant ""one"""'
 */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The bytes Postgres keeps of a name (NAMEDATALEN - 1): https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS */
export const MAX_NAME_BYTES = 63;

/**
 * A name as Postgres stores it: cut to 63 bytes of UTF-8, never inside a
 * character (as Postgres's own pg_mbcliplen does).
 *
 * @example
 * storedName('x'.repeat(70)).length; // 63
 */
export function storedName(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= MAX_NAME_BYTES) return name;
  let end = MAX_NAME_BYTES;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back to the start of the character cut in two
  return bytes.subarray(0, end).toString('utf8');
}

/** Why a longer name is refused, never cut silently (issue 16.6). */
export const LONG_NAME_HINT = 'Postgres cuts names to their first 63 bytes, so two names sharing them would be one schema (and one migration lock): use a name of at most 63 bytes (in UTF-8: fewer characters when they are not ASCII).';

/**
 * What is wrong with a name longer than Postgres keeps, or undefined.
 *
 * @example
 * longNameProblem('t'.repeat(64)); // '64 bytes long: Postgres keeps 63'
 */
export function longNameProblem(name: string): string | undefined {
  const bytes = Buffer.byteLength(name);
  return bytes > MAX_NAME_BYTES ? `${bytes} bytes long: Postgres keeps ${MAX_NAME_BYTES}` : undefined;
}

/**
 * Quote a literal (standard_conforming_strings, on since PG 9.1).
 *
 * @example
 * literal("it's"); // "'it''s'"
 */
export function literal(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value.includes('\0')) throw new Error('a string with a NUL byte cannot be sent to Postgres');
  return `'${value.replace(/'/g, "''")}'`;
}
