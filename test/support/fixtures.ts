/**
 * Per-test resources that clean up after themselves (vitest's
 * onTestFinished): a fresh database, an extra session, a cleanup step, and
 * polling until a condition holds (bounded by the test's timeout, never
 * asserted on as a time).
 *
 * @example
 * const url = await database();
 * const blocker = await session(url, 'test blocker');
 * await until(async () => (await blocker.query('SELECT 1')).rowCount === 1);
 */
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { freshDatabase } from './db.js';

/** Run `step` when the current test ends, ignoring its failure. */
export function cleanup(step: () => unknown): void {
  onTestFinished(async () => {
    try {
      await step();
    } catch {
      // cleaning up must not hide the test's own result
    }
  });
}

/** A fresh database for this test, dropped when it ends; returns its URL. */
export async function database(): Promise<string> {
  const db = await freshDatabase();
  cleanup(db.drop);
  return db.url;
}

/** Another connected session (a blocker, a monitor, the app), closed when the test ends. */
export async function session(url: string, applicationName = 'test session'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {}); // a session ended by the test (or the drop) must not crash the run
  await client.connect();
  cleanup(() => client.end());
  return client;
}

/** Poll `check` until it returns something truthy. */
export async function until<T>(check: () => Promise<T>, everyMs = 25): Promise<NonNullable<T>> {
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
