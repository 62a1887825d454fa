// startEmbedded on its own temporary data directory: data persists across
// restarts, a stale postmaster.pid does not block a start, reset wipes it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { devDataDir, startEmbedded } from '../src/embedded/index.js';
import { query } from './support/db.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

it('keeps data between runs, survives a stale pid file, and resets', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cutover-embedded-'));
  dirs.push(dataDir);

  const first = await startEmbedded({ dataDir });
  expect(first.url).toBe(`postgres://postgres:postgres@127.0.0.1:${first.port}/postgres`);
  await query(first.url, 'CREATE TABLE kept (id int)');
  await first.stop();

  // A crash leaves postmaster.pid behind, and the pid may now be another process.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    await writeFile(path.join(dataDir, 'pgdata', 'postmaster.pid'), `${other.pid}\n${dataDir}/pgdata\n0\n${first.port}\n\n127.0.0.1\n0 0\nready   \n`);
    const second = await startEmbedded({ dataDir });
    expect(second.port).toBe(first.port); // the last port, when free
    expect(await query(second.url, "SELECT to_regclass('kept')::text AS t")).toEqual([{ t: 'kept' }]);
    await second.stop();
  } finally {
    other.kill();
  }

  const fresh = await startEmbedded({ dataDir, reset: true });
  expect(await query(fresh.url, "SELECT to_regclass('kept') AS t")).toEqual([{ t: null }]);
  await fresh.stop();
});

it('puts the development database under .cutover/dev', () => {
  expect(devDataDir('/app')).toBe(path.join('/app', '.cutover', 'dev'));
});
