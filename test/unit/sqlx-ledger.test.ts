/**
 * The pure parts of `--ledger sqlx` (docs/sqlx-ledger.md): sqlx's file rules
 * (checksum, description, `-- no-transaction`), the loader's sqlx checksum
 * rule, the lock key, the ledger's SQL guards, phases from files, the setting.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { renderEvent } from '../../src/cli/render.js';
import { sqlxLockKey } from '../../src/db/advisory-lock.js';
import { ledgerFor, toLedgerRows, type LedgerEntry } from '../../src/db/ledger.js';
import { CutoverError } from '../../src/errors.js';
import { bundleMigrations, bundleSource } from '../../src/migrations/bundle.js';
import { loadMigrations } from '../../src/migrations/load.js';
import { sqlxChecksum, sqlxDescription, sqlxFormatProblem, sqlxTransactionProblem } from '../../src/migrations/sqlx-rules.js';
import type { Migration, MigrationSource } from '../../src/migrations/types.js';
import { generateLockId } from '../support/sqlx-emulator.js';

function source(files: Record<string, string | Uint8Array>): MigrationSource {
  return { location: 'mem', list: async () => Object.keys(files), read: async (name) => files[name]! };
}

async function caught(work: () => unknown): Promise<CutoverError> {
  try {
    await work();
  } catch (error) {
    return error as CutoverError;
  }
  throw new Error('expected an error');
}

const sha384 = (bytes: string | Uint8Array) => createHash('sha384').update(bytes).digest('hex');

describe('sqlx file rules', () => {
  it('describes a file as sqlx does: after the first _, without the suffix, _ as spaces', () => {
    expect(sqlxDescription('20240101000000_create_users.sql')).toBe('create users');
    expect(sqlxDescription('3_add_name.up.sql')).toBe('add name');
    expect(sqlxDescription('3_add_name.down.sql')).toBe('add name');
    expect(sqlxDescription('1_odd.sql.sql')).toBe('odd'); // trim_end_matches strips every repeat
    expect(sqlxDescription('1_Mixed-Case_name.sql')).toBe('Mixed-Case name');
  });

  it('hashes the raw bytes with SHA-384: CRLF and a BOM count', () => {
    const crlf = Buffer.from('\uFEFFSELECT 1;\r\n');
    expect(sqlxChecksum(crlf)).toBe(sha384(crlf));
    expect(sqlxChecksum(crlf)).not.toBe(sqlxChecksum('SELECT 1;\n'));
    expect(sqlxChecksum('SELECT 1;\n')).toBe(sha384(Buffer.from('SELECT 1;\n')));
  });

  it('finds where cutover and sqlx would disagree on running a file in a transaction', () => {
    expect(sqlxTransactionProblem('a.sql', '-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);', false)).toBeUndefined();
    expect(sqlxTransactionProblem('a.sql', 'CREATE TABLE t ();', true)).toBeUndefined();
    for (const text of ['-- cutover:no-transaction\nSELECT 1;', '\uFEFF-- no-transaction\nSELECT 1;', '--no-transaction\nSELECT 1;', ' -- no-transaction\nSELECT 1;']) {
      expect(sqlxTransactionProblem('a.sql', text, false)).toMatchObject({ code: 'BAD_DIRECTIVE', details: { file: 'a.sql', line: 1 } });
    }
    // sqlx's starts_with also matches a longer word that cutover does not read as the directive.
    expect(sqlxTransactionProblem('a.sql', '-- no-transactional data\nSELECT 1;', true)?.message).toMatch(/sqlx runs this file outside a transaction/);
  });

  it('accepts only layouts with whole-number versions', () => {
    expect(sqlxFormatProblem('cutover', 'm')).toBeUndefined();
    expect(sqlxFormatProblem('sqlx', 'm')).toBeUndefined();
    expect(sqlxFormatProblem('golang-migrate', 'm')).toBeUndefined();
    for (const format of ['flyway', 'diesel', 'dbmate', 'prisma'] as const) {
      expect(sqlxFormatProblem(format, 'm')).toMatchObject({ code: 'CONFIG', details: { setting: 'ledger', format } });
    }
  });
});

describe('loadMigrations with checksum "sqlx"', () => {
  it('gives up scripts sqlx\'s checksum of the raw file, down scripts keep cutover\'s', async () => {
    const up = Buffer.from('\uFEFFALTER TABLE t ADD c int;\r\n');
    const [m] = await loadMigrations(source({ '1_c.up.sql': up, '1_c.down.sql': 'ALTER TABLE t DROP c;\n' }), { checksum: 'sqlx' });
    expect(m!.checksum).toBe(sha384(up));
    expect(m!.sql).toBe('ALTER TABLE t ADD c int;\n'); // what runs is still the normalised text
    const [plain] = await loadMigrations(source({ '1_c.up.sql': up, '1_c.down.sql': 'ALTER TABLE t DROP c;\n' }));
    expect(plain!.checksum).not.toBe(m!.checksum);
    expect(m!.down!.checksum).toBe(plain!.down!.checksum);
  });

  it('gives a bundle the same checksums as the directory (bundles keep the text as on disk)', async () => {
    const up = Buffer.from('\uFEFFCREATE TABLE t (id int);\r\n');
    const { files } = await bundleMigrations(source({ '1_t.sql': up }));
    const [fromBundle] = await loadMigrations(bundleSource(files), { checksum: 'sqlx' });
    expect(fromBundle!.checksum).toBe(sha384(up));
  });

  it('reports every marker sqlx would not read, and refuses a non-numeric layout before reading a file', async () => {
    const error = await caught(() => loadMigrations(source({ '1_a.sql': '-- cutover:no-transaction\nSELECT 1;', '2_b.sql': '-- no-transaction\nSELECT 2;' }), { checksum: 'sqlx' }));
    expect(error).toMatchObject({ code: 'BAD_DIRECTIVE', details: { file: '1_a.sql' } });
    const flyway = await caught(() => loadMigrations(source({ 'V1__a.sql': 'SELECT 1;' }), { format: 'flyway', checksum: 'sqlx' }));
    expect(flyway).toMatchObject({ code: 'CONFIG', details: { setting: 'ledger', format: 'flyway' } });
  });
});

describe('sqlx\'s lock key', () => {
  it('is 0x3d32ad9e × CRC-32/ISO-HDLC of the database name (checked against a bit-by-bit CRC)', () => {
    for (const name of ['postgres', 'app', 'cutover_test_1_ab', 'база данных']) expect(sqlxLockKey(name)).toBe(generateLockId(name).toString());
    expect(sqlxLockKey('postgres')).toBe((0x3d32ad9en * 359303029n).toString());
  });
});

describe('the sqlx ledger', () => {
  const entry: LedgerEntry = {
    version: '20240101000000', name: 'create_users', file: '20240101000000_create_users.sql', phase: 'pre',
    checksum: 'ab'.repeat(48), state: 'applied', durationMs: 12, appliedBy: 'me', transactional: true,
  };

  it('writes sqlx\'s columns: bigint version, description, success, bytea checksum, nanoseconds', () => {
    const sql = ledgerFor('tenant "one"', 'sqlx').recordSql(entry);
    expect(sql).toContain('INSERT INTO "tenant ""one"""._sqlx_migrations (version, description, success, checksum, execution_time)');
    expect(sql).toContain(`VALUES ('20240101000000'::bigint, 'create users', true, decode('${'ab'.repeat(48)}', 'hex'), 12000000)`);
    expect(ledgerFor('s', 'sqlx').recordSql({ ...entry, durationMs: undefined })).toContain('* 1000000000)::bigint');
  });

  it('refuses a version that is not a bigint and a checksum that is not sqlx\'s', async () => {
    const ledger = ledgerFor('s', 'sqlx');
    expect(await caught(() => ledger.recordSql({ ...entry, version: '1.2' }))).toMatchObject({ code: 'CONFIG', details: { version: '1.2' } });
    expect(await caught(() => ledger.forgetSql('99999999999999999999'))).toMatchObject({ code: 'CONFIG' });
    expect(await caught(() => ledger.recordSql({ ...entry, checksum: 'ab'.repeat(32) }))).toMatchObject({ code: 'CONFIG', details: { setting: 'ledger' } });
  });

  it('is one of two kinds', async () => {
    expect(ledgerFor('s', 'cutover').tableName).toBe('cutover_migrations');
    expect(ledgerFor('s', 'sqlx').tableName).toBe('_sqlx_migrations');
    expect(await caught(() => ledgerFor('s', 'flyway' as never))).toMatchObject({ code: 'CONFIG', details: { setting: 'ledger' } });
  });

  it('takes a row\'s phase from its file when the ledger records none, else pre', () => {
    const raw = { name: 'x', checksum: 'c', state: 'applied' as const, applied_at: null, duration_ms: null, applied_by: null, failed_statement: null, error: null };
    const migrations = [{ version: '2', phase: 'post' }] as Migration[];
    expect(toLedgerRows([{ ...raw, version: '1', phase: null }, { ...raw, version: '2', phase: null }, { ...raw, version: '3', phase: 'post' }], migrations).map((r) => r.phase)).toEqual(['pre', 'post', 'post']);
  });
});

describe('the ledger setting', () => {
  it('comes from --ledger, CUTOVER_LEDGER or the file; cutover by default', () => {
    expect(resolveSettings({ flags: {}, env: {} }).ledger).toBe('cutover');
    expect(resolveSettings({ flags: {}, env: { CUTOVER_LEDGER: 'sqlx' } }).origins.ledger).toEqual({ origin: 'env', source: 'CUTOVER_LEDGER', shown: 'sqlx' });
    expect(resolveSettings({ flags: { ledger: 'sqlx' }, env: {}, file: { path: 'c.json', values: { ledger: 'cutover' } } }).ledger).toBe('sqlx');
  });

  it('rejects another value, with "did you mean"', async () => {
    const error = await caught(() => resolveSettings({ flags: {}, env: {}, file: { path: 'c.json', values: { ledger: 'sqxl' } } }));
    expect(error).toMatchObject({ code: 'CONFIG', details: { setting: 'ledger', where: 'c.json' } });
    expect(error.hint).toContain('Did you mean "sqlx"?');
  });

  it('a wait for sqlx\'s lock says so', () => {
    const line = renderEvent({ type: 'lock-waiting', schema: 'public', waitedMs: 2000, holders: [], lock: 'sqlx' });
    expect(line).toMatch(/^waiting for sqlx's migration lock on this database \(for schema "public"\)/);
  });
});
