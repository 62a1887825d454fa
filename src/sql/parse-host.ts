/**
 * Where the parser runs for batches of files: a short-lived child process
 * (`node --liftoff-only`), falling back to this process when none can be
 * started. The CLI parses in its own process, which sets the same flag for
 * itself ({@link parseHereWithLiftoff}), for `lint` and for a few pending
 * files ({@link PARSE_HERE_UP_TO}).
 *
 * Why a child: V8 tiers hot WebAssembly up to optimised code in background
 * threads. libpg-query's parser functions are huge, so a one-off parse of a
 * few hundred files pays several hundred ms of CPU for optimised code it
 * barely uses, and Node waits for those compile jobs before the process can
 * exit; the baseline (Liftoff) code alone parses 200 files in about half the
 * wall time and a third of the CPU. A library must not set V8 flags in its
 * host's process, but it may in its own child. The child also takes the
 * parser's WASM heap (tens of MB, never given back) with it when it exits:
 * the caller's peak memory stays flat.
 *
 * The child is a small inline script (no file to locate in src/, dist/ or the
 * bundle) that loads libpg-query from where this module resolves it, parses
 * each text it is sent and answers with the statements' boundaries and kinds
 * (and parse trees when asked for). Results come back in order, a few texts
 * ahead of the consumer. A child that cannot start or dies (an unknown flag
 * in some future Node.js: exit 9) leaves its texts to this process. It is
 * started only when there is something to parse, and ends when the run (or
 * the lint) that opened it closes it.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadParser } from './parser.js';
import { parseInPieces } from './pieces.js';

/** One top-level statement as the parser reports it (byte offsets in the text). */
export interface RawStatement {
  stmt_location?: number;
  stmt_len?: number;
  /** The parse node's name: `CreateStmt`, `IndexStmt` … */
  kind: string;
  /** The parse node (libpg-query's JSON AST): always with `tree`, else only for the `detail` kinds. */
  node?: Record<string, unknown>;
}

/** What parsing one text gave: its statements, or the parser's error. */
export type ParseOutcome = { stmts: RawStatement[] } | { error: ParseError };

/** The parser's error: a syntax error at `cursorPosition`, or (`limit`) the parser itself gave out (its memory), not the SQL. */
export interface ParseError {
  message: string;
  cursorPosition: number;
  limit?: true;
}

/** Options of {@link parseTexts}. */
export interface ParseTextsOptions {
  /** Return every statement's parse tree (the linter), not only boundaries and kinds. */
  tree: boolean;
  /** Kinds whose parse node is returned even without `tree`. */
  detail?: readonly string[];
}

// The child: plain JavaScript, run with `node -e`; argv[1] is libpg-query's resolved entry. It
// answers with libpg-query's JSON text itself (parse trees wanted), or with the statements'
// boundaries and kinds re-encoded as JSON (light): a string crosses the IPC channel in one copy,
// where a deserialised object tree costs more than parsing the JSON again. The raw JSON comes
// from libpg-query's WASM module through libpg_query's C API (wasm_parse_query_raw returns a
// PgQueryParseResult: parse_tree, stderr_buffer, error); if that is not as expected, the child
// uses the package's parseSync and re-encodes its result.
const CHILD_SOURCE = `'use strict';
const entry = process.argv[1];
async function rawParser() {
  const M = await require(require('node:path').join(require('node:path').dirname(entry), 'libpg-query.js'))();
  const parse = (text) => {
    const size = M.lengthBytesUTF8(text) + 1;
    const input = M._malloc(size);
    let result = 0;
    try {
      M.stringToUTF8(text, input, size);
      result = M._wasm_parse_query_raw(input);
      const tree = M.getValue(result, 'i32');
      const error = M.getValue(result + 8, 'i32');
      if (error) {
        const message = M.getValue(error, 'i32');
        const cursor = M.getValue(error + 16, 'i32');
        return { error: { message: message ? M.UTF8ToString(message) : 'syntax error', cursorPosition: cursor > 0 ? cursor - 1 : 0 } };
      }
      return { json: M.UTF8ToString(tree) };
    } finally {
      M._free(input);
      if (result) M._wasm_free_parse_result(result);
    }
  };
  const probe = parse('SELECT 1; SELEC');
  if (!probe.error || parse('SELECT 1').json.indexOf('"SelectStmt"') < 0) throw new Error('unexpected libpg-query layout');
  return parse;
}
async function packageParser() {
  const parser = require(entry);
  await parser.loadModule();
  return (text) => {
    try {
      return { json: JSON.stringify(parser.parseSync(text)) };
    } catch (error) {
      const details = error && error.sqlDetails;
      return { error: { message: String(error && error.message), cursorPosition: details && details.cursorPosition !== undefined ? details.cursorPosition : 0 } };
    }
  };
}
// The statements' kinds and boundaries without decoding the tree: in libpg-query's JSON only a
// RawStmt has the keys "stmt", "stmt_location" and "stmt_len" (quotes inside string values are
// escaped), so each {"stmt":{"Kind": opens one, and the node ends before its location, its length
// or the next one. Only the 'detail' kinds' nodes are decoded.
function light(json, detail) {
  const stmts = [];
  const keys = /\\{"stmt":\\{"([A-Za-z0-9_]+)":|"stmt_location":(\\d+)|"stmt_len":(\\d+)/g;
  let current;
  let match;
  const end = (at) => { if (current && current.end === undefined) current.end = at; };
  while ((match = keys.exec(json))) {
    if (match[1] !== undefined) {
      end(match.index - 2);
      current = { kind: match[1], from: match.index + 8 };
      stmts.push(current);
    } else if (match[2] !== undefined) {
      end(match.index - 1);
      current.stmt_location = Number(match[2]);
    } else {
      end(match.index - 1);
      current.stmt_len = Number(match[3]);
    }
  }
  end(json.lastIndexOf(']') - 1);
  return stmts.map((s) => ({
    stmt: { [s.kind]: detail.includes(s.kind) ? JSON.parse(json.slice(s.from, s.end))[s.kind] : {} },
    stmt_location: s.stmt_location, stmt_len: s.stmt_len,
  }));
}
const ready = rawParser().catch(packageParser);
// No exit call: once the parent disconnects (or dies), the IPC channel was the last handle, and the child ends.
process.on('message', async ({ id, text, tree, detail }) => {
  const parsed = (await ready)(text);
  if (parsed.error || tree) return process.send({ id, result: parsed });
  process.send({ id, result: { json: JSON.stringify({ stmts: light(parsed.json, detail) }) } });
});
`;

