/**
 * Parse many files in one call of the parser. libpg-query's per-call cost
 * dominates on many small files while its WASM code is still cold (1,000
 * one-statement files: ~150 ms one by one, ~15 ms as one text), so migrate and
 * lint join the files with `\n;` and maps each statement back to its file. The result
 * is what {@link splitStatements} returns per file (a test holds them equal;
 * only the parse tree's inner `location`s count from the joined text, and no
 * rule reads them); if the joined text does not parse, each file is parsed alone so
 * the error names the right file, line and column.
 */
import type { MigrationScript } from '../migrations/types.js';
import { byteToChar, lineColumn } from './location.js';
import { loadParser } from './parser.js';
import { needsNoTransaction, splitStatements, type AstNode, type Statement } from './statements.js';

const SEPARATOR = '\n;';

/**
 * The statements of each script, as `splitStatements` would give them.
 *
 * @example
 * const [first, second] = await splitMany([a, b]);
 */
export async function splitMany(scripts: readonly Pick<MigrationScript, 'file' | 'sql'>[]): Promise<Statement[][]> {
  const parse = await loadParser();
  const joined = scripts.map((s) => s.sql).join(SEPARATOR);
  let result;
  try {
    result = parse(joined);
  } catch {
    return Promise.all(scripts.map((s) => splitStatements(s))); // names the failing file precisely
  }
  // Byte offset where each file starts in the joined text.
  const starts: number[] = [];
  let offset = 0;
  for (const script of scripts) {
    starts.push(offset);
    offset += Buffer.byteLength(script.sql) + Buffer.byteLength(SEPARATOR);
  }
  // A statement must not run across a file boundary (an unterminated $$ closed by the next
  // file would parse joined but not alone): then each file is parsed alone.
  const fileEnd = (i: number) => starts[i]! + Buffer.byteLength(scripts[i]!.sql);
  const crosses = (result.stmts ?? []).some((raw) => {
    const location = raw.stmt_location ?? 0;
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1]! <= location) i++;
    return raw.stmt_len !== undefined && raw.stmt_len > 0 && location + raw.stmt_len > fileEnd(i) + Buffer.byteLength(SEPARATOR);
  });
  if (crosses) return Promise.all(scripts.map((s) => splitStatements(s)));
  const out: Statement[][] = scripts.map(() => []);
  const cache = scripts.map(() => undefined as undefined | { bytes: Buffer; toChar: (b: number) => number });
  let fileIndex = 0;
  for (const raw of result.stmts ?? []) {
    const location = raw.stmt_location ?? 0;
    while (fileIndex + 1 < scripts.length && location >= starts[fileIndex + 1]!) fileIndex++;
    const script = scripts[fileIndex]!;
    const file = (cache[fileIndex] ??= { bytes: Buffer.from(script.sql, 'utf8'), toChar: byteToChar(script.sql) });
    const startByte = Math.max(0, location - starts[fileIndex]!);
    const endByte = raw.stmt_len ? Math.min(file.bytes.length, startByte + raw.stmt_len) : file.bytes.length;
    const rawText = file.bytes.subarray(startByte, endByte).toString('utf8');
    if (rawText.trim() === '') continue; // the separator's own empty statement
    const lead = rawText.length - rawText.trimStart().length;
    const start = file.toChar(startByte) + lead;
    const node = (raw.stmt ?? {}) as AstNode;
    const kind = Object.keys(node)[0] ?? 'Unknown';
    const inner = node[kind] as AstNode;
    const statement: Statement = {
      index: out[fileIndex]!.length, text: rawText.trim(), start, end: file.toChar(endByte), ...lineColumn(script.sql, start), kind, node: inner,
    };
    const reason = needsNoTransaction(kind, inner);
    if (reason) statement.needsNoTransaction = reason;
    out[fileIndex]!.push(statement);
  }
  return out;
}
