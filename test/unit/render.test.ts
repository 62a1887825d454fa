import { describe, expect, it } from 'vitest';
import { renderError, renderEvent, renderMigrateReport, renderPlan, renderStatus } from '../../src/cli/render.js';
import { CutoverError, CutoverErrors } from '../../src/errors.js';
import type { MigrateReport } from '../../src/run/migrate.js';
import type { StatusReport } from '../../src/api.js';
import type { MigrationRef } from '../../src/run/events.js';

const ref = (version: string, phase: 'pre' | 'post' = 'pre', transaction = true): MigrationRef => ({
  version, name: `m${version}`, file: `${version}_m${version}.sql`, phase, transaction, direction: 'up',
});
const at = new Date('2026-01-02T03:04:05Z');

function report(overrides: Partial<MigrateReport> = {}): MigrateReport {
  return {
    schema: 'tenant one', target: 'postgres://app@db:5432/app', phase: 'pre', dryRun: false, lockWaitedMs: 0,
    planned: [], applied: [], deferred: [], warnings: [], entries: [], durationMs: 1234, ...overrides,
  };
}

describe('renderers', () => {
  it('migrate: applied, with post migrations left for later', () => {
    expect(renderMigrateReport(report({
      applied: [{ migration: ref('1'), durationMs: 10, attempts: 1 }, { migration: ref('3'), durationMs: 20, attempts: 2 }],
      deferred: [ref('2', 'post')],
    }))).toMatchSnapshot();
  });

  it('migrate: nothing to do', () => {
    expect(renderMigrateReport(report({ entries: [{ version: '1', name: 'm1', phase: 'pre', state: 'applied', appliedAt: at }] }))).toMatchSnapshot();
  });

  it('plan, verbose', () => {
    const planned = [
      { ...ref('1'), statements: [{ line: 1, kind: 'CreateStmt', text: 'CREATE TABLE t (\n  id bigint\n)' }] },
      { ...ref('2', 'pre', false), statements: [{ line: 2, kind: 'IndexStmt', text: 'CREATE INDEX CONCURRENTLY i ON t (id)', needsNoTransaction: 'CREATE INDEX CONCURRENTLY' }] },
    ];
    expect(renderPlan(report({ dryRun: true, planned, deferred: [ref('3', 'post')] }), true)).toMatchSnapshot();
  });

  it('status table with problems', () => {
    const status: StatusReport = {
      schema: 'public', target: 'postgres://app@db:5432/app',
      entries: [
        { version: '1', name: 'a', phase: 'pre', state: 'applied', file: '1_a.sql', appliedAt: at },
        { version: '2', name: 'b', phase: 'post', state: 'pending', file: '2_b.sql' },
        { version: '9', name: 'gone', phase: 'pre', state: 'missing', appliedAt: at },
      ],
      pending: { pre: 0, post: 1 },
      errors: [],
      warnings: [{ code: 'MISSING_ON_DISK', severity: 'warning', version: '9', message: 'version 9 (gone) is applied in the database but has no file', hint: 'Expected during a canary.' }],
    };
    expect(renderStatus(status)).toMatchSnapshot();
  });

  it('errors: code, message, hint; several at once; passwords redacted', () => {
    const one = new CutoverError('EMPTY_FILE', '1_a.sql: the file is empty', { hint: 'Write it.' });
    const two = new CutoverError('CONNECTION', 'cannot connect to postgres://app:hunter2@db:5432/app: ECONNREFUSED', { hint: 'Is it up?' });
    expect(renderError(new CutoverErrors([one, two]))).toMatchSnapshot();
    expect(renderError(two)).not.toContain('hunter2');
  });

  it('events: lock wait and retry name who blocks', () => {
    const holders = [{ pid: 42, applicationName: 'cutover migrate', clientAddr: '10.0.0.5', since: at, state: 'idle' }];
    const blockers = [{ pid: 7, state: 'idle in transaction', applicationName: 'app', query: 'SELECT *\n FROM t', ageSeconds: 93, relation: 'public.t', mode: 'AccessShareLock' }];
    expect([
      renderEvent({ type: 'lock-waiting', schema: 'public', waitedMs: 2500, holders }),
      renderEvent({ type: 'migration-retrying', schema: 'public', migration: ref('4'), attempt: 1, lockTimeoutMs: 100, delayMs: 500, blockers }),
      renderEvent({ type: 'migration-started', schema: 'public', migration: ref('4'), attempt: 1 }),
      renderEvent({ type: 'migration-started', schema: 'public', migration: ref('4'), attempt: 1 }, true),
    ].join('\n')).toMatchSnapshot();
  });
});
