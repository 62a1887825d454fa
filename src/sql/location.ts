/**
 * Positions in a file: libpg-query reports statement boundaries as UTF-8 byte
 * offsets and errors as character offsets; people want line and column, the
 * line itself and a caret under the spot.
 */

/** A place in a file, 1-based line and column. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/**
 * Line and column (1-based) of a character offset in `text`.
 *
 * @example
 * lineColumn('a\nbc', 3); // { line: 2, column: 2 }
 */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * A code frame: `file:line:column`, the line, and a caret under the column.
 *
 * @example
 * codeFrame('x.sql', 'SELEC 1;', 1); // 'x.sql:1:1\n  1 | SELEC 1;\n    | ^'
 */
export function codeFrame(file: string, text: string, offset: number): string {
  const { line, column } = lineColumn(text, offset);
  const source = text.split('\n')[line - 1] ?? '';
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  return `${file}:${line}:${column}\n  ${gutter} | ${source}\n  ${pad} | ${' '.repeat(Math.max(0, column - 1))}^`;
}

/**
 * Converts UTF-8 byte offsets into character offsets for one text.
 *
 * @example
 * byteToChar('é;x')(3); // 2
 */
export function byteToChar(text: string): (byteOffset: number) => number {
  if (Buffer.byteLength(text) === text.length) return (offset) => offset; // ASCII: identical
  const bytes = Buffer.from(text, 'utf8');
  return (offset) => bytes.subarray(0, offset).toString('utf8').length;
}
