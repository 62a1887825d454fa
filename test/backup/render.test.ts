/** The rehearsal report for people (`cutover rehearse` without --json), snapshot-tested. */
import { describe, expect, it } from 'vitest';
import type { RehearseReport } from '../../src/backup/rehearse.js';
import { renderRehearsal } from '../../src/cli/commands/rehearse.js';

function report(overrides: Partial<RehearseReport> = {}): RehearseReport {
  return {
    schema: 'tenant one', source: 'postgres://app@db:5432/app',
    scratch: { target: 'postgres://app@db:5432/cutover_rehearse_20260301120000123', database: 'cutover_rehearse_20260301120000123', kept: false, serverVersion: '15.18' },
    schemaOnly: false, copyMs: 4200, migrations: [], notRun: [], diff: { added: [], removed: [], changed: [] },
    oldCode: { source: 'file', checked: 2, skipped: 0, own: 0, broken: [] }, ok: true, durationMs: 9000, ...overrides,
  };
}

describe('renderRehearsal', () => {
  it('rows inserted, updated (HOT) and deleted per table, locks, retries, the diff and a broken query', () => {
    expect(renderRehearsal(report({
      migrations: [
        {
          version: '2', file: '0002_plans.sql', phase: 'pre', transaction: true, durationMs: 1300, attempts: 2,
          locks: [{ relation: 'tenant one.accounts', mode: 'RowExclusiveLock' }],
          rows: [
            { table: 'accounts', inserted: 0, updated: 30, hotUpdated: 12, deleted: 0, before: 200, after: 200 },
            { table: 'events', inserted: 10, updated: 0, hotUpdated: 0, deleted: 50, before: 300, after: 260 },
          ],
        },
        { version: '3', file: '0003_index.sql', phase: 'pre', transaction: false, durationMs: 12, attempts: 1, locks: [], rows: [] },
      ],
      diff: { added: [{ kind: 'index', name: 'accounts.accounts_plan', definition: 'CREATE INDEX accounts_plan ON "tenant one".accounts USING btree (plan)' }], removed: [{ kind: 'column', name: 'events.kind', definition: 'text' }], changed: [] },
      oldCode: { source: 'file', checked: 2, skipped: 0, own: 0, broken: [{ query: 'SELECT kind FROM events WHERE id = $1', sqlstate: '42703', error: 'column "kind" does not exist' }] },
      ok: false,
    }))).toMatchSnapshot();
  });

  it('a failed migration, what was not run, no counters, on an embedded server', () => {
    expect(renderRehearsal(report({
      scratch: { target: 'postgres://postgres@127.0.0.1:41234/cutover_rehearse_20260301120000123', database: 'cutover_rehearse_20260301120000123', kept: false, serverVersion: '18.1' },
      rowsNote: 'track_counts is off on the scratch server: rows inserted, updated and deleted are not counted, only the row counts before and after',
      migrations: [{
        version: '2', file: '0002_not_null.sql', phase: 'post', transaction: true, durationMs: 5, attempts: 1, locks: [],
        rows: [{ table: 'users', before: 2, after: 2 }],
        error: { code: 'MIGRATION_FAILED', message: '0002_not_null.sql:4:1: column "email" of relation "users" contains null values\nSQLSTATE 23502' },
      }],
      notRun: ['0003_later.sql'], oldCode: { source: 'none', note: 'pg_stat_statements is not installed in the source database; pass --queries <file> for the old-code check', checked: 0, skipped: 0, own: 0, broken: [] }, ok: false,
    }))).toMatchSnapshot();
  });
});
