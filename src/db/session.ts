/**
 * The database ports the core needs: a session that runs SQL, and a way to
 * get a dedicated one. Structural, so a `pg.Client` or a `pg.PoolClient`
 * fits without an adapter.
 */

/** What a query returns (a subset of pg's QueryResult). */
export interface QueryResultLike<R> {
  rows: R[];
  rowCount: number | null;
}

/**
 * The answer to `setup; text` sent as one simple-protocol query: the results
 * of `text` alone (an array when it holds several statements, as pg gives).
 */
export function afterSetup<R>(results: QueryResultLike<R> | QueryResultLike<R>[], setupStatements: number): QueryResultLike<R> {
  if (!Array.isArray(results)) return results;
  const own = results.slice(setupStatements);
  return (own.length === 1 ? own[0]! : own) as QueryResultLike<R>;
}

/** Anything that can run a query: a pg.Client, a pg.PoolClient, a pg.Pool. */
export interface Session {
  query<R = any>(text: string, values?: unknown[]): Promise<QueryResultLike<R>>;
}

/** A dedicated connection: one server session for the whole run. */
export interface Connection extends Session {
  /** Give the connection back (or close it). `broken` closes it for good. */
  close(broken?: boolean): Promise<void>;
}

/** Opens dedicated connections to one database. */
export interface Connector {
  /** `postgres://user@host:port/db`, never with the password. */
  readonly describe: string;
  connect(): Promise<Connection>;
}