/** What the child sends for one text: libpg-query's JSON (or light JSON of the same shape), or the error. */
type ChildOutcome = { json: string } | { error: { message: string; cursorPosition: number } };

type ParseResultLike = { stmts?: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[] };

/** The statements of a parse result in libpg-query's shape (nodes kept as `options` say). */
function toOutcome(result: ParseResultLike, options: ParseTextsOptions): ParseOutcome {
  return {
    stmts: (result.stmts ?? []).map((raw) => {
      const node = (raw.stmt ?? {}) as Record<string, Record<string, unknown>>;
      const kind = Object.keys(node)[0] ?? 'Unknown';
      const out: RawStatement = { kind };
      if (raw.stmt_location !== undefined) out.stmt_location = raw.stmt_location;
      if (raw.stmt_len !== undefined) out.stmt_len = raw.stmt_len;
      if (options.tree || options.detail?.includes(kind)) out.node = node[kind];
      return out;
    }),
  };
}

/** Parse one text in this process (the fallback), as the child would. */
export async function parseHere(text: string, options: ParseTextsOptions): Promise<ParseOutcome> {
  const parse = await loadParser();
  try {
    return toOutcome(parse(text), options);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    // Only a syntax error carries sqlDetails; anything else (WASM out of memory: "Program terminated", "No parse tree generated") is the parser's limit.
    return { error: { message: (error as Error).message, cursorPosition: details?.cursorPosition ?? 0, ...(details ? {} : { limit: true as const }) } };
  }
}

/**
 * Whether a child can be this same Node.js binary running a script: not
 * inside Electron, Bun, a single-executable app or pkg (where the binary is
 * the app itself), and never from inside such a child.
 */
function childPossible(): boolean {
  const versions = process.versions as Record<string, string | undefined>;
  if (process.release?.name !== 'node' || versions.electron || versions.bun || 'pkg' in process) return false;
  if (process.env.CUTOVER_PARSER_CHILD) return false;
  try {
    const sea = createRequire(import.meta.url)('node:sea') as { isSea?: () => boolean };
    if (sea.isSea?.()) return false;
  } catch {
    // node:sea is missing before Node 20.12: not a single-executable app either.
  }
  return true;
}

/**
 * The parser, open for any number of texts: a child process when one can be
 * started, else this process. Opening starts the child at once, so its
 * start-up (~70 ms: Node.js, then compiling the WASM) overlaps whatever the
 * caller does next; `close` lets it go.
 */
export interface Parser {
  /** Parse one text; answers come in the order the texts were sent. */
  request(text: string, options: ParseTextsOptions): Promise<ParseOutcome>;
  /** Let the child exit (later requests are parsed in this process). */
  close(): void;
}

