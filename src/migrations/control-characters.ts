/**
 * Control characters are bad input (issue 16.7). Postgres reads a query
 * string only up to a NUL byte, so `CREATE TABLE n();\0DROP TABLE a;` ran as
 * one statement and was recorded applied; the other control characters are
 * never part of hand-written SQL either (a mis-saved file, a binary pasted in).
 * Tab, line feed, carriage return and form feed are whitespace to Postgres and
 * stay allowed; a control character meant as data is written as an escape
 * (`E'\x01'`, `chr(1)`).
 */
import { CutoverError } from '../errors.js';
import { lineColumn } from '../sql/location.js';

// C0 controls but tab, LF, FF, CR; DEL; the C1 controls (U+0080-U+009F, usually a Windows-1252 file decoded wrongly).
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/;

/**
 * The error for the first control character in a file's text, or undefined.
 *
 * @example
 * controlCharacterProblem('1_a.sql', 'SELECT 1;\0DROP TABLE a;')?.code; // 'CONTROL_CHARACTER'
 */
export function controlCharacterProblem(file: string, text: string): CutoverError | undefined {
  const match = CONTROL.exec(text);
  if (!match) return undefined;
  const { line, column } = lineColumn(text, match.index);
  const code = match[0].charCodeAt(0);
  const name = code === 0 ? 'a NUL byte' : `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return new CutoverError('CONTROL_CHARACTER', `${file}:${line}:${column}: ${name} in the file`, {
    hint: code === 0
      ? 'Remove it: Postgres would read the statement only up to it and silently drop the rest of the file. Check how the file was written (an editor or tool that saved binary data?).'
      : 'Remove it, or write it as an escape in a string literal (E\'\\x01\', chr(1)); a file saved in Windows-1252 shows up this way: re-save it as UTF-8.',
    details: { file, line, column, character: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` },
  });
}
