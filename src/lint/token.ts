/**
 * Where a finding points: at the token it is about (the column, the named
 * object, or the action's keyword), not at 1:1 of the statement, so an
 * editor's squiggle and `file:line:column` land on the change itself.
 */
import type { Statement } from '../sql/statements.js';
import { ACTIONS, type ActionUse } from './facts/index.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An identifier as written: bare (any case) or double-quoted. */
function identifier(name: string): RegExp {
  return new RegExp(`(?<![\\w$"])(?:"${escape(name.replace(/"/g, '""'))}"|${escape(name)}(?![\\w$]))`, 'i');
}

/** The action's SQL words (`ADD COLUMN`, `CREATE INDEX`), whitespace-tolerant. */
function keywords(use: ActionUse): RegExp | undefined {
  const words = ACTIONS[use.id]?.summary.split(/\s+(?:with|…|\(|on)\b|[…(]/)[0]?.trim().split(/\s+/).filter((w) => /^[A-Z]+$/.test(w));
  return words?.length ? new RegExp(`\\b${words.map(escape).join('\\s+')}\\b`, 'i') : undefined;
}

/**
 * The finding's line and column: the first action whose column or object
 * the message names (in quotes), else the statement's first action; at its
 * column or object name after the action's keywords, else the keywords,
 * else the statement's start.
 *
 * @example
 * tokenAt(statement, 'changing the type of "email" on "users" …', facts.actions); // { line: 3, column: 27 }
 */
export function tokenAt(statement: Pick<Statement, 'text' | 'line' | 'column'>, message: string, actions: readonly ActionUse[]): { line: number; column: number } {
  const named = (value: string | undefined) => value !== undefined && message.includes(`"${value}"`);
  const use = actions.find((a) => named(a.column)) ?? actions.find((a) => named(a.object)) ?? actions[0];
  if (!use) return { line: statement.line, column: statement.column };
  const text = statement.text;
  const keyword = keywords(use)?.exec(text);
  const from = keyword ? keyword.index : 0;
  const name = use.column ?? use.object;
  const found = name === undefined ? undefined : identifier(name).exec(text.slice(from));
  const offset = found ? from + found.index : keyword ? keyword.index : 0;
  const before = text.slice(0, offset);
  const newline = before.lastIndexOf('\n');
  return newline < 0
    ? { line: statement.line, column: statement.column + offset }
    : { line: statement.line + before.split('\n').length - 1, column: offset - newline };
}
