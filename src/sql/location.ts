/**
 * Positions in a file: libpg-query reports statement boundaries as UTF-8 byte
 * offsets and errors as character offsets; people want line and column, the
 * line itself and a caret under the spot. A {@link locator} answers many
 * questions about one text in one pass over it (issue 16.8: rescanning from
 * the start for each statement made large files quadratic).
 */

/** A place in a file, 1-based line and column. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** Line/column and byte-to-character answers for one text; see {@link locator}. */
export interface Locator {
  /** Line and column (1-based) of a character offset. */
  lineColumn(offset: number): { line: number; column: number };
  /** The character offset of a UTF-8 byte offset. */
  toChar(byteOffset: number): number;
  /** Characters and bytes stepped over so far (the work done: tests hold it linear in the text's size). */
  readonly steps: number;
}

/** UTF-8 length of the character at `i` (a surrogate pair counts 4 for both its halves together). */
function utf8Length(text: string, i: number): { bytes: number; chars: number } {
  const code = text.charCodeAt(i);
  if (code < 0x80) return { bytes: 1, chars: 1 };
  if (code < 0x800) return { bytes: 2, chars: 1 };
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return { bytes: 4, chars: 2 };
  }
  return { bytes: 3, chars: 1 }; // a lone surrogate is written as U+FFFD, 3 bytes
}

/**
 * Positions in `text`, answered by cursors that move forward: questions asked
 * in increasing order (statements come in order) cost one pass over the text
 * in all; a question behind a cursor starts that cursor again from the top.
 *
 * @example
 * const at = locator('é;\nx');
 * at.toChar(3); // 2
 * at.lineColumn(3); // { line: 2, column: 1 }
 */
export function locator(text: string): Locator {
  const lines = { offset: 0, line: 1, lineStart: 0 };
  const bytes = { byte: 0, char: 0 };
  const ascii = Buffer.byteLength(text) === text.length;
  const state = { steps: 0 };
  return {
    get steps() { return state.steps; },
    lineColumn(offset) {
      const target = Math.max(0, Math.min(offset, text.length));
      if (target < lines.offset) Object.assign(lines, { offset: 0, line: 1, lineStart: 0 });
      for (let at = text.indexOf('\n', lines.offset); at !== -1 && at < target; at = text.indexOf('\n', at + 1)) {
        lines.line++;
        lines.lineStart = at + 1;
      }
      state.steps += target - lines.offset;
      lines.offset = target;
      return { line: lines.line, column: offset - lines.lineStart + 1 };
    },
    toChar(byteOffset) {
      if (ascii) return byteOffset;
      if (byteOffset < bytes.byte) Object.assign(bytes, { byte: 0, char: 0 });
      while (bytes.byte < byteOffset && bytes.char < text.length) {
        const step = utf8Length(text, bytes.char);
        bytes.byte += step.bytes;
        bytes.char += step.chars;
        state.steps++;
      }
      return bytes.char;
    },
  };
}

/**
 * Line and column (1-based) of a character offset in `text` (one question:
 * ask a {@link locator} for many).
 *
 * @example
 * lineColumn('a\nbc', 3); // { line: 2, column: 2 }
 */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  return locator(text).lineColumn(offset);
}

/**
 * A code frame: `file:line:column`, the line, and a caret under the column.
 * Pass `at` when the line and column are known already (a statement's):
 * the frame then reads only the line itself.
 *
 * @example
 * codeFrame('x.sql', 'SELEC 1;', 1); // 'x.sql:1:1\n  1 | SELEC 1;\n    | ^'
 */
export function codeFrame(file: string, text: string, offset: number, at?: { line: number; column: number }): string {
  const { line, column } = at ?? lineColumn(text, offset);
  const end = Math.min(Math.max(0, offset), text.length);
  const lineStart = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const source = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  return `${file}:${line}:${column}\n  ${gutter} | ${source}\n  ${pad} | ${' '.repeat(Math.max(0, column - 1))}^`;
}

/**
 * Converts UTF-8 byte offsets into character offsets for one text (offsets
 * asked in increasing order: one pass in all).
 *
 * @example
 * byteToChar('é;x')(3); // 2
 */
export function byteToChar(text: string): (byteOffset: number) => number {
  const at = locator(text);
  return (offset) => at.toChar(offset);
}
