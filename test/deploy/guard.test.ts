/** The post-deploy guard and schema state are pure: tested without a database. */
import { describe, expect, it } from 'vitest';
import { checkPostGuard, isLive, type InstanceRecord } from '../../src/deploy/guard.js';
import { schemaState } from '../../src/deploy/schema-state.js';
import { compareVersions, highestVersion } from '../../src/deploy/versions.js';
import type { Migration } from '../../src/migrations/types.js';
import type { LedgerRow } from '../../src/plan/types.js';

const now = new Date('2026-11-22T12:00:00Z');
function instance(id: string, knownVersion: string, secondsAgo = 1, ttlMs = 30_000): InstanceRecord {
  return {
    id, host: `host-${id}`, appVersion: `app-${knownVersion}`, knownVersion, pid: 1, applicationName: `cutover:${id}`,
    startedAt: new Date(now.getTime() - 60_000), lastSeen: new Date(now.getTime() - secondsAgo * 1000), ttlMs,
  };
}

describe('checkPostGuard', () => {
  it('allows when no instance is registered', () => {
    expect(checkPostGuard([], [{ version: '5' }], now)).toMatchObject({ allowed: true, problems: [] });
  });

  it('allows when every live instance knows a version ≥ each pending post migration', () => {
    expect(checkPostGuard([instance('a', '5'), instance('b', '7')], [{ version: '5' }], now).allowed).toBe(true);
  });

  it('refuses naming each older live instance and the versions it blocks', () => {
    const verdict = checkPostGuard([instance('old', '3'), instance('new', '9'), instance('older', '1')], [{ version: '2' }, { version: '5' }], now);
    expect(verdict.allowed).toBe(false);
    expect(verdict.problems.map((p) => [p.instance.id, p.blocks])).toEqual([['old', ['5']], ['older', ['2', '5']]]);
    expect(verdict.problems[0]!.message).toContain('old (host host-old, app app-3, knows migrations up to 3, last seen 1s ago)');
  });

  it('ignores instances whose TTL has passed (crashed without deregistering)', () => {
    const verdict = checkPostGuard([instance('crashed', '1', 31), instance('new', '9')], [{ version: '5' }], now);
    expect(verdict).toMatchObject({ allowed: true });
    expect(verdict.live.map((i) => i.id)).toEqual(['new']);
  });

  it('compares versions as numbers, not text', () => {
    expect(checkPostGuard([instance('a', '10')], [{ version: '9' }], now).allowed).toBe(true);
    expect(compareVersions('9', '10')).toBe(-1);
    expect(highestVersion(['9', '20260101000000', '10'])).toBe('20260101000000');
  });

  it('isLive uses the TTL, by the clock given', () => {
    expect(isLive(instance('a', '1', 29), now)).toBe(true);
    expect(isLive(instance('a', '1', 30), now)).toBe(false);
  });
});

function migration(version: string, phase: 'pre' | 'post'): Migration {
  return { version, format: 'cutover', name: `m${version}`, file: `${version}_m.sql`, phase, transaction: true, sql: 'SELECT 1', checksum: 'x', lintIgnore: [] };
}
function row(version: string, state: 'applied' | 'failed' = 'applied'): LedgerRow {
  return { version, name: 'm', phase: 'pre', checksum: 'x', state, appliedAt: null, durationMs: null, appliedBy: null, failedStatement: null, error: null };
}

describe('schemaState', () => {
  const set = [migration('1', 'pre'), migration('2', 'post'), migration('3', 'pre')];

  it('is ready when every pre migration is applied; post ones may be pending', () => {
    expect(schemaState(set, [row('1'), row('3')])).toMatchObject({ ready: true, version: '3', pendingPre: [], pendingPost: ['2'], missing: [] });
  });

  it('names what is missing, up to atLeast', () => {
    expect(schemaState(set, [row('1')])).toMatchObject({ ready: false, missing: ['3'] });
    expect(schemaState(set, [row('1')], '2')).toMatchObject({ ready: true, missing: [] });
  });

  it('is not ready with a failed migration, and reports versions ahead of the code', () => {
    expect(schemaState(set, [row('1'), row('3'), row('4', 'failed')])).toMatchObject({ ready: false, failed: ['4'] });
    expect(schemaState(set, [row('1'), row('3'), row('9')]).ahead).toEqual(['9']);
  });

  it('without files, compares the highest applied version with atLeast', () => {
    expect(schemaState(undefined, [row('5')], '5').ready).toBe(true);
    expect(schemaState(undefined, [row('4')], '5')).toMatchObject({ ready: false, missing: ['5'] });
  });
});
