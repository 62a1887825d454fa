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
 * A session that sends `settings` (`setupStatements` SET statements) with
 * the first parameterless query, in its round trip, and answers with that
 * query's own results (an array when it holds several statements, as pg
 * gives). If that query fails, the implicit transaction rolled the settings
 * back with it: they go again with the next one. A batch sent first sends
 * them on their own before it (never the case in a run: the lock's query is
 * its first).
 *
 * @example
 * const session = withSettings(client, 'SET search_path TO "t1"', 1);
 */
export function withSettings(session: Session, settings: string, setupStatements: number): Session {
  let pending: string | undefined = settings;
  const query = async <R>(text: string, values?: unknown[]): Promise<QueryResultLike<R>> => {
    if (pending !== undefined) {
      const setup = pending;
      pending = undefined;
      if (!values || values.length === 0) {
        const results = (await session.query(`${setup};\n${text}`).catch((error: unknown) => {
          pending = setup;
          throw error;
        })) as QueryResultLike<R> | QueryResultLike<R>[];
        if (!Array.isArray(results)) return results;
        const own = results.slice(setupStatements);
        return (own.length === 1 ? own[0]! : own) as QueryResultLike<R>;
      }
      await session.query(setup);
    }
    return session.query<R>(text, values);
  };
  const batch = session.batch?.bind(session);
  return {
    query,
    batch: batch && (async (statements) => {
      if (pending !== undefined) await query('SELECT');
      return batch(statements);
    }),
  };
}

/**
 * What a {@link Session.batch} did: every statement's result, or which
 * statement failed (0-based), where in its text when the server said
 * (`at`, a 0-based offset into that statement's text), and the error.
 */
export type BatchOutcome =
  | { results: QueryResultLike<unknown>[]; failed?: undefined }
  | { failed: number; at?: number | undefined; error: unknown };

/** Anything that can run a query: a pg.Client, a pg.PoolClient, a pg.Pool. */
export interface Session {
  query<R = any>(text: string, values?: unknown[]): Promise<QueryResultLike<R>>;
  /**
   * Send `statements` (one SQL statement each) in one round trip and say
   * which one failed, by the statements the server finished before the
   * error (or by the error's position). Absent: {@link sendBatch} sends
   * them one per round trip.
   */
  batch?(statements: readonly string[]): Promise<BatchOutcome>;
}

/**
 * Send `statements` with `session.batch`, or one per round trip where the session has none.
 *
 * @example
 * const outcome = await sendBatch(connection, ['BEGIN', 'CREATE TABLE t (id int)', 'COMMIT']);
 * if (outcome.failed !== undefined) console.log(`statement ${outcome.failed + 1} failed`);
 */
export async function sendBatch(session: Session, statements: readonly string[]): Promise<BatchOutcome> {
  if (session.batch) return session.batch(statements);
  const results: QueryResultLike<unknown>[] = [];
  for (const [i, text] of statements.entries()) {
    try {
      results.push(await session.query(text));
    } catch (error) {
      const position = Number((error as { position?: string }).position);
      return { failed: i, at: Number.isFinite(position) && position > 0 ? position - 1 : undefined, error };
    }
  }
  return { results };
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
