/** What people see of a fleet run: progress lines, the summary, the matrix (snapshots). */
import { describe, expect, it } from 'vitest';
import { newProgress, renderFleetReport, renderFleetStatus, renderProgress, renderTargetFailure, trackProgress } from '../../src/cli/fleet-render.js';
import { CutoverError } from '../../src/errors.js';
import { summarize } from '../../src/fleet/summary.js';
import { fleetMatrix } from '../../src/fleet/status.js';
import type { FleetEvent, TargetResult } from '../../src/fleet/types.js';

const database = 'postgres://app@db:5432/app';
const result = (schema: string, outcome: TargetResult['outcome'], durationMs: number, extra: Partial<TargetResult> = {}): TargetResult => ({
  database, schema, outcome, applied: outcome === 'applied' ? 20 : 0, version: outcome === 'skipped' ? null : '20', deferred: 0, canary: false,
  durationMs, lockWaitedMs: 0, warnings: 0, ...extra,
});
const failed = result('tenant "x"', 'failed', 800, {
  applied: 3,
  error: new CutoverError('MIGRATION_FAILED', 'migration 4_seed.sql failed: duplicate key value violates unique constraint "t_pkey"\n4_seed.sql:2:1', { hint: 'The migration was rolled back and not recorded; fix it and run again.' }),
});

describe('fleet progress', () => {
  it('folds events into done/failed/total, rate, ETA and the slowest running target', () => {
    const progress = newProgress();
    const events: FleetEvent[] = [
      { type: 'fleet-started', total: 2000, concurrency: 4, canary: 10, at: 0 },
      ...Array.from({ length: 10 }, (_, i): FleetEvent[] => [
        { type: 'target-started', target: { database, schema: `t${i}` }, canary: true, at: i * 100 },
        { type: 'target-finished', target: { database, schema: `t${i}` }, result: result(`t${i}`, i === 3 ? 'failed' : 'applied', 100), at: i * 100 + 100 },
      ]).flat(),
      { type: 'canary-passed', count: 10, at: 1000 },
      { type: 'target-started', target: { database, schema: 'slow one' }, canary: false, at: 1000 },
      { type: 'target-started', target: { database, schema: 'quick' }, canary: false, at: 1500 },
    ];
    for (const event of events) trackProgress(progress, event);
    expect(renderProgress(progress, 2000)).toMatchSnapshot();
    expect(renderProgress(newProgress(), 0)).toMatchSnapshot();
  });
});

describe('fleet summary', () => {
  it('counts, failures with errors, the slowest targets', () => {
    const targets = [result('tenant_1', 'applied', 1200), failed, result('tenant_2', 'up-to-date', 5), result('tenant_3', 'applied', 4000, { lockWaitedMs: 2500 }), result('tenant_4', 'skipped', 0)];
    const report = summarize(targets, { phase: 'pre', concurrency: 4, canary: 0, durationMs: 61_000, stopped: 'failure', shard: { index: 2, count: 3 } });
    expect(renderFleetReport(report)).toMatchSnapshot();
    expect(renderTargetFailure(failed)).toMatchSnapshot();
    expect(JSON.parse(JSON.stringify(report)).failures[0].error).toMatchObject({ code: 'MIGRATION_FAILED' });
  });
  it('all up to date', () => {
    const report = summarize([result('a', 'up-to-date', 3), result('b', 'up-to-date', 4)], { phase: 'all', concurrency: 2, canary: 0, durationMs: 40 });
    expect(renderFleetReport(report)).toMatchSnapshot();
  });
});

describe('fleet status', () => {
  it('the matrix', () => {
    const t = (schema: string, version: string | null, pending = { pre: 0, post: 0 }, more = {}) => ({ database, schema, ledger: version !== null, version, pending, failed: 0, edited: 0, ahead: 0, errors: 0, ...more });
    const matrix = fleetMatrix([t('a', '20'), t('b', '20'), t('c', '19', { pre: 1, post: 0 }), t('d', null, { pre: 19, post: 1 }), t('e', '20', { pre: 0, post: 0 }, { failed: 1, errors: 1 })], []);
    expect(renderFleetStatus(matrix)).toMatchSnapshot();
  });
});
