/**
 * A small SQL scanner for layouts that must look inside a file while it is
 * read, before the real parser (src/sql, loaded only for pending files) ever
 * runs: where each top-level statement starts and ends, skipping comments,
 * quoted strings, quoted identifiers and dollar quotes. golang-migrate's
 * layout uses it to tell a file wrapped in its own `BEGIN; … COMMIT;` and a
 * file of `CREATE INDEX CONCURRENTLY` alone. It errs on the safe side: a
 * file it misreads keeps its text and meets the real parser's checks.
 */

/** One top-level statement of a file. */
export interface ScannedStatement {
  /** Offset of the statement's first character (after blanks and comments). */
  start: number;
  /** Offset just past its terminating `;` (or the end of the text). */
  end: number;
  /** Its text with comments removed and blanks collapsed to one space (built when first read). */
  readonly code: string;
}

const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Offset just past a quoted string or identifier that opens at `from`. */
function quoteEnd(text: string, from: number, quote: string, backslashes: boolean): number {
  for (let i = from + 1; i < text.length; i++) {
    if (backslashes && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (text[i + 1] !== quote) return i + 1;
      i++; // a doubled quote stands for itself
    }
  }
  return text.length;
}

/** Offset just past a comment that opens at `from` (`--` to the end of the line, or nested `/* … *\/`). */
function commentEnd(text: string, from: number): number {
  if (text[from + 1] === '-') {
    const newline = text.indexOf('\n', from);
    return newline === -1 ? text.length : newline;
  }
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text.startsWith('/*', i)) {
      depth++;
      i++;
    } else if (text.startsWith('*/', i)) {
      if (--depth === 0) return i + 2;
      i++;
    }
  }
  return text.length;
}

/** Offset just past the token (string, dollar quote, or one character) at `from`. */
function tokenEnd(text: string, from: number): number {
  const c = text[from]!;
  const before = text[from - 1] ?? ' ';
  if (c === "'") return quoteEnd(text, from, "'", /[eE]/.test(before) && !IDENTIFIER_CHAR.test(text[from - 2] ?? ' '));
  if (c === '"') return quoteEnd(text, from, '"', false);
  if (c === '$' && !IDENTIFIER_CHAR.test(before)) {
    DOLLAR_TAG.lastIndex = from;
    const tag = DOLLAR_TAG.exec(text);
    if (tag) {
      const close = text.indexOf(tag[0], from + tag[0].length);
      return close === -1 ? text.length : close + tag[0].length;
    }
  }
  return from + 1;
}

/**
 * The top-level statements of a SQL text, in order; empty statements (`;;`)
 * and comments are skipped.
 *
 * @example
 * scanStatements("BEGIN;\n-- note\nINSERT INTO t VALUES (';');\nCOMMIT;").map((s) => s.code);
 * // ['BEGIN', "INSERT INTO t VALUES (';')", 'COMMIT']
 */
export function scanStatements(text: string): ScannedStatement[] {
  const statements: ScannedStatement[] = [];
  // Plain runs between the characters that matter are skipped whole, and a statement's code is
  // only assembled when asked for: every file is scanned on every load.
  const special = /--|\/\*|[;'"$]/g;
  let pieces: number[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start !== -1) statements.push(new Statement(text, start, end, pieces));
    pieces = [];
    start = -1;
  };
  const take = (from: number, to: number) => {
    if (start === -1) {
      while (from < to && /\s/.test(text[from]!)) from++;
      if (from === to) return;
      start = from;
    }
    pieces.push(from, to);
  };
  for (let i = 0; i < text.length;) {
    special.lastIndex = i;
    const match = special.exec(text);
    const at = match ? match.index : text.length;
    if (at > i) take(i, at);
    if (!match) break;
    if (match[0] === '--' || match[0] === '/*') {
      i = commentEnd(text, at);
      if (start !== -1) pieces.push(-1, -1); // a comment separates tokens like a blank
    } else if (match[0] === ';') {
      flush(at + 1);
      i = at + 1;
    } else {
      i = tokenEnd(text, at);
      take(at, i);
    }
  }
  flush(text.length);
  return statements;
}

/** A statement whose code (the text of its pieces, comments left out) is built when first read. */
class Statement implements ScannedStatement {
  #code: string | undefined;
  constructor(private readonly text: string, readonly start: number, readonly end: number, private readonly pieces: number[]) {}
  get code(): string {
    if (this.#code === undefined) {
      const parts: string[] = [];
      for (let i = 0; i < this.pieces.length; i += 2) parts.push(this.pieces[i] === -1 ? ' ' : this.text.slice(this.pieces[i], this.pieces[i + 1]));
      this.#code = parts.join('').replace(/\s+/g, ' ').trim();
    }
    return this.#code;
  }
}

/**
 * Offsets just past a top-level `;`, about `every` characters apart: where a
 * large text can be cut into pieces of whole statements (src/sql parses a
 * large file a piece at a time). Comments, quotes and dollar quotes are
 * skipped as {@link scanStatements} skips them; a cut it places wrongly (in
 * a `BEGIN ATOMIC` body) only makes the parser join two pieces again.
 *
 * @example
 * statementCuts('SELECT 1; SELECT 2; SELECT 3;', 10); // [19]
 */
export function statementCuts(text: string, every: number): number[] {
  const cuts: number[] = [];
  const special = /--|\/\*|[;'"$]/g;
  let last = 0;
  for (let i = 0; i < text.length;) {
    special.lastIndex = i;
    const match = special.exec(text);
    if (!match) break;
    const at = match.index;
    if (match[0] === '--' || match[0] === '/*') i = commentEnd(text, at);
    else if (match[0] === ';') {
      i = at + 1;
      if (i - last >= every && i < text.length) {
        cuts.push(i);
        last = i;
      }
    } else i = tokenEnd(text, at);
  }
  return cuts;
}
