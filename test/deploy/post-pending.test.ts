/**
 * Post left pending: status, the health handler and upgrade warn when a post
 * migration has waited longer than --post-pending-warn (default 24 h) since
 * the expand below it, and suggest rehearse.
 */
import { describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { postLeftPending } from '../../src/deploy/post-pending.js';
import { healthHandler } from '../../src/serve/library.js';
import { cli, migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { database } from '../support/fixtures.js';

const HOUR = 3_600_000;
const now = new Date('2026-03-10T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);

describe('postLeftPending', () => {
  it('counts from the newest applied migration below the post one', () => {
    const left = postLeftPending([
      { version: '1', phase: 'pre', state: 'applied', appliedAt: ago(100) },
      { version: '2', phase: 'pre', state: 'applied', appliedAt: ago(30) },
      { version: '3', name: 'drop_fullname', phase: 'post', state: 'pending' },
      { version: '4', phase: 'pre', state: 'applied', appliedAt: ago(1) },
    ], now, 24 * HOUR);
    expect(left).toEqual([expect.objectContaining({ version: '3', name: 'drop_fullname', since: ago(30), pendingMs: 30 * HOUR })]);
    expect(left[0]!.message).toContain('pending for 30h');
    expect(left[0]!.message).toContain('cutover rehearse');
  });

  it.each([
    ['under the threshold', [{ version: '2', phase: 'pre', state: 'applied', appliedAt: ago(23) }, { version: '3', phase: 'post', state: 'pending' }]],
    ['a fresh install (nothing applied below)', [{ version: '3', phase: 'post', state: 'pending' }]],
    ['applied', [{ version: '2', phase: 'pre', state: 'applied', appliedAt: ago(99) }, { version: '3', phase: 'post', state: 'applied', appliedAt: ago(98) }]],
    ['a pending pre migration', [{ version: '2', phase: 'pre', state: 'applied', appliedAt: ago(99) }, { version: '3', phase: 'pre', state: 'pending' }]],
  ])('nothing for %s', (_name, entries) => {
    expect(postLeftPending(entries, now, 24 * HOUR)).toEqual([]);
  });
});

describe('post left pending, on a real schema', () => {
  const schema = testSchema();
  async function leftFor(hours: number) {
    const url = await database();
    const dir = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id int, fullname text);\n', '2_drop.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN fullname;\n' });
    expect((await cli(['migrate', '--phase', 'pre', '--url', url, '--schema', schema, '--dir', dir])).code).toBe(0);
    await query(url, `UPDATE ${ident(schema)}.cutover_migrations SET applied_at = now() - make_interval(hours => $1)`, [hours]);
    return { url, dir, args: ['--url', url, '--schema', schema, '--dir', dir] };
  }

  it('status warns on stderr and in --json after 24h, suggesting rehearse; --post-pending-warn and its variable move the line', async () => {
    const { args } = await leftFor(25);
    const status = await cli(['status', ...args, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).postPending).toEqual([expect.objectContaining({ version: '2', name: 'drop' })]);
    expect(status.stderr).toMatch(/warning: post migration 2 \(drop\) has been pending for 25h.*cutover rehearse/);
    expect(JSON.parse((await cli(['status', ...args, '--json', '--post-pending-warn', '2d'])).stdout).postPending).toEqual([]);
    expect(JSON.parse((await cli(['status', ...args, '--json'], { env: { CUTOVER_POST_PENDING_WARN: '30h' } })).stdout).postPending).toEqual([]);
  });

  it('a fresh expand is not warned about', async () => {
    const { args } = await leftFor(1);
    const status = await cli(['status', ...args, '--json']);
    expect(JSON.parse(status.stdout).postPending).toEqual([]);
    expect(status.stderr).not.toContain('warning');
  });

  it('the health handler reports it and stays 200', async () => {
    const { url, dir } = await leftFor(48);
    const health = healthHandler({ url, schema, dir, appVersion: '2.0.0' });
    try {
      const { statusCode, body } = await health.check();
      expect(statusCode).toBe(200);
      expect(body.postPending).toEqual([expect.objectContaining({ version: '2', pendingMs: expect.any(Number) })]);
      expect(body.postPending![0]!.message).toContain('rehearse');
      const relaxed = healthHandler({ url, schema, dir, appVersion: '2.0.0', postPendingWarnMs: 72 * HOUR });
      expect((await relaxed.check()).body.postPending).toBeUndefined();
      await relaxed.close();
    } finally {
      await health.close();
    }
  });

  it('upgrade says it in the preflight', async () => {
    const { args } = await leftFor(30);
    const result = await cli(['upgrade', ...args, '--no-lint', '--json']);
    expect(result.code, result.stdout).toBe(0);
    const preflight = JSON.parse(result.stdout).steps[0];
    expect(preflight.summary).toContain('warning: post migration 2 (drop) has been pending for 30h');
    expect(preflight.facts.postLeftPending).toHaveLength(1);
  });

  it('a duration without a unit is bad input (exit 2)', async () => {
    const { args } = await leftFor(30);
    const result = await cli(['status', ...args, '--json', '--post-pending-warn', '24']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'CONFIG', setting: 'postPendingWarn' });
  });
});