function startChild(): Parser | undefined {
  if (!childPossible()) return undefined;
  let child: ChildProcess;
  try {
    // The child's own environment: the parent's, without NODE_OPTIONS (a --require'd agent or
    // loader is the app's, not the parser's) and NODE_EXTRA_CA_CERTS (no TLS here; loading a CA
    // bundle costs ~50 ms at start-up), marked so that it never starts a child itself.
    const { NODE_OPTIONS: _options, NODE_EXTRA_CA_CERTS: _certificates, ...env } = process.env;
    // Required when needed, not imported: a run with nothing pending never loads it.
    const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    child = spawn(process.execPath, ['--liftoff-only', '-e', CHILD_SOURCE, createRequire(import.meta.url).resolve('libpg-query')], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced', windowsHide: true,
      env: { ...env, CUTOVER_PARSER_CHILD: '1' },
    });
  } catch {
    return undefined; // spawning refused (a permission model, a sandbox): parse here
  }
  type Waiting = { text: string; options: ParseTextsOptions; resolve: (outcome: ParseOutcome | Promise<ParseOutcome>) => void };
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let alive = true;
  // A child that cannot start, dies or is killed: whatever it still owed is parsed here.
  const fail = () => {
    alive = false;
    for (const [id, entry] of waiting) {
      waiting.delete(id);
      entry.resolve(parseHere(entry.text, entry.options));
    }
  };
  child.on('error', fail);
  child.on('exit', fail);
  child.on('message', (message: { id: number; result: ChildOutcome }) => {
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    // Decoded on arrival: with parse trees, no more than `ahead` answers are in flight at once.
    entry.resolve('error' in message.result ? message.result : toOutcome(JSON.parse(message.result.json) as ParseResultLike, entry.options));
  });
  return {
    request(text, options) {
      if (!alive) return parseHere(text, options);
      return new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, { text, options, resolve });
        child.send({ id, text, tree: options.tree, detail: [...(options.detail ?? [])] }, (error) => {
          if (error && waiting.delete(id)) resolve(parseHere(text, options));
        });
      });
    },
    close() {
      alive = false;
      waiting.clear(); // answers nobody will read (an abandoned batch) are not parsed here either
      // The child ends once disconnected; it stays referenced until then, so this process reaps it
      // (its CPU time and memory count as this process's children's) before it can exit itself.
      if (child.connected) child.disconnect();
    },
  };
}

let liftoffHere = false;

/**
 * For a process that is cutover's own, the CLI's (never the library inside
 * an app): compile the parser's WASM with Liftoff alone here too, so that a
 * caller whose time is mostly start-up and whose memory has no target
 * (`lint`) can parse in this process instead of starting a second Node.js.
 */
export function parseHereWithLiftoff(): void {
  // Required here, not imported: only the CLI calls this.
  (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString('--liftoff-only');
  liftoffHere = true;
}

/**
 * Texts up to which the CLI's own process parses them itself rather than
 * starting a child: a CLI process is short-lived, with no host whose memory
 * it must spare. Measured (2 CPUs, PG 15, `cutover migrate`): one new file
 * on 200 applied 443 → 382 ms; 200 files on an empty database 980 → 911 ms,
 * at +17 MB peak (85 vs 68 MB); 1,000 files the same time either way but
 * 115 vs 104 MB, so many files still go to the child, which takes the
 * parser's heap away with it.
 */
export const PARSE_HERE_UP_TO = 300;

/**
 * Open the parser now, ahead of the texts (see {@link Parser}); close it when done.
 * In the CLI's own process ({@link parseHereWithLiftoff}) it parses here when
 * asked (`here`) or when `texts` says there are few ({@link PARSE_HERE_UP_TO}).
 *
 * @example
 * const parser = openParser({ texts: files.length });
 * try { for await (const outcome of parseTexts(texts, { tree: true, parser })) use(outcome); } finally { parser.close(); }
 */
export function openParser(options: { here?: boolean; texts?: number } = {}): Parser {
  if (liftoffHere && (options.here || (options.texts !== undefined && options.texts <= PARSE_HERE_UP_TO))) {
    loadParser().catch(() => {}); // starts compiling now; a failure is reported by the first parse
    return inPieces({ request: parseHere, close: () => {} });
  }
  return inPieces(startChild() ?? { request: parseHere, close: () => {} });
}

/** A parser that parses a large text a piece at a time (./pieces.ts). */
function inPieces(parser: Parser): Parser {
  return { request: (text, options) => parseInPieces(text, (piece) => parser.request(piece, options)), close: () => parser.close() };
}

/**
 * Parse each text, yielding the outcomes in order, with the given parser or
 * one opened (and closed) for these texts. Without `tree` every text is sent
 * at once (answers are small); with it, `ahead` texts at most are in flight,
 * so no more parse trees than that wait in memory.
 *
 * @example
 * for await (const outcome of parseTexts(['SELECT 1', 'SELEC'], { tree: false })) console.log(outcome);
 */
export async function* parseTexts(texts: readonly string[], options: ParseTextsOptions & { ahead?: number; parser?: Parser }): AsyncGenerator<ParseOutcome> {
  if (texts.length === 0) return;
  const parser = options.parser ?? openParser();
  const ahead = options.tree ? Math.max(1, options.ahead ?? 2) : texts.length;
  const inFlight: Promise<ParseOutcome>[] = [];
  let sent = 0;
  const send = () => {
    const outcome = parser.request(texts[sent++]!, options);
    outcome.catch(() => {}); // awaited in order below; an abandoned one must not go unhandled
    inFlight.push(outcome);
  };
  try {
    while (sent < texts.length && inFlight.length < ahead) send();
    while (inFlight.length > 0) {
      const outcome = await inFlight.shift()!;
      if (sent < texts.length) send();
      yield outcome;
    }
  } finally {
    if (!options.parser) parser.close();
  }
}
