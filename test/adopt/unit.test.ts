/**
 * The pure parts of adopt, without a database: the tools' checksums, each
 * history's interpretation (Flyway's row types, Prisma's attempts,
 * golang-migrate's one row), the matcher (pending older/newer, edited,
 * repeatables, rows without files, dirty rows), the comparison with an
 * existing ledger, baselines, node-pg-migrate's combined files, and the
 * rendered report.
 */
import { describe, expect, it } from 'vitest';
import { checksumMatches, flywayChecksum, prismaChecksum, sqlxChecksum } from '../../src/adopt/checksums.js';
import { baselineEntries } from '../../src/adopt/baseline.js';
import { flywayRows, golangMigrateRows, HISTORY_READERS, prismaRows, sqlxRows, type FlywayRow } from '../../src/adopt/history/index.js';
import { compareWithLedger } from '../../src/adopt/ledger-diff.js';
import { matchHistory } from '../../src/adopt/match.js';
import { combinedUpDownErrors } from '../../src/adopt/refusals.js';
import type { AdoptReport, HistoryRow, SourceTool, ToolHistory } from '../../src/adopt/types.js';
import { renderAdoptReport } from '../../src/cli/commands/adopt.js';
import { CutoverError } from '../../src/errors.js';
import { checksum } from '../../src/migrations/checksum.js';
import { flywayOrder, numericOrder } from '../../src/migrations/formats/order.js';
import type { Migration } from '../../src/migrations/types.js';
import type { LedgerRow } from '../../src/plan/types.js';

function migration(version: string, sql: string, extra: Partial<Migration> = {}): Migration {
  return {
    version, name: `m${version}`, file: `${version}_m${version}.sql`, sql, checksum: checksum(sql), format: 'cutover',
    phase: 'pre', transaction: true, lintIgnore: [], ...extra,
  };
}

const applied = (key: string, extra: Partial<HistoryRow> = {}): HistoryRow => ({ key, description: null, state: 'applied', appliedAt: null, durationMs: null, ...extra });

function history(rows: HistoryRow[], extra: Partial<ToolHistory> = {}, tool: SourceTool = 'sqlx'): ToolHistory {
  return { tool, table: '"public"._sqlx_migrations', rows, ignored: [], ...extra };
}

function match(migrations: Migration[], h: ToolHistory, options: { allowMissing?: boolean; acceptEdited?: boolean } = {}) {
  const contents = new Map(migrations.map((m) => [m.file, m.sql]));
  return matchHistory({ migrations, history: h, reader: HISTORY_READERS[h.tool], contents, location: 'migrations', ...options });
}

describe('the tools\' checksums', () => {
  it('Flyway: CRC32 over the lines without terminators or BOM, signed like a Java int', () => {
    expect(flywayChecksum('')).toBe(0);
    expect(flywayChecksum('abc')).toBe(891568578); // the standard CRC-32 check value family
    expect(flywayChecksum('a\n')).toBe(-390611389); // above 2^31: negative, as Flyway stores it
    expect(flywayChecksum('a\r\nb\r\n')).toBe(flywayChecksum('a\nb\n'));
    expect(flywayChecksum('a\rb')).toBe(flywayChecksum('ab'));
    expect(flywayChecksum(Buffer.from('\uFEFFabc'))).toBe(891568578);
  });

  it('sqlx: SHA-384 of the bytes as they are (CRLF counts), or without carriage returns (ignored-chars)', () => {
    const crlf = Buffer.from('SELECT 1;\r\n');
    expect(sqlxChecksum(crlf)).not.toBe(sqlxChecksum('SELECT 1;\n'));
    expect(checksumMatches({ kind: 'sha384', hex: sqlxChecksum(crlf) }, crlf)).toBe(true);
    expect(checksumMatches({ kind: 'sha384', hex: sqlxChecksum('SELECT 1;\n') }, crlf)).toBe(true);
    expect(checksumMatches({ kind: 'sha384', hex: sqlxChecksum('SELECT 2;\n') }, crlf)).toBe(false);
  });

  it('Prisma: SHA-256 of migration.sql, matching with either line ending', () => {
    const lf = 'CREATE TABLE a ();\n';
    expect(prismaChecksum(lf)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksumMatches({ kind: 'sha256', hex: prismaChecksum(lf) }, Buffer.from(lf.replace(/\n/g, '\r\n')))).toBe(true);
    expect(checksumMatches({ kind: 'sha256', hex: prismaChecksum(lf.replace(/\n/g, '\r\n')) }, lf)).toBe(true);
    expect(checksumMatches({ kind: 'sha256', hex: prismaChecksum(lf) }, 'CREATE TABLE b ();\n')).toBe(false);
  });
});

