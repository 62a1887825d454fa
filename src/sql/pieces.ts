/**
 * Large texts are parsed a piece at a time (issue 16.9). libpg-query builds
 * the whole parse tree of a text in its WASM heap and returns it as one JSON
 * string: a 50 MB file of 520k statements ran out of that heap and came back
 * as a false "syntax error". A text over {@link PIECE_CHARS} is cut after a
 * top-level `;` into pieces of whole statements, each parsed alone, and the
 * answers are put back together with the offsets of the whole text — so the
 * parser's memory is bounded by the piece, not the file. A piece that does
 * not parse alone (a cut inside a `BEGIN ATOMIC` body) is joined with the
 * next and parsed again; an error that stays where it was is the file's.
 */
import { statementCuts } from '../migrations/formats/scan-statements.js';
import type { ParseOutcome, RawStatement } from './parse-host.js';

/** Characters per piece: small next to the WASM heap, large enough that the per-call cost stays negligible. */
export const PIECE_CHARS = 1 << 20;

type ParseOne = (text: string) => Promise<ParseOutcome>;

/** Postgres counts an error's position in characters (code points); JavaScript strings count UTF-16 units. */
function utf16Offset(text: string, codePoints: number): number {
  let offset = 0;
  for (let n = 0; n < codePoints && offset < text.length; n++) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff && offset + 1 < text.length ? 2 : 1;
  }
  return offset;
}

/**
 * Parse `text` with `parseOne`, a piece at a time when it is large; the
 * outcome is the one of the whole text (byte offsets for statements,
 * character offsets for an error).
 *
 * @example
 * const outcome = await parseInPieces(sql, (piece) => parser.request(piece, { tree: false }));
 */
export async function parseInPieces(text: string, parse: ParseOne, pieceChars = PIECE_CHARS): Promise<ParseOutcome> {
  const parseOne = async (piece: string): Promise<ParseOutcome> => {
    const outcome = await parse(piece);
    if (!('error' in outcome)) return outcome;
    return { error: { ...outcome.error, cursorPosition: outcome.error.limit ? 0 : utf16Offset(piece, outcome.error.cursorPosition) } };
  };
  if (text.length <= pieceChars) return parseOne(text);
  const bounds = [0, ...statementCuts(text, pieceChars), text.length];
  const stmts: RawStatement[] = [];
  let byteOffset = 0;
  for (let i = 0; i + 1 < bounds.length;) {
    const from = bounds[i]!;
    let next = i + 1;
    let outcome = await parseOne(text.slice(from, bounds[next]));
    // An error at the very end of a piece may be a cut in the wrong place: join the next piece and try again.
    while ('error' in outcome && !outcome.error.limit && next + 1 < bounds.length && outcome.error.cursorPosition >= bounds[next]! - from - 1) {
      next++;
      outcome = await parseOne(text.slice(from, bounds[next]));
    }
    if ('error' in outcome) return { error: { ...outcome.error, cursorPosition: outcome.error.cursorPosition + from } };
    const piece = text.slice(from, bounds[next]);
    const pieceBytes = Buffer.byteLength(piece);
    for (const raw of outcome.stmts) {
      const location = raw.stmt_location ?? 0;
      // The last statement of a piece runs to the piece's end, not the file's.
      stmts.push({ ...raw, stmt_location: location + byteOffset, stmt_len: raw.stmt_len || pieceBytes - location });
    }
    byteOffset += pieceBytes;
    i = next;
  }
  return { stmts };
}
