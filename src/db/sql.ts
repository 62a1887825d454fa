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