describe('reading each history', () => {
  const flyway = (rank: number, version: string | null, type: string, extra: Partial<FlywayRow> = {}): FlywayRow => ({
    installed_rank: rank, version, description: `d${rank}`, type, script: version ? `V${version}__d.sql` : `R__d${rank}.sql`, checksum: 1,
    installed_on: new Date(0), execution_time: 5, success: true, ...extra,
  });

  it('Flyway: markers ignored, the baseline covers, DELETE and undo take a version out, a repeatable\'s latest row counts', () => {
    const read = flywayRows([
      flyway(0, null, 'SCHEMA', { description: '<< Flyway Schema Creation >>', script: '"public"', checksum: null }),
      flyway(1, '1', 'BASELINE', { checksum: null }),
      flyway(2, '2', 'SQL'),
      flyway(3, '3', 'SQL'),
      flyway(4, null, 'SQL', { script: 'R__view.sql', checksum: 10 }),
      flyway(5, '3', 'DELETE'),
      flyway(6, null, 'SQL', { script: 'R__view.sql', checksum: 11 }),
      flyway(7, '4', 'JDBC', { checksum: null }),
      flyway(8, '4', 'UNDO_SQL'),
      flyway(9, '5', 'SQL', { success: false }),
    ]);
    expect(read.through).toEqual({ version: '1', kind: 'baseline', appliedAt: new Date(0) });
    expect(read.rows.map((r) => [r.key, r.state, r.repeatable ?? false, r.checksum])).toEqual([
      ['2', 'applied', false, { kind: 'crc32', value: 1 }],
      ['R__view.sql', 'applied', true, { kind: 'crc32', value: 11 }],
      ['5', 'failed', false, { kind: 'crc32', value: 1 }],
    ]);
    expect(read.ignored.map((i) => i.key)).toEqual(['<< Flyway Schema Creation >>', '3', '4']);
  });

  it('Prisma: rolled-back attempts ignored, an unfinished one is failed and wins, duration from started to finished', () => {
    const t = (s: number) => new Date(s * 1000);
    const read = prismaRows([
      { migration_name: '1_a', checksum: 'x', started_at: t(0), finished_at: t(2), rolled_back_at: null },
      { migration_name: '2_b', checksum: 'x', started_at: t(3), finished_at: null, rolled_back_at: t(4) },
      { migration_name: '2_b', checksum: 'y', started_at: t(5), finished_at: t(6), rolled_back_at: null },
      { migration_name: '3_c', checksum: 'x', started_at: t(7), finished_at: null, rolled_back_at: null },
    ]);
    expect(read.rows.map((r) => [r.key, r.state, r.durationMs, r.description])).toEqual([['1_a', 'applied', 2000, 'a'], ['2_b', 'applied', 1000, 'b'], ['3_c', 'failed', null, 'c']]);
    expect(read.ignored).toEqual([expect.objectContaining({ key: '2_b' })]);
  });

  it('golang-migrate: one row is the current version; dirty is failed; empty or -1 is nothing', () => {
    expect(golangMigrateRows([])).toMatchObject({ rows: [], ignored: [] });
    expect(golangMigrateRows([{ version: '-1', dirty: false }]).through).toBeUndefined();
    expect(golangMigrateRows([{ version: '7', dirty: false }]).through).toEqual({ version: '7', kind: 'current-version', appliedAt: null });
    expect(golangMigrateRows([{ version: '7', dirty: true }]).rows).toEqual([applied('7', { state: 'failed' })]);
  });

  it('sqlx: execution_time in nanoseconds becomes milliseconds; success = false is failed', () => {
    const [row] = sqlxRows([{ version: '1', description: 'a', installed_on: new Date(0), success: false, checksum: 'ab', execution_time: '12500000' }]);
    expect(row).toEqual({ key: '1', description: 'a', state: 'failed', appliedAt: new Date(0), durationMs: 13, checksum: { kind: 'sha384', hex: 'ab' } });
  });
});

