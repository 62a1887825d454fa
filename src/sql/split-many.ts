/**
 * Parse many files with few calls of the parser. libpg-query's per-call cost
 * dominates on many small files while its WASM code is still cold (1,000
 * one-statement files: ~150 ms one by one, ~15 ms as one text), so migrate and
 * lint join the files of a chunk with `\n;` and map each statement back to its
 * file. The result is what {@link splitStatements} returns per file (a test
 * holds them equal; only the parse tree's inner `location`s count from the
 * joined text, and no rule reads them); if the joined text does not parse,
 * each file is parsed alone so the error names the right file, line and
 * column. The parsing itself happens in a child process (./parse-host.ts).
 */
import type { MigrationScript } from '../migrations/types.js';
import { locator } from './location.js';
import { parseTexts, type ParseOutcome, type Parser } from './parse-host.js';
import { classify, NO_TRANSACTION_NODE_KINDS, splitStatements, type AstNode, type Statement } from './statements.js';

const SEPARATOR = '\n;';
const SEPARATOR_BYTES = Buffer.byteLength(SEPARATOR);

type Script = Pick<MigrationScript, 'file' | 'sql'>;

/** Options of {@link splitChunks} and {@link splitMany}. */
export interface SplitOptions {
  /**
   * Keep each statement's parse tree in `node` (default true). Without it,
   * `node` holds only what {@link needsNoTransaction} reads, for the kinds it
   * reads it from, and is empty otherwise: enough to run and validate files.
   */
  tree?: boolean;
  /** An open parser to use (and leave open), e.g. one opened before the files were read. */
  parser?: Parser;
}

/**
 * Each script's statements from the parse of their joined text, or undefined
 * when that text did not parse or a statement ran across a file boundary (an
 * unterminated $$ closed by the next file would parse joined but not alone).
 */
function statementsOf(scripts: readonly Script[], outcome: ParseOutcome): Statement[][] | undefined {
  if ('error' in outcome) return undefined;
  // Byte offset where each file starts in the joined text.
  const starts: number[] = [];
  const lengths: number[] = [];
  let offset = 0;
  for (const script of scripts) {
    starts.push(offset);
    lengths.push(Buffer.byteLength(script.sql));
    offset += lengths[lengths.length - 1]! + SEPARATOR_BYTES;
  }
  const fileEnd = (i: number) => starts[i]! + lengths[i]!;
  const out: Statement[][] = scripts.map(() => []);
  // Byte offsets to text: an ASCII file (byte length = length) is sliced as it is, without a copy;
  // line, column and character offsets from one locator per file (statements come in order).
  const textOf = (i: number) => {
    const sql = scripts[i]!.sql;
    const at = locator(sql);
    const lineColumn = (offset: number) => at.lineColumn(offset);
    if (lengths[i] === sql.length) return { slice: (from: number, to: number) => sql.slice(from, to), toChar: (b: number) => b, lineColumn };
    const bytes = Buffer.from(sql, 'utf8');
    return { slice: (from: number, to: number) => bytes.subarray(from, to).toString('utf8'), toChar: (b: number) => at.toChar(b), lineColumn };
  };
  const cache: (ReturnType<typeof textOf> | undefined)[] = scripts.map(() => undefined);
  let fileIndex = 0;
  for (const raw of outcome.stmts) {
    const location = raw.stmt_location ?? 0;
    while (fileIndex + 1 < scripts.length && location >= starts[fileIndex + 1]!) fileIndex++;
    if (raw.stmt_len !== undefined && raw.stmt_len > 0 && location + raw.stmt_len > fileEnd(fileIndex) + SEPARATOR_BYTES) return undefined;
    const script = scripts[fileIndex]!;
    const file = (cache[fileIndex] ??= textOf(fileIndex));
    const startByte = Math.max(0, location - starts[fileIndex]!);
    const endByte = raw.stmt_len ? Math.min(lengths[fileIndex]!, startByte + raw.stmt_len) : lengths[fileIndex]!;
    const rawText = file.slice(startByte, endByte);
    if (rawText.trim() === '') continue; // the separator's own empty statement
    const lead = rawText.length - rawText.trimStart().length;
    const start = file.toChar(startByte) + lead;
    const node = (raw.node ?? {}) as AstNode;
    const statement: Statement = {
      index: out[fileIndex]!.length, text: rawText.trim(), start, end: file.toChar(endByte), ...file.lineColumn(start), kind: raw.kind, node,
    };
    classify(statement);
    out[fileIndex]!.push(statement);
  }
  return out;
}

/** Files per parser call: small calls keep libpg-query's WASM heap and the JSON it returns small (a 64-file call of the benchmark's files takes ~3x as long per file as four 16-file calls). */
const CHUNK = 16;

/**
 * The scripts a chunk at a time with their statements, in order: each chunk
 * is parsed as one text, the next ones meanwhile. `statements` is undefined
 * for a chunk that did not parse as a whole: parse its files alone
 * ({@link splitStatements}, which names the failing file, line and column).
 *
 * @example
 * for await (const { scripts, statements } of splitChunks(migrations, { tree: false })) console.log(scripts.length, statements?.length);
 */
export async function* splitChunks<S extends Script>(scripts: readonly S[], options: SplitOptions & { chunk?: number } = {}): AsyncGenerator<{ scripts: S[]; statements: Statement[][] | undefined }> {
  const size = Math.max(1, options.chunk ?? CHUNK);
  const chunks: S[][] = [];
  for (let from = 0; from < scripts.length; from += size) chunks.push(scripts.slice(from, from + size));
  let index = 0;
  const outcomes = parseTexts(chunks.map((chunk) => chunk.map((s) => s.sql).join(SEPARATOR)), {
    tree: options.tree ?? true, detail: NO_TRANSACTION_NODE_KINDS, ...(options.parser ? { parser: options.parser } : {}),
  });
  for await (const outcome of outcomes) {
    const chunk = chunks[index++]!;
    yield { scripts: chunk, statements: statementsOf(chunk, outcome) };
  }
}

/**
 * The statements of each script, as `splitStatements` would give them.
 *
 * @example
 * const [first, second] = await splitMany([a, b]);
 */
export async function splitMany(scripts: readonly Script[], options: SplitOptions = {}): Promise<Statement[][]> {
  for await (const { statements } of splitChunks(scripts, { ...options, chunk: scripts.length })) {
    return statements ?? Promise.all(scripts.map((s) => splitStatements(s))); // names the failing file precisely
  }
  return [];
}
