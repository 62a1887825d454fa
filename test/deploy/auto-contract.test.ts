/**
 * Automatic contract: five new instances start together; the contract step
 * (the post migration) runs exactly once — at start-up when no old instance
 * is live, or at a heartbeat once the last old instance has gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { migrate } from '../../src/api.js';
import { registerInstance, type Instance } from '../../src/deploy/library.js';
import type { RunEvent } from '../../src/run/events.js';
import { migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;
const running: Instance[] = [];
const t = (name: string) => `${ident(schema)}.${ident(name)}`;

beforeEach(async () => {
  db = await freshDatabase();
  dir = await migrationsDir({
    '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, fullname text, display_name text);\nCREATE TABLE contract_runs (at timestamptz DEFAULT clock_timestamp());\n',
    '2_drop_fullname.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN fullname;\nINSERT INTO contract_runs DEFAULT VALUES;\n',
  });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop().catch(() => {})));
  await db.drop();
});

const contractRuns = async () => Number((await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM ${t('contract_runs')}`))[0]!.n);

async function bootNewInstance(n: number, heartbeatMs = 150) {
  const errors: unknown[] = [];
  const instance = await registerInstance({
    url: db.url, schema, dir, id: `web-v2-${n}`, appVersion: '2.0.0', heartbeatMs, ttlMs: heartbeatMs * 3, autoContract: true, onError: (e) => errors.push(e),
  });
  running.push(instance);
  const report = await migrate({ url: db.url, schema, dir, autoContract: true });
  return { instance, report, errors };
}

describe('autoContract', () => {
  it('five instances starting together apply the contract exactly once', async () => {
    // Slow heartbeats: only the start-up runs race here.
    const booted = await Promise.all([1, 2, 3, 4, 5].map((n) => bootNewInstance(n, 60_000)));
    const states = booted.map((b) => b.report.contract.state).sort();
    expect(states).toEqual(['applied', 'nothing-pending', 'nothing-pending', 'nothing-pending', 'nothing-pending']);
    expect(booted.flatMap((b) => b.report.applied.map((s) => s.migration.version)).sort()).toEqual(['1', '2']);
        expect(await contractRuns()).toBe(1);
    expect(booted.flatMap((b) => b.errors)).toEqual([]);
  });

  it('a heartbeat takes the migration lock only when the contract can run: not while an older instance is live', async () => {
    await migrate({ url: db.url, schema, dir, phase: 'pre' });
    const v1 = await registerInstance({ url: db.url, schema, id: 'web-v1', appVersion: '1.0.0', knownVersion: '1', heartbeatMs: 60_000, ttlMs: 180_000 });
    running.push(v1);
    const locks: RunEvent[] = [];
    // Beats by hand (the timer's are a minute apart): each one runs the auto-contract hook.
    const v2 = await registerInstance({
      url: db.url, schema, dir, id: 'web-v2', appVersion: '2.0.0', heartbeatMs: 60_000, ttlMs: 180_000, autoContract: true,
      onEvent: (event) => event.type === 'lock-acquired' && locks.push(event),
    });
    running.push(v2);
    for (let beat = 0; beat < 3; beat++) await v2.heartbeat();
    expect(locks).toEqual([]);
    expect(await contractRuns()).toBe(0);

    await v1.stop();
    await v2.heartbeat();
    expect(await contractRuns()).toBe(1);
    expect(locks.length).toBeGreaterThan(0);
    locks.length = 0;
    await v2.heartbeat(); // applied: nothing pending, so no lock either
    expect(locks).toEqual([]);
  });

  it('with an old instance live the contract waits; when it leaves, a heartbeat applies it exactly once', async () => {
    await migrate({ url: db.url, schema, dir, phase: 'pre' });
    const v1 = await registerInstance({ url: db.url, schema, id: 'web-v1', appVersion: '1.0.0', knownVersion: '1', heartbeatMs: 150, ttlMs: 3000 });
    running.push(v1);
    const booted = await Promise.all([1, 2, 3, 4, 5].map((n) => bootNewInstance(n)));
    for (const b of booted) {
      expect(b.report.contract).toMatchObject({ state: 'deferred', instances: [expect.objectContaining({ id: 'web-v1' })] });
    }
    await new Promise((r) => setTimeout(r, 400));
    expect(await contractRuns()).toBe(0);
    await query(db.url, `SELECT fullname FROM ${t('users')}`); // the old code still works

    await v1.stop(); // the rolling deploy removes the last old instance
    const deadline = Date.now() + 10_000;
    while ((await contractRuns()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 600));
    expect(await contractRuns()).toBe(1);
    await expect(query(db.url, `SELECT fullname FROM ${t('users')}`)).rejects.toMatchObject({ code: '42703' });
    expect(booted.flatMap((b) => b.errors)).toEqual([]);
  });
});