describe('matching a history to the files', () => {
  const files = [migration('1', 'a;'), migration('2', 'b;'), migration('3', 'c;'), migration('5', 'e;')];

  it('adopts each row\'s file; files without rows are pending, newer or older than the newest adopted', () => {
    const plan = match(files, history([applied('1'), applied('3', { appliedAt: new Date(5), durationMs: 4 })]));
    expect(plan.problems).toEqual([]);
    expect(plan.entries.map((e) => [e.version, e.checksum, e.appliedAt, e.durationMs])).toEqual([['1', checksum('a;'), null, null], ['3', checksum('c;'), new Date(5), 4]]);
    expect(plan.pending).toEqual([{ version: '2', file: '2_m2.sql', position: 'older' }, { version: '5', file: '5_m5.sql', position: 'newer' }]);
  });

  it('matches versions by the layout\'s order (leading zeros, Flyway\'s 1.0 = 1)', () => {
    expect(match(files, history([applied('0003')])).entries.map((e) => e.version)).toEqual(['3']);
    const flywayFiles = [migration('1.0', 'a;', { format: 'flyway' }), migration('1.10', 'b;', { format: 'flyway' })];
    expect(match(flywayFiles, history([applied('1'), applied('1.10')], {}, 'flyway')).entries.map((e) => e.version)).toEqual(['1.0', '1.10']);
  });

  it('reports rows without files (refused), or records them with --allow-missing', () => {
    const refused = match(files, history([applied('1'), applied('9', { description: 'gone' })]));
    expect(refused.rowsWithoutFiles).toEqual([{ key: '9', description: 'gone', appliedAt: null }]);
    expect(refused.problems.map((p) => p.code)).toEqual(['HISTORY_WITHOUT_FILE']);
    const allowed = match(files, history([applied('1'), applied('9', { description: 'gone' })]), { allowMissing: true });
    expect(allowed.problems).toEqual([]);
    expect(allowed.entries.find((e) => e.version === '9')).toMatchObject({ name: 'gone', missingFile: true, checksum: 'adopt:sqlx:no-file' });
    expect(allowed.pending.map((p) => [p.version, p.position])).toEqual([['2', 'newer'], ['3', 'newer'], ['5', 'newer']]);
  });

  it('refuses edited files unless accepted; a changed repeatable is recorded to run again', () => {
    const row = applied('2', { checksum: { kind: 'sha384', hex: sqlxChecksum('old;') } });
    expect(match(files, history([row])).problems.map((p) => p.code)).toEqual(['HISTORY_EDITED']);
    const accepted = match(files, history([row]), { acceptEdited: true });
    expect(accepted.problems).toEqual([]);
    expect(accepted.edited).toEqual([{ version: '2', file: '2_m2.sql', recorded: `sha384:${sqlxChecksum('old;')}`, actual: `sha384:${sqlxChecksum('b;')}` }]);
    expect(accepted.entries[0]).toMatchObject({ edited: true, checksum: checksum('b;') });

    const view = migration('R__view', 'v;', { format: 'flyway', repeatable: true, file: 'R__view.sql' });
    const plan = match([view], history([applied('R__view.sql', { repeatable: true, checksum: { kind: 'crc32', value: 1 } })], {}, 'flyway'));
    expect(plan.problems).toEqual([]);
    expect(plan.entries[0]).toMatchObject({ version: 'R__view', rerun: true, checksum: 'flyway:crc32:1' });
  });

  it('refuses a failed row, naming the version before it for golang-migrate\'s force', () => {
    const plan = match(files, history([applied('3', { state: 'failed' })], { tool: 'golang-migrate', table: '"public".schema_migrations' }, 'golang-migrate'));
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]).toMatchObject({ code: 'HISTORY_DIRTY', details: { version: '3' } });
    expect(plan.problems[0]!.hint).toContain('force 3');
    expect(plan.problems[0]!.hint).toContain('force 2');
  });

  it('a current version covers every file at or below it; one without a file is a row without a file', () => {
    const plan = match(files, history([], { through: { version: '4', kind: 'current-version', appliedAt: null } }, 'golang-migrate'));
    expect(plan.entries.map((e) => [e.version, e.because])).toEqual([['1', 'current-version'], ['2', 'current-version'], ['3', 'current-version']]);
    expect(plan.rowsWithoutFiles.map((r) => r.key)).toEqual(['4']);
    const baseline = match(files, history([], { through: { version: '4', kind: 'baseline', appliedAt: null } }, 'flyway'));
    expect(baseline.rowsWithoutFiles).toEqual([]);
  });

  it('matches Prisma by directory and node-pg-migrate by file name', () => {
    const prisma = migration('20240101000000_init', 'a;', { format: 'prisma', file: '20240101000000_init/migration.sql' });
    expect(match([prisma], history([applied('20240101000000_init')], {}, 'prisma')).entries).toHaveLength(1);
    const split = migration('1700000000000', 'a;', { file: '1700000000000_create-users.up.sql' });
    expect(match([split], history([applied('1700000000000_create-users')], {}, 'node-pg-migrate')).entries).toHaveLength(1);
  });
});

