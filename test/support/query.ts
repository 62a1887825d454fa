/**
 * The one-shot query helper, apart from db.ts because global-setup.ts uses it
 * too and must not import `vitest` (it runs outside the test workers).
 */
import pg from 'pg';

/**
 * Open a connection, run one statement, close; the rows.
 *
 * @example
 * const [row] = await query<{ n: number }>(url, 'SELECT $1::int AS n', [1]);
 */
export async function query<Row extends Record<string, unknown> = Record<string, unknown>>(
  url: string,
  sql: string,
  values?: unknown[],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
