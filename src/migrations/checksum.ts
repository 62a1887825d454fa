/**
 * The checksum contract (DESIGN §1): SHA-256 of the file's bytes after
 * stripping a UTF-8 BOM and turning CRLF into LF, so a Windows checkout
 * never looks edited; `-- cutover:lint-ignore` lines are left out (the
 * checksum covers what runs: adopting lint in an old repository must not
 * make its applied files look edited). Ledgers written before that rule
 * hold the whole text's checksum, which still matches ({@link checksumMatches}).
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

/** A whole line that is a `-- cutover:lint-ignore` comment (header or statement level). */
const LINT_IGNORE_LINE = /^[ \t]*--[ \t]*cutover:lint-ignore\b[^\n]*(?:\n|$)/gm;

/**
 * The checksums of a file's normalised text: `checksum` without its
 * lint-ignore lines, and `fileChecksum`, the whole text's, when it differs
 * (what ledgers written before the rule recorded).
 *
 * @example
 * scriptChecksums('-- cutover:lint-ignore prefer-text legacy\nCREATE TABLE t (n varchar);\n');
 * // { checksum: checksum('CREATE TABLE t (n varchar);\n'), fileChecksum: checksum(<the whole text>) }
 */
export function scriptChecksums(normalized: string): { checksum: string; fileChecksum?: string } {
  const code = normalized.includes('cutover:lint-ignore') ? normalized.replace(LINT_IGNORE_LINE, '') : normalized;
  const main = checksum(code);
  return code === normalized ? { checksum: main } : { checksum: main, fileChecksum: checksum(normalized) };
}

/**
 * Whether a recorded checksum is the script's: its own, or the whole file's
 * as ledgers written before lint-ignore lines were left out hold it.
 *
 * @example
 * checksumMatches(migration, row.checksum);
 */
export function checksumMatches(script: { checksum: string; fileChecksum?: string }, recorded: string): boolean {
  return recorded === script.checksum || (script.fileChecksum !== undefined && recorded === script.fileChecksum);
}
