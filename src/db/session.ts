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
 * A query function that sends `settings` (`setupStatements` SET statements)
 * with the first parameterless query, in its round trip, and answers with
 * that query's own results (an array when it holds several statements, as
 * pg gives). If that query fails, the implicit transaction rolled the
 * settings back with it: they go again with the next one.
 *
 * @example
 * const query = withSettings((text, values) => client.query(text, values), 'SET search_path TO "t1"', 1);
 */
export function withSettings(send: (text: string, values?: unknown[]) => Promise<unknown>, settings: string, setupStatements: number): Session['query'] {
  let pending: string | undefined = settings;
  return async <R>(text: string, values?: unknown[]): Promise<QueryResultLike<R>> => {
    if (pending !== undefined) {
      const setup = pending;
      pending = undefined;
      if (!values || values.length === 0) {
        const results = (await send(`${setup};\n${text}`).catch((error: unknown) => {
          pending = setup;
          throw error;
        })) as QueryResultLike<R> | QueryResultLike<R>[];
        if (!Array.isArray(results)) return results;
        const own = results.slice(setupStatements);
        return (own.length === 1 ? own[0]! : own) as QueryResultLike<R>;
      }
      await send(setup);
    }
    return send(text, values) as Promise<QueryResultLike<R>>;
  };
}

/** Anything that can run a query: a pg.Client, a pg.PoolClient, a pg.Pool. */
export interface Session {
  query<R = any>(text: string, values?: unknown[]): Promise<QueryResultLike<R>>;
}

/** A dedicated connection: one server session for the whole run. */
export interface Connection extends Session {
  /** Give the connection back (or close it). `broken` closes it for good. */
  close(broken?: boolean): Promise<void>;
  /** Cancel the statement running on it, from another session (SIGTERM/SIGINT in the CLI); absent: cannot. */
  cancel?(): Promise<void>;
}

/** Opens dedicated connections to one database. */
export interface Connector {
  /** `postgres://user@host:port/db`, never with the password. */
  readonly describe: string;
  connect(): Promise<Connection>;
}