describe('an existing ledger', () => {
  const row = (version: string, sum: string, state: 'applied' | 'failed' = 'applied'): LedgerRow => ({
    version, name: '', phase: 'pre', checksum: sum, state, appliedAt: null, durationMs: null, appliedBy: null, failedStatement: null, error: null,
  });
  const entry = (version: string, sum: string) => ({ version, name: '', phase: 'pre' as const, checksum: sum, transactional: true, appliedAt: null, durationMs: null, because: 'row' as const });

  it('empty: write; the same rows (and more): a no-op; anything else: each difference', () => {
    expect(compareWithLedger([entry('1', 'a')], undefined, numericOrder)).toEqual({ kind: 'empty' });
    expect(compareWithLedger([entry('1', 'a')], [], numericOrder)).toEqual({ kind: 'empty' });
    expect(compareWithLedger([entry('1', 'a')], [row('1', 'a'), row('2', 'b')], numericOrder)).toEqual({ kind: 'same' });
    expect(compareWithLedger([entry('1', 'a'), entry('2', 'b'), entry('3', 'c')], [row('1', 'x'), row('2', 'b', 'failed')], numericOrder)).toEqual({
      kind: 'different', differences: [
        { version: '1', kind: 'checksum', ledger: { checksum: 'x', state: 'applied' }, adopt: { checksum: 'a' } },
        { version: '2', kind: 'state', ledger: { checksum: 'b', state: 'failed' } },
        { version: '3', kind: 'absent', adopt: { checksum: 'c' } },
      ],
    });
    // A repeatable that cutover ran again since has a new checksum: still adopted.
    expect(compareWithLedger([entry('R__v', 'a')], [row('R__v', 'b')], flywayOrder)).toEqual({ kind: 'same' });
  });
});

describe('baselines and node-pg-migrate files', () => {
  it('a baseline covers every non-repeatable migration up to the version, given with or without zeros', () => {
    const files = [migration('1', 'a;'), migration('2', 'b;'), migration('3', 'c;')];
    expect(baselineEntries(files, '0002', 'migrations').map((e) => [e.version, e.because])).toEqual([['1', 'adopt-baseline'], ['2', 'adopt-baseline']]);
    expect(() => baselineEntries(files, '4', 'migrations')).toThrow(expect.objectContaining({ code: 'UNKNOWN_VERSION', details: { version: '4', location: 'migrations' } }));
  });

  it('a "-- Down Migration" section is named at its line; an up-only marker is fine', () => {
    const errors = combinedUpDownErrors([
      migration('1', '-- Up Migration\nCREATE TABLE a ();\n\n\n  --  down migration\nDROP TABLE a;\n'),
      migration('2', '-- Up Migration\nCREATE TABLE b ();\n'),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CutoverError);
    expect(errors[0]).toMatchObject({ code: 'COMBINED_UP_DOWN', details: { file: '1_m1.sql', line: 5 } });
  });
});

describe('the rendered report', () => {
  it('says what was adopted, what stays pending and why', () => {
    const report: AdoptReport = {
      schema: 'public', target: 'postgres://app@db:5432/app', from: 'dbmate', table: '"public".schema_migrations', dryRun: true, outcome: 'would-adopt',
      entries: [{ version: '20240101000000', name: 'init', phase: 'pre', checksum: 'x', transactional: true, appliedAt: null, durationMs: null, file: '20240101000000_init.sql', because: 'row' }],
      rowsWithoutFiles: [], edited: [], ignored: [], statements: ['SELECT 1'],
      pending: [{ version: '20231201000000', file: '20231201000000_old.sql', position: 'older' }, { version: '20240201000000', file: '20240201000000_new.sql', position: 'newer' }],
    };
    expect(renderAdoptReport(report)).toBe([
      'would adopt (dry run: nothing written) 1 migration from dbmate ("public".schema_migrations) into schema "public" on postgres://app@db:5432/app; "public".schema_migrations is left as it is',
      '  20240101000000   pre  not recorded         20240101000000_init.sql',
      '  pending: 20231201000000_old.sql (older than the newest adopted migration: out of order, so cutover migrate refuses it unless --allow-out-of-order (or renumber it))',
      '  pending: 20240201000000_new.sql (runs on the next cutover migrate)',
    ].join('\n'));
    const adopted = renderAdoptReport({
      ...report, outcome: 'adopted', dryRun: false, pending: [],
      rowsWithoutFiles: [{ key: '20231101000000', description: null, appliedAt: null }],
      edited: [{ version: '20240101000000', file: '20240101000000_init.sql', recorded: 'x', actual: 'y' }],
    });
    expect(adopted.split('\n').slice(1)).toEqual([
      '  no file: 20231101000000 (recorded as applied: cutover will warn that the database is ahead of the directory)',
      '  edited since dbmate applied it: 20240101000000_init.sql (accepted)',
    ]);
    expect(renderAdoptReport({ ...report, outcome: 'already-adopted', pending: [] })).toBe('schema "public" on postgres://app@db:5432/app already has the 1 migration adopted from dbmate ("public".schema_migrations): nothing to do');
  });
});
