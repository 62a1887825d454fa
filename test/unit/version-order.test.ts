/**
 * Version order per layout (src/migrations/formats/order.ts) and the
 * planner with another layout's versions: Flyway's dotted versions and
 * repeatables, diesel's text order. Migrations are built by hand here, so
 * these tests hold whatever the layout readers do.
 */
import { describe, expect, it } from 'vitest';
import { dieselOrder, flywayOrder, numericOrder, textOrder } from '../../src/migrations/formats/order.js';
import { readScript } from '../../src/migrations/load.js';
import type { FormatId } from '../../src/migrations/formats/types.js';
import type { Migration } from '../../src/migrations/types.js';
import { plan, planRollback } from '../../src/plan/plan.js';
import { compareVersions, highestVersion, orderOf } from '../../src/deploy/versions.js';
import { row } from './fixtures.js';

function migration(format: FormatId, version: string, sql: string, extra: Partial<Migration> = {}): Migration {
  const script = readScript(`${version}.sql`, sql);
  if (Array.isArray(script)) throw script[0];
  const down = readScript(`${version}.down.sql`, 'SELECT 0;');
  if (Array.isArray(down)) throw down[0];
  return { ...script, version, name: 'm', format, down, ...extra };
}

const sorted = (versions: string[], compare: (a: string, b: string) => number) => [...versions].sort(compare);

describe('version orders', () => {
  it('numeric: as numbers; text that is not a number after every number', () => {
    expect(sorted(['10', '9', '20260101000000', 'x'], numericOrder.compare)).toEqual(['9', '10', '20260101000000', 'x']);
    expect(numericOrder.canonical('0042')).toBe('42');
    expect(numericOrder.canonical('0')).toBe('0');
  });

  it('text (dbmate, Prisma) and diesel: by code point, as those tools order them', () => {
    expect(sorted(['9', '10', '2'], textOrder.compare)).toEqual(['10', '2', '9']);
    expect(sorted(['20170923182408', '20170309122510'], dieselOrder.compare)).toEqual(['20170309122510', '20170923182408']);
    expect(dieselOrder.canonical('2017-09-23-182408')).toBe('20170923182408');
  });

  it('Flyway: parts compared as numbers, trailing zeros equal, repeatables last by description', () => {
    expect(sorted(['1.10', '1.2', '1.2.1', '2', '1', 'R__b', 'R__a'], flywayOrder.compare)).toEqual(['1', '1.2', '1.2.1', '1.10', '2', 'R__a', 'R__b']);
    expect(flywayOrder.compare('1.0', '1')).toBe(0);
    expect(flywayOrder.canonical('1_1')).toBe('1.1');
    expect(flywayOrder.repeatable?.('R__views')).toBe(true);
    expect(flywayOrder.repeatable?.('1.1')).toBe(false);
  });

  it('deploy comparisons take the layout of the migration set, digits without one', () => {
    const set = [migration('flyway', '1.2', 'SELECT 1;'), migration('flyway', '1.10', 'SELECT 1;')];
    expect(highestVersion(['1.2', '1.10', '1.9'], orderOf(set))).toBe('1.10');
    expect(compareVersions('1.2.1', '1.10', orderOf(set))).toBe(-1);
    expect(compareVersions('9', '10')).toBe(-1);
  });
});

describe('the planner with Flyway versions', () => {
  const v = (version: string, sql = 'SELECT 1;') => migration('flyway', version, sql);
  const r = (description: string, sql: string) => migration('flyway', `R__${description}`, sql, { repeatable: true });

  it('plans in Flyway order, repeatables after the versioned ones; --to takes 1_1 for 1.1', () => {
    const set = [v('1'), v('1.1'), v('1.2'), v('1.10'), r('views', 'SELECT 2;')].sort((a, b) => flywayOrder.compare(a.version, b.version));
    expect(plan(set, []).steps.map((s) => s.migration.version)).toEqual(['1', '1.1', '1.2', '1.10', 'R__views']);
    expect(plan(set, [], { to: '1_2' }).steps.map((s) => s.migration.version)).toEqual(['1', '1.1', '1.2']);
  });

  it('a repeatable runs again when its checksum changes, is never "edited" and never out of order', () => {
    const old = r('views', 'SELECT 2;');
    const changed = r('views', 'SELECT 3;');
    const ledger = [row(v('1')), row(v('1.10')), row(old)];
    expect(plan([v('1'), v('1.10'), old], ledger).steps).toEqual([]);
    const again = plan([v('1'), v('1.10'), changed], ledger);
    expect(again.steps.map((s) => s.migration.version)).toEqual(['R__views']);
    expect(again.errors).toEqual([]);
    expect(again.entries.find((e) => e.version === 'R__views')?.state).toBe('pending');
    // A versioned migration older than 1.10 is out of order; the repeatable's row does not count.
    expect(plan([v('1'), v('1.2'), v('1.10'), old], ledger).errors.map((p) => [p.code, p.version])).toEqual([['OUT_OF_ORDER', '1.2']]);
  });

  it('an edited versioned migration is still CHECKSUM_MISMATCH', () => {
    const ledger = [row(v('1.1'))];
    expect(plan([v('1.1', 'SELECT 9;')], ledger).errors.map((p) => p.code)).toEqual(['CHECKSUM_MISMATCH']);
  });

  it('rollback undoes versioned migrations newest first in Flyway order, leaving repeatables alone', () => {
    const set = [v('1'), v('1.2'), v('1.10'), r('views', 'SELECT 2;')];
    const ledger = set.map((m) => row(m));
    expect(planRollback(set, ledger, '1').steps.map((s) => s.migration.version)).toEqual(['1.10', '1.2']);
    expect(planRollback(set, ledger, '0').steps.map((s) => s.migration.version)).toEqual(['1.10', '1.2', '1']);
  });
});

describe('the planner with diesel versions (text order)', () => {
  it('orders and checks out-of-order by text', () => {
    const d = (version: string) => migration('diesel', version, 'SELECT 1;');
    const set = [d('1'), d('10'), d('2')].sort((a, b) => dieselOrder.compare(a.version, b.version));
    expect(plan(set, []).steps.map((s) => s.migration.version)).toEqual(['1', '10', '2']);
    expect(plan(set, [row(d('2'))]).errors.map((p) => [p.code, p.version])).toEqual([['OUT_OF_ORDER', '1'], ['OUT_OF_ORDER', '10']]);
  });
});

describe('a missing down script is named in its layout', () => {
  it('Flyway U file, diesel down.sql, dbmate section, cutover .down.sql', () => {
    const cases: [FormatId, string, string][] = [
      ['flyway', 'sql/V1_2__add.sql', 'sql/U1_2__add.sql'],
      ['diesel', '2017-09-23-182408_add/up.sql', '2017-09-23-182408_add/down.sql'],
      ['dbmate', '20260101000000_add.sql', '"-- migrate:down" section in 20260101000000_add.sql'],
      ['cutover', '0042_add.sql', '0042_add.down.sql'],
    ];
    for (const [format, file, expected] of cases) {
      const m = { ...migration(format, '1', 'SELECT 1;'), file, down: undefined } as Migration;
      delete (m as Partial<Migration>).down;
      const [problem] = planRollback([m], [row(m)], '0').errors;
      expect(problem?.code).toBe('NOT_REVERSIBLE');
      expect(problem?.message).toContain(expected);
    }
  });
});
