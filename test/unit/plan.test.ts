import { describe, expect, it } from 'vitest';
import { plan, planRollback } from '../../src/plan/plan.js';
import { checkEdited, checkFailed, checkMissing, checkOutOfOrder, checkPhaseOrder } from '../../src/plan/checks.js';
import { migrations, row } from './fixtures.js';
import { numericOrder } from '../../src/migrations/formats/order.js';

const POST = '-- cutover:phase post\n';

describe('plan', () => {
  it('plans every pending migration in version order for phase all', async () => {
    const ms = await migrations({ '3_c.sql': 'SELECT 3;', '1_a.sql': 'SELECT 1;', '2_b.sql': `${POST}SELECT 2;` });
    const result = plan(ms, [row(ms[0]!)]);
    expect(result.errors).toEqual([]);
    expect(result.steps.map((s) => s.migration.version)).toEqual(['2', '3']);
  });

  it('nothing pending is an empty plan, not a problem', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;' });
    const result = plan(ms, [row(ms[0]!)]);
    expect(result).toMatchObject({ steps: [], errors: [], warnings: [] });
  });

  it('phase pre leaves post migrations pending, even when a later pre is applied', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;', '2_b.sql': `${POST}SELECT 2;`, '3_c.sql': 'SELECT 3;' });
    const first = plan(ms, [], { phase: 'pre' });
    expect(first.steps.map((s) => s.migration.version)).toEqual(['1', '3']);
    expect(first.deferred.map((m) => m.version)).toEqual(['2']);
    // After pre ran, the post migration is older than an applied pre: that is not out of order.
    const after = plan(ms, [row(ms[0]!), row(ms[2]!)], { phase: 'post' });
    expect(after.errors).toEqual([]);
    expect(after.steps.map((s) => s.migration.version)).toEqual(['2']);
  });

  it('phase post refuses while an earlier pre is pending', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;', '2_b.sql': `${POST}SELECT 2;` });
    const result = plan(ms, [], { phase: 'post' });
    expect(result.errors.map((p) => [p.code, p.version])).toEqual([['PHASE_ORDER', '2']]);
  });

  it('phase post runs when only later pre migrations are pending', async () => {
    const ms = await migrations({ '1_a.sql': `${POST}SELECT 1;`, '2_b.sql': 'SELECT 2;' });
    const result = plan(ms, [], { phase: 'post' });
    expect(result.errors).toEqual([]);
    expect(result.steps.map((s) => s.migration.version)).toEqual(['1']);
  });

  it('--to stops after the version and accepts leading zeros', async () => {
    const ms = await migrations({ '0001_a.sql': 'SELECT 1;', '0002_b.sql': 'SELECT 2;', '0003_c.sql': 'SELECT 3;' });
    expect(plan(ms, [], { to: '0002' }).steps.map((s) => s.migration.version)).toEqual(['1', '2']);
    expect(plan(ms, [], { to: '7' }).errors.map((p) => p.code)).toEqual(['UNKNOWN_VERSION']);
  });

  it('reports every history problem at once', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;', '2_b.sql': 'SELECT 2;', '3_c.sql': 'SELECT 3;' });
    const ledger = [row(ms[0]!, { checksum: 'old' }), row(ms[2]!), { ...row(ms[2]!), version: '9', name: 'gone' }];
    const result = plan(ms, ledger);
    expect(result.errors.map((p) => p.code).sort()).toEqual(['CHECKSUM_MISMATCH', 'OUT_OF_ORDER']);
    expect(result.warnings.map((p) => p.code)).toEqual(['MISSING_ON_DISK']);
  });
});

describe('history checks', () => {
  it('checkEdited names the file of an applied migration whose checksum changed', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;' });
    expect(checkEdited(ms, [row(ms[0]!)])).toEqual([]);
    const [problem] = checkEdited(ms, [row(ms[0]!, { checksum: 'f'.repeat(64) })]);
    expect(problem).toMatchObject({ code: 'CHECKSUM_MISMATCH', version: '1', file: '1_a.sql', severity: 'error' });
  });

  it('checkEdited ignores failed rows (the file may have been fixed)', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;' });
    expect(checkEdited(ms, [row(ms[0]!, { checksum: 'x', state: 'failed' })])).toEqual([]);
  });

  it('checkMissing is a warning, an error with strict', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;' });
    const ahead = { ...row(ms[0]!), version: '2', name: 'newer' };
    expect(checkMissing(ms, [row(ms[0]!), ahead])).toMatchObject([{ code: 'MISSING_ON_DISK', severity: 'warning', version: '2' }]);
    expect(checkMissing(ms, [ahead], true)).toMatchObject([{ severity: 'error' }]);
  });

  it('checkFailed refuses while a no-transaction migration is failed', async () => {
    const ms = await migrations({ '1_a.sql': '-- cutover:no-transaction\nSELECT 1;' });
    const [problem] = checkFailed(ms, [row(ms[0]!, { state: 'failed', failedStatement: 2, error: 'boom' })]);
    expect(problem).toMatchObject({ code: 'UNRESOLVED_FAILURE', version: '1', file: '1_a.sql' });
    expect(problem!.message).toContain('statement 2');
  });

  it('checkOutOfOrder compares within a phase only, and can be allowed', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;', '2_b.sql': `${POST}SELECT 2;`, '3_c.sql': 'SELECT 3;' });
    const ledger = [row(ms[2]!)];
    expect(checkOutOfOrder([ms[0]!, ms[1]!], ledger, numericOrder).map((p) => p.version)).toEqual(['1']);
    expect(checkOutOfOrder([ms[0]!], ledger, numericOrder, true)).toEqual([]);
  });

  it('checkPhaseOrder flags post migrations newer than the first pending pre', async () => {
    const ms = await migrations({ '1_a.sql': `${POST}SELECT 1;`, '2_b.sql': 'SELECT 2;', '3_c.sql': `${POST}SELECT 3;` });
    expect(checkPhaseOrder([ms[0]!, ms[2]!], [ms[1]!], numericOrder).map((p) => p.version)).toEqual(['3']);
  });
});

describe('planRollback', () => {
  it('undoes newer applied migrations newest first', async () => {
    const ms = await migrations({
      '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': 'SELECT -1;',
      '2_b.up.sql': 'SELECT 2;', '2_b.down.sql': 'SELECT -2;',
      '3_c.up.sql': 'SELECT 3;', '3_c.down.sql': 'SELECT -3;',
    });
    const result = planRollback(ms, ms.map((m) => row(m)), '1');
    expect(result.errors).toEqual([]);
    expect(result.steps.map((s) => [s.direction, s.migration.version])).toEqual([['down', '3'], ['down', '2']]);
  });

  it('refuses, naming each migration without a down file', async () => {
    const ms = await migrations({ '1_a.sql': 'SELECT 1;', '2_b.up.sql': 'SELECT 2;', '2_b.down.sql': 'SELECT -2;', '3_c.sql': 'SELECT 3;' });
    const result = planRollback(ms, ms.map((m) => row(m)), '0');
    expect(result.errors.map((p) => [p.code, p.version])).toEqual([['NOT_REVERSIBLE', '3'], ['NOT_REVERSIBLE', '1']]);
  });
});
