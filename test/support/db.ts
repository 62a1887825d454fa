/**
 * Test helpers for the real Postgres started by global-setup.ts: a fresh
 * database per test, the schema the suite runs against, and a one-shot query.
 *
 * @example
 * const db = await freshDatabase();
 * onTestFinished(db.drop);
 * await migrate({ url: db.url, schema: testSchema(), dir });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { query } from './query.js';

export { query };

/** A database made for one test. */
export interface TestDatabase {
  /** Superuser URL of the new database. */
  url: string;
  name: string;
  /** Drop it, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/**
 * Create a uniquely named, empty database on the test server.
 *
 * @example
 * const { url, drop } = await freshDatabase();
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const name = `cutover_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await query(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await query(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

/**
 * The schema the suite targets: `public`, or a tenant schema in CI's second
 * run (e.g. `tenant one`, with a space: always quote it).
 *
 * @example
 * await query(url, `CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(testSchema())}`);
 */
export function testSchema(): string {
  return process.env.TEST_SCHEMA ?? 'public';
}
