/**
 * Split a migration into statements with their positions and classify each:
 * its kind (the parse node's name), whether it is transaction control, and
 * whether Postgres refuses to run it inside a transaction block.
 */
import { CutoverError } from '../errors.js';
import type { MigrationScript } from '../migrations/types.js';
import { codeFrame, lineColumn, locator } from './location.js';
import { loadParser } from './parser.js';
import { parseHere } from './parse-host.js';
import { parseInPieces } from './pieces.js';
import { ident } from '../db/sql.js';
import { indexBuildOf, type IndexBuild } from './index-build.js';

/** A parse-tree node, as libpg-query returns it. */
export type AstNode = Record<string, any>;

/** One statement of a file. */
export interface Statement {
  /** 0-based position in the file. */
  index: number;
  /** The statement's text, without the trailing semicolon. */
  text: string;
  /** Character offsets of the statement in the file's text. */
  start: number;
  end: number;
  line: number;
  column: number;
  /** The parse node's name: `CreateStmt`, `IndexStmt`, `AlterTableStmt` … */
  kind: string;
  /** The parse node itself (libpg-query's JSON AST). */
  node: AstNode;
  /** Set when Postgres refuses to run it inside a transaction block: what it is. */
  needsNoTransaction?: string;
  /** A `CREATE INDEX CONCURRENTLY`: the index it builds (checked before and after the build). */
  indexBuild?: IndexBuild;
}

/** The statement kinds whose parse node {@link needsNoTransaction} reads (the others it decides by kind alone). */
export const NO_TRANSACTION_NODE_KINDS: readonly string[] = ['IndexStmt', 'DropStmt', 'ReindexStmt', 'VacuumStmt', 'AlterTableStmt'];

/**
 * Set what a statement's parse node tells about running it: whether it needs to run outside a
 * transaction block, and the index a concurrent build makes.
 *
 * @example
 * classify(statement); // statement.needsNoTransaction === 'CREATE INDEX CONCURRENTLY'
 */
export function classify(statement: Statement): void {
  const reason = needsNoTransaction(statement.kind, statement.node);
  if (reason) statement.needsNoTransaction = reason;
  const build = indexBuildOf(statement.kind, statement.node);
  if (build) statement.indexBuild = build;
}

