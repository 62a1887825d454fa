import { describe, expect, it } from 'vitest';
import { checksum, normalizeText } from '../../src/migrations/checksum.js';
import { parseDirectives } from '../../src/migrations/directives.js';
import { parseFileName, timestampVersion } from '../../src/migrations/file-name.js';
import { loadMigrations } from '../../src/migrations/load.js';
import type { MigrationSource } from '../../src/migrations/types.js';
import { CutoverError } from '../../src/errors.js';

function source(files: Record<string, string | Uint8Array>): MigrationSource {
  return { location: 'mem', list: async () => Object.keys(files), read: async (name) => files[name]! };
}

async function problems(files: Record<string, string | Uint8Array>): Promise<{ code: string; file?: unknown; line?: unknown }[]> {
  try {
    await loadMigrations(source(files));
  } catch (error) {
    const e = error as CutoverError & { errors?: CutoverError[] };
    return (e.errors ?? [e]).map((x) => ({ code: x.code, file: x.details.file, ...(x.details.line ? { line: x.details.line } : {}) }));
  }
  return [];
}

describe('file names', () => {
  it('parses plain and reversible names, canonical version without leading zeros', () => {
    expect(parseFileName('0042_add_users.sql')).toMatchObject({ version: '42', name: 'add_users', kind: 'plain' });
    expect(parseFileName('20260101120000_x.up.sql')).toMatchObject({ version: '20260101120000', kind: 'up' });
    expect(parseFileName('0000_zero.sql')).toMatchObject({ version: '0' });
  });
  it('ignores non-SQL files and rejects bad .sql names', () => {
    expect(parseFileName('README.md')).toBe('ignored');
    expect(parseFileName('add_users.sql')).toHaveProperty('problem');
    expect(parseFileName('1-add.sql')).toHaveProperty('problem');
    expect(parseFileName('99999999999999999999_big.sql')).toHaveProperty('problem');
  });
  it('writes UTC timestamps', () => {
    expect(timestampVersion(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102030405');
  });
});

describe('checksum', () => {
  it('ignores a BOM and CRLF line ends', () => {
    const unix = checksum(normalizeText('SELECT 1;\nSELECT 2;\n'));
    expect(checksum(normalizeText('\uFEFFSELECT 1;\r\nSELECT 2;\r\n'))).toBe(unix);
    expect(checksum(normalizeText('SELECT 1;\nSELECT 3;\n'))).not.toBe(unix);
    expect(unix).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('directives', () => {
  it('reads every directive from the header', () => {
    const { directives, problems: found } = parseDirectives(
      '-- cutover:phase post\n-- cutover:no-transaction\n-- cutover:lock-timeout 10s\n-- cutover:statement-timeout 5min\n-- cutover:lint-ignore a,b because\n\nDROP TABLE t;',
      'x.sql',
    );
    expect(found).toEqual([]);
    expect(directives).toEqual({ phase: 'post', transaction: false, lockTimeoutMs: 10_000, statementTimeoutMs: 300_000, lintIgnore: [{ rules: ['a', 'b'], reason: 'because', line: 5 }] });
  });
  it('stops at the first statement', () => {
    expect(parseDirectives('SELECT 1;\n-- cutover:phase post\n', 'x.sql').directives.phase).toBe('pre');
  });
  it("honours sqlx's first-line -- no-transaction", () => {
    expect(parseDirectives('-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);', 'x.sql').directives.transaction).toBe(false);
  });
  it('rejects unknown directives with a suggestion, and bad values with the line', () => {
    const unknown = parseDirectives('-- cutover:lock-timout 5s\nSELECT 1;', 'x.sql').problems[0]!;
    expect(unknown).toMatchObject({ code: 'UNKNOWN_DIRECTIVE', details: { file: 'x.sql', line: 1 } });
    expect(unknown.message).toContain('Did you mean "lock-timeout"');
    expect(parseDirectives('\n-- cutover:lock-timeout soon\n', 'x.sql').problems[0]).toMatchObject({ code: 'BAD_DIRECTIVE', details: { line: 2 } });
    expect(parseDirectives('-- cutover:phase later\n', 'x.sql').problems[0]).toMatchObject({ code: 'BAD_DIRECTIVE' });
    expect(parseDirectives('-- cutover:lint-ignore rule-without-reason\n', 'x.sql').problems[0]).toMatchObject({ code: 'BAD_DIRECTIVE' });
  });
});

describe('loadMigrations', () => {
  it('pairs reversible files and sorts by numeric version', async () => {
    const ms = await loadMigrations(source({ '10_b.sql': 'SELECT 10;', '9_a.up.sql': 'SELECT 9;', '9_a.down.sql': 'SELECT -9;', 'notes.txt': 'x' }));
    expect(ms.map((m) => [m.version, m.file, m.down?.file])).toEqual([['9', '9_a.up.sql', '9_a.down.sql'], ['10', '10_b.sql', undefined]]);
  });
  it('collects every bad file in one error', async () => {
    expect(await problems({
      'x.sql': 'SELECT 1;',
      '1_a.sql': 'SELECT 1;', '01_b.sql': 'SELECT 1;',
      '2_c.up.sql': 'SELECT 1;',
      '3_d.down.sql': 'SELECT 1;',
      '4_e.sql': '  \n',
      '5_f.sql': new Uint8Array([0x53, 0xe9, 0x3b]),
    })).toEqual(expect.arrayContaining([
      { code: 'BAD_FILENAME', file: 'x.sql' },
      { code: 'DUPLICATE_VERSION', file: '1_a.sql' },
      { code: 'MISSING_DOWN', file: '2_c.up.sql' },
      { code: 'MISSING_UP', file: '3_d.down.sql' },
      { code: 'EMPTY_FILE', file: '4_e.sql' },
      { code: 'NOT_UTF8', file: '5_f.sql' },
    ]));
  });
  it('a plain file and an up file with the same version are duplicates', async () => {
    expect((await problems({ '1_a.sql': 'SELECT 1;', '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': 'SELECT 1;' })).map((p) => p.code)).toContain('DUPLICATE_VERSION');
  });
});
