/**
 * Vitest global setup: one PostgreSQL server per test run. With
 * `TEST_DATABASE_URL` set (CI's PostgreSQL 15, or your own server: a
 * superuser URL) that server is used; otherwise an embedded one is started in
 * a fresh temporary directory and removed afterwards. Tests get its URL and
 * major version through `inject('adminUrl')` / `inject('serverMajor')`, and
 * make their own database with `freshDatabase()` (test/support/db.ts).
 * `TEST_PG_LOG=1` shows the embedded server's log; `TEST_PG_MAJOR` makes the
 * run fail unless the server is that major.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../../src/embedded/index.js';
import { query } from './query.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test server, connected to its `postgres` database. */
    adminUrl: string;
    /** The server's major version, e.g. 15 or 18. */
    serverMajor: number;
  }
}

/** Settings for a throwaway server: durability buys nothing in tests. */
const THROWAWAY = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // No verdict cache unless asked for (CUTOVER_CACHE=true): tests of parsing must see a parse,
  // and runs must not fill the user's cache. The verdict tests turn it on with their own directory.
  process.env.CUTOVER_CACHE ??= 'false';
  let adminUrl = process.env.TEST_DATABASE_URL;
  let teardown = async (): Promise<void> => undefined;
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cutover-test-pg-'));
    const onLog = process.env.TEST_PG_LOG ? (line: string) => process.stderr.write(`[postgres] ${line}\n`) : undefined;
    const server = await startEmbedded({ dataDir, reset: true, settings: THROWAWAY, ...(onLog ? { onLog } : {}) });
    adminUrl = server.url;
    teardown = async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const [row] = await query<{ major: number }>(adminUrl, `SELECT current_setting('server_version_num')::int / 10000 AS major`);
  const major = row!.major;
  // CI names the major each matrix cell is for: a wrong server must not pass silently.
  const expected = process.env.TEST_PG_MAJOR;
  if (expected && Number(expected) !== major) {
    await teardown();
    throw new Error(`TEST_PG_MAJOR is ${expected} but the test server runs PostgreSQL ${major}`);
  }
  project.provide('adminUrl', adminUrl);
  project.provide('serverMajor', major);
  return teardown;
}
