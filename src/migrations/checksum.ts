/**
 * The checksum contract (DESIGN §1): SHA-256 of the file's bytes after
 * stripping a UTF-8 BOM and turning CRLF into LF, so a Windows checkout
 * never looks edited.
 */
import { createHash } from 'node:crypto';

/**
 * Normalise a file's text: drop a leading BOM, CRLF → LF.
 *
 * @example
 * normalizeText('\uFEFFSELECT 1;\r\n'); // 'SELECT 1;\n'
 */
export function normalizeText(text: string): string {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n/g, '\n');
}

/**
 * SHA-256 hex of normalised text.
 *
 * @example
 * checksum('SELECT 1;\n') === checksum('SELECT 1;\r\n'); // true
 */
export function checksum(normalized: string): string {
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}
