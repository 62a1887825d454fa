/**
 * The checksums other tools record, computed again from a file, so adoption
 * can tell a file edited since the tool applied it:
 * - sqlx: SHA-384 of the file's bytes as read (BOM and CRLF included);
 *   sqlx.toml's `ignored-chars = ["\r"]` hashes them without carriage returns.
 * - Flyway: CRC32 of the UTF-8 of each line without its terminator, the
 *   first line without a BOM (`ChecksumCalculator`), as a signed 32-bit int.
 * - Prisma: SHA-256 hex of migration.sql; it accepts the file with its line
 *   endings turned either way (`script_matches_checksum`).
 * - drizzle: SHA-256 hex of the file's text with CRLF turned into LF
 *   (drizzle-orm `readMigrationFiles`).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { sqlxChecksum } from '../migrations/sqlx-rules.js';
import type { ToolChecksum } from './types.js';

export { sqlxChecksum };

const utf8 = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function bytesOf(contents: Uint8Array | string): Uint8Array {
  return typeof contents === 'string' ? utf8.encode(contents) : contents;
}

function textOf(contents: Uint8Array | string): string {
  // A TextDecoder drops a leading BOM unless told not to: keep it, sqlx and Prisma hash it.
  return typeof contents === 'string' ? contents : new TextDecoder('utf-8', { ignoreBOM: true }).decode(contents);
}

/**
 * Flyway's checksum of a SQL migration: CRC32 over its lines without line
 * terminators (so CRLF and LF give the same), BOM dropped, signed.
 *
 * @example
 * flywayChecksum('CREATE TABLE t ();\r\n') === flywayChecksum('CREATE TABLE t ();\n'); // true
 */
export function flywayChecksum(contents: Uint8Array | string): number {
  const text = typeof contents === 'string' ? contents : decoder.decode(contents);
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Required here, not imported: the library's entry loads this module, and only adopting from Flyway needs zlib.
  const { crc32 } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  return crc32(withoutBom.replace(/[\r\n]/g, '')) | 0;
}

/**
 * Prisma's checksum: SHA-256 (hex) of migration.sql.
 *
 * @example
 * prismaChecksum('CREATE TABLE t ();\n'); // 64 hex digits
 */
export function prismaChecksum(contents: Uint8Array | string): string {
  return createHash('sha256').update(bytesOf(contents)).digest('hex');
}

/**
 * drizzle's `__drizzle_migrations.hash`: SHA-256 (hex) of the text with CRLF turned into LF.
 *
 * @example
 * drizzleChecksum('CREATE TABLE t ();\r\n') === drizzleChecksum('CREATE TABLE t ();\n'); // true
 */
export function drizzleChecksum(contents: Uint8Array | string): string {
  return createHash('sha256').update(textOf(contents).replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/**
 * The recorded checksum as text, for reports.
 *
 * @example
 * describeChecksum({ kind: 'crc32', value: -42 }); // 'crc32:-42'
 */
export function describeChecksum(checksum: ToolChecksum): string {
  return checksum.kind === 'crc32' ? `crc32:${checksum.value}` : `${checksum.kind}:${checksum.hex}`;
}

/**
 * The same kind of checksum computed from `contents`, as text.
 *
 * @example
 * computeLike({ kind: 'crc32', value: 1 }, 'abc'); // 'crc32:891568578'
 */
export function computeLike(checksum: ToolChecksum, contents: Uint8Array | string): string {
  if (checksum.kind === 'crc32') return `crc32:${flywayChecksum(contents)}`;
  const hex = checksum.kind === 'sha384' ? sqlxChecksum(contents) : checksum.kind === 'sha256-lf' ? drizzleChecksum(contents) : prismaChecksum(contents);
  return `${checksum.kind}:${hex}`;
}

/**
 * Does the file still have the checksum the tool recorded?
 *
 * @example
 * checksumMatches({ kind: 'crc32', value: flywayChecksum(text) }, text); // true
 */
export function checksumMatches(checksum: ToolChecksum, contents: Uint8Array | string): boolean {
  switch (checksum.kind) {
    case 'crc32':
      return flywayChecksum(contents) === checksum.value;
    case 'sha384': {
      const hex = checksum.hex.toLowerCase();
      return sqlxChecksum(contents) === hex || sqlxChecksum(textOf(contents).replace(/\r/g, '')) === hex;
    }
    case 'sha256': {
      const hex = checksum.hex.toLowerCase();
      const text = textOf(contents);
      const lf = text.replace(/\r\n/g, '\n');
      return [bytesOf(contents), lf, lf.replace(/\n/g, '\r\n')].some((variant) => prismaChecksum(variant) === hex);
    }
    case 'sha256-lf':
      return drizzleChecksum(contents) === checksum.hex.toLowerCase();
  }
}
