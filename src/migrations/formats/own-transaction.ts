/**
 * Files that open and close their own transaction. sqlx and diesel send a
 * file as one multi-statement query inside their own transaction, Prisma and
 * golang-migrate send it as one query without one, dbmate sends a section
 * inside a transaction: in every case a file's own `BEGIN; … COMMIT;` runs
 * (Postgres only warns about a nested BEGIN). cutover runs each migration in
 * one transaction together with its ledger row, so the file's own plain
 * `BEGIN`/`COMMIT` statements are blanked (positions kept, the checksum stays
 * the file's) and its body runs in cutover's transaction: what the file's
 * author asked for, atomically. Anything else (ROLLBACK, SAVEPOINT, a BEGIN
 * with an isolation level) is left for the checker to refuse
 * (TRANSACTION_CONTROL).
 */
import { parseDirectives } from '../directives.js';
import { scanStatements } from './scan-statements.js';
import type { FoundScript } from './types.js';

/** Plain transaction control a file may wrap itself in (`END` is left alone: a BEGIN ATOMIC body ends with it). */
const BEGIN = /^(BEGIN( WORK| TRANSACTION)?|START TRANSACTION)$/i;
const COMMIT = /^COMMIT( WORK| TRANSACTION)?$/i;
const CONTROL = /^(BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE TRANSACTION)\b/i;

/** Blank a range of the text, keeping its line breaks (so positions after it do not move). */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
}

/** How the tool sends a file: inside its own transaction (sqlx, diesel, dbmate), or as one query without one (golang-migrate, Prisma). */
export type ToolSends = 'in-transaction' | 'one-query';

/**
 * The script with its own `BEGIN`/`COMMIT` blanked, to run in cutover's
 * transaction; unchanged when it has none, when it runs without a
 * transaction, or when its transaction control is anything but plain
 * BEGIN and COMMIT. Every such file commits all its statements in its tool:
 * a COMMIT without BEGIN ends the tool's (or the query's implicit)
 * transaction, a nested BEGIN only warns. A BEGIN left open at the end is
 * committed by a tool that wraps the file in its transaction; in a tool that
 * sends the file as one query it is left for the checker to refuse.
 *
 * @example
 * withoutOwnTransaction({ file: '1_a.sql', text: 'BEGIN;\nCREATE TABLE a ();\nCOMMIT;\n' }, 'one-query').text;
 * // '      \nCREATE TABLE a ();\n       \n'
 */
export function withoutOwnTransaction(script: FoundScript, sends: ToolSends): FoundScript {
  // Only a file holding one of these words can change: the others are not scanned (every file is read on every load).
  if (!/\b(BEGIN|START|COMMIT)\b/i.test(script.text) || script.transaction === false) return script;
  if (!parseDirectives(script.text, script.file).directives.transaction) return script;
  const control = scanStatements(script.text).filter((statement) => CONTROL.test(statement.code));
  if (control.length === 0 || !control.every((statement) => BEGIN.test(statement.code) || COMMIT.test(statement.code))) return script;
  if (sends === 'one-query' && !COMMIT.test(control.at(-1)!.code)) return script;
  const text = control.reduceRight((rest, statement) => blank(rest, statement.start, statement.end), script.text);
  return { ...script, text, original: script.original ?? script.text };
}
