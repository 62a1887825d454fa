/**
 * sqlx's rules for a migration file, for `--ledger sqlx` (docs/sqlx-ledger.md):
 * the checksum is SHA-384 of the file's contents exactly as read (no BOM
 * stripping, no CRLF normalisation: sqlx-core/src/migrate/migration.rs,
 * `checksum`); the description is the name after the first `_`, without
 * `.sql` / `.up.sql` / `.down.sql`, with `_` turned into spaces; a file runs
 * outside a transaction when its text starts with `-- no-transaction`
 * (sqlx-core/src/migrate/source.rs, `resolve_blocking`). Rows written with
 * these rules are the rows sqlx itself writes and checks.
 */
import { createHash } from 'node:crypto';
import { CutoverError } from '../errors.js';
import type { FormatId } from './formats/types.js';

/** The layouts whose versions are whole numbers, which `_sqlx_migrations.version bigint` can hold. */
export const SQLX_LEDGER_FORMATS: readonly FormatId[] = ['cutover', 'sqlx', 'golang-migrate'];

/**
 * sqlx's checksum (hex): SHA-384 of the file's bytes as read. A string (a
 * bundle) is hashed as its UTF-8 bytes.
 *
 * @example
 * sqlxChecksum(Buffer.from('SELECT 1;\r\n')) !== sqlxChecksum('SELECT 1;\n'); // true: CRLF counts
 */
export function sqlxChecksum(contents: Uint8Array | string): string {
  return createHash('sha384').update(typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents).digest('hex');
}

/**
 * sqlx's description of a migration file: the name after the first `_`,
 * without its suffix (`.up.sql`, `.down.sql`, `.sql`, stripped as often as it
 * repeats, like Rust's `trim_end_matches`), `_` turned into spaces.
 *
 * @example
 * sqlxDescription('20240101000000_create_users.up.sql'); // 'create users'
 */
export function sqlxDescription(file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  let rest = name.slice(name.indexOf('_') + 1);
  const suffix = rest.endsWith('.up.sql') ? '.up.sql' : rest.endsWith('.down.sql') ? '.down.sql' : '.sql';
  while (rest.endsWith(suffix)) rest = rest.slice(0, -suffix.length);
  return rest.replace(/_/g, ' ');
}

/**
 * Whether sqlx runs this file outside a transaction: its text (BOM included)
 * starts with `-- no-transaction`.
 *
 * @example
 * sqlxNoTransaction('-- no-transaction\nCREATE INDEX CONCURRENTLY …'); // true
 */
export function sqlxNoTransaction(text: string): boolean {
  return text.startsWith('-- no-transaction');
}

/**
 * `--ledger sqlx` with a layout whose versions are not whole numbers: a
 * CONFIG error naming both settings, or undefined when they fit.
 *
 * @example
 * sqlxFormatProblem('flyway', './migrations'); // CutoverError CONFIG
 */
export function sqlxFormatProblem(format: FormatId, location: string): CutoverError | undefined {
  if (SQLX_LEDGER_FORMATS.includes(format)) return undefined;
  return new CutoverError('CONFIG', `ledger "sqlx" cannot record the migrations of ${location}: format "${format}" has versions that are not whole numbers, and _sqlx_migrations.version is a bigint`, {
    hint: `Use --ledger sqlx only with the ${SQLX_LEDGER_FORMATS.join(', ')} layouts; keep cutover's own ledger (--ledger cutover, the default) for ${format}.`,
    details: { setting: 'ledger', ledger: 'sqlx', format },
  });
}

/**
 * Where cutover and sqlx would run a file differently (one in a transaction,
 * the other not): a BAD_DIRECTIVE problem naming the file, or undefined.
 *
 * @example
 * sqlxTransactionProblem('2_idx.sql', '-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY …', false); // BAD_DIRECTIVE
 */
export function sqlxTransactionProblem(file: string, text: string, transaction: boolean): CutoverError | undefined {
  const sqlxOutside = sqlxNoTransaction(text);
  if (sqlxOutside === !transaction) return undefined;
  const message = sqlxOutside
    ? `${file}:1: sqlx runs this file outside a transaction (it starts with "-- no-transaction") but cutover reads no such directive on that line`
    : `${file}:1: cutover runs this file outside a transaction, but sqlx would run it inside one: sqlx only knows "-- no-transaction" as the file's very first characters`;
  return new CutoverError('BAD_DIRECTIVE', message, {
    hint: 'With --ledger sqlx, mark a no-transaction migration with exactly "-- no-transaction" as its first line (no BOM, no space before it), instead of -- cutover:no-transaction.',
    details: { file, line: 1, directive: 'no-transaction' },
  });
}