/** Why a statement cannot run in a transaction block, or undefined. */
export function needsNoTransaction(kind: string, node: AstNode): string | undefined {
  switch (kind) {
    case 'IndexStmt':
      return node.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return node.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt':
      return (node.params ?? []).some((p: AstNode) => p.DefElem?.defname === 'concurrently') ? 'REINDEX CONCURRENTLY' : undefined;
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM' : undefined;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'AlterTableStmt':
      return (node.cmds ?? []).some((c: AstNode) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd?.def?.PartitionCmd?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY'
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Parse a script into statements. Throws SYNTAX_ERROR at file:line:column
 * with the line and a caret.
 *
 * @example
 * const statements = await splitStatements(script);
 */
export async function splitStatements(script: Pick<MigrationScript, 'file' | 'sql'>): Promise<Statement[]> {
  const { file, sql } = script;
  // libpg-query refuses an empty query; a blank file (a no-op in some layouts) has no statement.
  if (sql.trim() === '') return [];
  const outcome = await parseInPieces(sql, (piece) => parseHere(piece, { tree: true }));
  if ('error' in outcome) {
    const offset = Math.max(0, Math.min(outcome.error.cursorPosition, sql.length));
    const { line, column } = lineColumn(sql, offset);
    if (outcome.error.limit) {
      throw new CutoverError('PARSE_LIMIT', `${file}:${line}: the SQL parser gave out on this file (${outcome.error.message}): one statement here is too large for it`, {
        hint: 'Split the statement (a multi-row INSERT into several, or load the data with COPY from a file); nothing was run. Files are parsed a piece of about 1M characters at a time, but a statement is never split.',
        details: { file, line },
      });
    }
    throw new CutoverError('SYNTAX_ERROR', `${outcome.error.message}\n${codeFrame(file, sql, offset, { line, column })}`, {
      hint: 'Fix the SQL; nothing was run.',
      details: { file, line, column },
    });
  }
  const at = locator(sql);
  const bytes = Buffer.from(sql, 'utf8');
  return outcome.stmts.map((raw, index) => {
    const startByte = raw.stmt_location ?? 0;
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : bytes.length;
    const rawText = bytes.subarray(startByte, endByte).toString('utf8');
    // libpg-query's location can include leading whitespace and comments: skip blanks for the position.
    const lead = rawText.length - rawText.trimStart().length;
    const start = at.toChar(startByte) + lead;
    const kind = raw.kind;
    const inner = (raw.node ?? {}) as AstNode;
    const statement: Statement = {
      index,
      text: rawText.trim(),
      start,
      end: at.toChar(endByte),
      ...at.lineColumn(start),
      kind,
      node: inner,
    };
    classify(statement);
    return statement;
  });
}

/**
 * Parse and validate a script for how it will run: no transaction control in
 * a transactional file, nothing that cannot run in a transaction block.
 * Returns the statements, or the problems found (all of them).
 *
 * @example
 * const { statements, problems } = await checkScript(migration);
 */
export async function checkScript(script: MigrationScript): Promise<{ statements: Statement[]; problems: CutoverError[] }> {
  let statements: Statement[];
  try {
    statements = await splitStatements(script);
  } catch (error) {
    if (error instanceof CutoverError) return { statements: [], problems: [error] };
    throw error;
  }
  return { statements, problems: checkStatements(script, statements) };
}

/**
 * Validate parsed statements for how the script will run (pure): not empty,
 * no transaction control in a transactional file, nothing that cannot run in
 * a transaction block.
 *
 * @example
 * const problems = checkStatements(migration, await splitStatements(migration));
 */
export function checkStatements(script: MigrationScript, statements: readonly Statement[]): CutoverError[] {
  const problems: CutoverError[] = [];
  if (statements.length === 0 && !script.emptyIsNoOp) {
    problems.push(new CutoverError('EMPTY_FILE', `${script.file}: the file holds no SQL statement (only comments)`, {
      hint: 'Write the migration, or delete the file.', details: { file: script.file },
    }));
  }
  if (!script.transaction) return problems;
  for (const statement of statements) {
    if (statement.kind !== 'TransactionStmt' && !statement.needsNoTransaction) continue;
    const where = codeFrame(script.file, script.sql, statement.start, statement);
    if (statement.kind === 'TransactionStmt') {
      problems.push(new CutoverError('TRANSACTION_CONTROL', `transaction control (${statement.text.split(/\s/)[0]!.toUpperCase()}) inside a transactional migration\n${where}`, {
        hint: 'cutover wraps each migration in a transaction itself: remove BEGIN/COMMIT, or add `-- cutover:no-transaction` to manage transactions yourself. (Another tool\'s files: set --format to its layout, which runs their plain BEGIN; … COMMIT; as one transaction.)',
        details: { file: script.file, line: statement.line, column: statement.column },
      }));
    } else if (statement.needsNoTransaction) {
      problems.push(new CutoverError('NEEDS_NO_TRANSACTION', `${statement.needsNoTransaction} cannot run inside a transaction block\n${where}`, {
        hint: 'Put it in its own migration file that starts with `-- cutover:no-transaction` (make it idempotent: IF NOT EXISTS / IF EXISTS).',
        details: { file: script.file, line: statement.line, column: statement.column, statement: statement.needsNoTransaction },
      }));
    }
  }
  return problems;
}

/** Every relation a statement names (RangeVar nodes), quoted for to_regclass. */
export function relationsOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) relationsOf(item, found);
  } else if (node && typeof node === 'object') {
    const record = node as AstNode;
    if (record.RangeVar) {
      const rv = record.RangeVar as { schemaname?: string; relname?: string };
      if (rv.relname) found.add(rv.schemaname ? `${ident(rv.schemaname)}.${ident(rv.relname)}` : ident(rv.relname));
    }
    for (const value of Object.values(record)) relationsOf(value, found);
  }
  return found;
}

/** A statement as the executor keeps it: no parse tree (memory stays flat for thousands of files). */
export type RunnableStatement = Omit<Statement, 'node'>;

/**
 * Drop the parse tree, keeping what running and error reports need.
 *
 * @example
 * const runnable = statements.map(toRunnable);
 */
export function toRunnable({ node: _node, ...rest }: Statement): RunnableStatement {
  return rest;
}

/**
 * The relations one statement names, parsed again from its text: only needed
 * on the rare path (a lock timeout), so nothing is kept for it meanwhile.
 *
 * @example
 * await relationsIn('ALTER TABLE users ADD COLUMN x int'); // ['"users"']
 */
export async function relationsIn(text: string): Promise<string[]> {
  const parse = await loadParser();
  return [...relationsOf(parse(text).stmts ?? [])];
}
