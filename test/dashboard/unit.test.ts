/** The dashboard's pure parts: the model of a snapshot, paging, the token check. */
import { describe, expect, it } from 'vitest';
import { fleetModel, pageTargets, tokenMatches, type TargetRow } from '../../src/serve/dashboard/index.js';
import type { FleetSnapshot } from '../../src/fleet/api.js';
import type { Migration } from '../../src/migrations/types.js';
import type { LedgerRow } from '../../src/plan/types.js';

const migration = (version: string, phase: 'pre' | 'post' = 'pre'): Migration => ({
  version, name: `m${version}`, file: `${version}_m${version}.sql`, sql: 'SELECT 1;', checksum: `c${version}`, phase, transaction: true, format: 'cutover',
} as unknown as Migration);
const row = (version: string, durationMs: number, at: string): LedgerRow => ({
  version, name: `m${version}`, phase: 'pre', checksum: `c${version}`, state: 'applied', appliedAt: new Date(at), durationMs, appliedBy: null, failedStatement: null, error: null,
});

describe('fleetModel', () => {
  const migrations = [migration('1'), migration('2'), migration('3', 'post')];
  const db = 'postgres://app@db:5432/app';
  const snapshot: FleetSnapshot = {
    migrations,
    targets: ['a', 'b', 'c', 'd'].map((schema) => ({ database: db, schema, url: 'postgres://app:secret@db:5432/app' })),
    ledgers: new Map([
      [`${db}\0a`, [row('1', 10, '2026-01-01T00:00:00Z'), row('2', 30, '2026-01-01T00:00:01Z'), row('3', 5, '2026-01-01T00:01:00Z')]],
      [`${db}\0b`, [row('1', 20, '2026-01-01T00:00:00Z'), row('2', 50, '2026-01-01T00:00:02Z')]],
      [`${db}\0c`, undefined],
    ]),
  };
  const now = new Date('2026-01-01T01:00:00Z');
  const instance = (knownVersion: string, lastSeen: string) => ({ id: `web-${knownVersion}`, host: 'h', appVersion: `v${knownVersion}`, knownVersion, pid: 1, applicationName: null, startedAt: now, lastSeen: new Date(lastSeen), ttlMs: 60_000 });

  it('gives each target one state, worst first, and counts as status does', () => {
    const { overview, rows } = fleetModel(snapshot, new Map(), now);
    expect(rows.map((r) => [r.schema, r.state])).toEqual([['a', 'up-to-date'], ['b', 'pending-post'], ['c', 'no-ledger'], ['d', 'unreadable']]);
    expect(overview.counts).toMatchObject({ 'up-to-date': 1, 'pending-post': 1, 'no-ledger': 1, unreadable: 1 });
    expect(overview.statusCounts.upToDate).toBe(1);
    expect(overview.newestVersion).toBe('3');
  });

  it('times each migration over the targets (p50, p95, max) and draws the newest one\'s run', () => {
    const { overview } = fleetModel(snapshot, new Map(), now);
    expect(overview.durations).toEqual([
      { version: '1', name: 'm1', count: 2, p50: 10, p95: 20, max: 20 },
      { version: '2', name: 'm2', count: 2, p50: 30, p95: 50, max: 50 },
      { version: '3', name: 'm3', count: 1, p50: 5, p95: 5, max: 5 },
    ]);
    expect(overview.timeline).toMatchObject({ version: '3', from: '2026-01-01T00:01:00.000Z', to: '2026-01-01T00:01:00.000Z' });
    expect(overview.timeline.buckets.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('holds the post step back where a live instance predates it, not for an expired one', () => {
    const registries = new Map([[`${db}\0b`, [instance('2', '2026-01-01T00:59:30Z'), instance('1', '2026-01-01T00:10:00Z')]]]);
    const { overview } = fleetModel(snapshot, registries, now);
    expect(overview.post).toMatchObject({ pending: 3, allowed: 2 });
    expect(overview.post.reasons).toEqual([expect.stringContaining('web-2')]);
    expect(overview.instances).toEqual([
      { appVersion: 'v2', knownVersion: '2', live: 1, expired: 0 },
      { appVersion: 'v1', knownVersion: '1', live: 0, expired: 1 },
    ]);
  });
});

describe('pageTargets', () => {
  const rows: TargetRow[] = Array.from({ length: 120 }, (_, i) => ({
    database: i % 2 ? 'db-eu' : 'db-us', schema: `tenant_${String(i).padStart(3, '0')}`, state: i % 10 === 0 ? 'failed' : 'up-to-date',
    version: '1', pendingPre: 0, pendingPost: 0, failed: i % 10 === 0 ? 1 : 0, lastApplied: null,
  }));
  it('filters, searches case-insensitively, sorts and pages', () => {
    expect(pageTargets(rows, { state: 'failed' }).total).toBe(12);
    expect(pageTargets(rows, { q: 'EU', state: 'failed' }).total).toBe(0);
    expect(pageTargets(rows, { q: 'TENANT_01' }).rows.map((r) => r.schema)).toHaveLength(10);
    const last = pageTargets(rows, { sort: 'schema', desc: true, page: 3, size: 50 });
    expect(last).toMatchObject({ total: 120, page: 3, size: 50 });
    expect(last.rows.map((r) => r.schema)).toEqual(rows.slice(0, 20).map((r) => r.schema).reverse());
    expect(pageTargets(rows, { page: 99 }).page).toBe(3);
    expect(pageTargets(rows, { size: 100_000 }).size).toBe(500);
  });
});

describe('tokenMatches', () => {
  it('matches only the same token, whatever the lengths', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });
});
