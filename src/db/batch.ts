/**
 * Several statements in one round trip on a node-postgres client, with the
 * failing one named exactly. The statements go as one simple-protocol
 * query; the server runs them in order and answers each with a
 * CommandComplete until one fails, so the number it finished is the index
 * of the one that failed. A syntax error stops the whole string before
 * anything runs, with a position in it: the position says which statement.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT
 */
import type { Client, PoolClient } from 'pg';
import { pgModule } from './pg-module.js';
import type { BatchOutcome, QueryResultLike } from './session.js';

/** Between two statements: a newline first, as a statement may end in a `--` comment. */
const SEPARATOR = '\n;\n';

/** A pg Query that counts the statements the server finished. */
interface CountedQuery {
  completed: number;
}
type CountedQueryClass = new (text: string, values: undefined, callback: (error: Error | null, result: unknown) => void) => CountedQuery;

let countedQuery: CountedQueryClass | undefined;

/** pg's Query, counting CommandCompletes; made on first use (pg itself loads on first use). */
function countedQueryClass(): CountedQueryClass {
  if (countedQuery) return countedQuery;
  type Callback = (error: Error | null, result: unknown) => void;
  const Query = pgModule().Query as unknown as (new (text: string, values: undefined, callback: Callback) => object) & { prototype: { handleCommandComplete: (...args: unknown[]) => void } };
  const complete = Query.prototype.handleCommandComplete;
  countedQuery = class extends Query {
    completed = 0;

    handleCommandComplete(...args: unknown[]): void {
      this.completed++;
      complete.apply(this, args);
    }
  };
  return countedQuery;
}

/** The statement (and the offset in it) holding 0-based code point `point` of the joined text. */
function locate(statements: readonly string[], point: number): { failed: number; at: number } | undefined {
  let start = 0;
  for (const [i, text] of statements.entries()) {
    // Postgres counts characters, JavaScript UTF-16 units: count code points.
    const length = [...text].length;
    if (point < start + length) return { failed: i, at: [...text].slice(0, point - start).join('').length };
    start += length + SEPARATOR.length;
  }
  return undefined;
}

/**
 * Send `statements` in one round trip on `client`; `lost` maps an error
 * the way the connection's queries do (the session gone: CONNECTION_LOST).
 *
 * @example
 * const outcome = await batchOn(client, ['BEGIN', 'CREATE TABLE t (id int)', 'COMMIT'], (e) => e);
 */
export async function batchOn(client: Client | PoolClient, statements: readonly string[], lost: (error: unknown) => unknown): Promise<BatchOutcome> {
  let query!: CountedQuery;
  const results = await new Promise<unknown>((resolve, reject) => {
    query = new (countedQueryClass())(statements.join(SEPARATOR), undefined, (error, result) => (error ? reject(error) : resolve(result)));
    (client as unknown as { query: (q: object) => void }).query(query);
  }).then((result) => ({ result }), (error: unknown) => ({ error }));
  if ('result' in results) {
    const all = results.result as QueryResultLike<unknown> | QueryResultLike<unknown>[];
    return { results: Array.isArray(all) ? all : [all] };
  }
  const error = lost(results.error);
  const position = Number((error as { position?: string }).position);
  const located = error === results.error && Number.isFinite(position) && position > 0 ? locate(statements, position - 1) : undefined;
  return { failed: query.completed, ...located, error };
}
