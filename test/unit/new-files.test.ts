/** `cutover new` in each layout (src/migrations/new-files.ts): names, versions, headers. */
import { describe, expect, it } from 'vitest';
import { newMigrationFiles } from '../../src/migrations/new-files.js';

const now = new Date('2026-11-22T03:04:05Z');
const base = { name: 'add_users', versions: [] as string[], now, transaction: true };
/** The header comment every new file starts with (after sqlx's marker). */
const H = '-- add users: written by `cutover new` on 2026-11-22 03:04:05 UTC; the statements go below.';

describe('newMigrationFiles', () => {
  it('cutover: a UTC timestamp even after a sequence, one past the highest when that is later; directives', () => {
    expect(newMigrationFiles('cutover', base)).toEqual([{ path: '20261122030405_add_users.sql', text: `${H}\n\n` }]);
    expect(newMigrationFiles('cutover', { ...base, versions: ['1', '2'] })[0]!.path).toBe('20261122030405_add_users.sql');
    expect(newMigrationFiles('cutover', { ...base, versions: ['20261122030405'] })[0]!.path).toBe('20261122030406_add_users.sql');
    expect(newMigrationFiles('cutover', { ...base, post: true, transaction: false, reversible: true })).toEqual([
      { path: '20261122030405_add_users.up.sql', text: `${H}\n-- cutover:phase post\n-- cutover:no-transaction\n\n` },
      { path: '20261122030405_add_users.down.sql', text: '-- undo what the up script does\n' },
    ]);
  });

  it('sqlx: continues a sequence; its -- no-transaction marker is the first line', () => {
    expect(newMigrationFiles('sqlx', { ...base, versions: ['1', '2'], post: true, transaction: false })).toEqual([
      { path: '3_add_users.sql', text: `-- no-transaction\n${H}\n-- cutover:phase post\n\n` },
    ]);
  });

  it('golang-migrate: always an up/down pair, zero-padded like the sequence before it', () => {
    expect(newMigrationFiles('golang-migrate', { ...base, versions: ['000001', '000002'] }).map((f) => f.path)).toEqual(['000003_add_users.up.sql', '000003_add_users.down.sql']);
  });

  it('dbmate: one file with both sections; transaction:false on the section lines', () => {
    expect(newMigrationFiles('dbmate', { ...base, transaction: false })).toEqual([
      { path: '20261122030405_add_users.sql', text: `${H}\n\n-- migrate:up transaction:false\n\n-- migrate:down transaction:false\n\n` },
    ]);
  });

  it('Flyway: the next major version; a .conf for no transaction; a U file when reversible', () => {
    expect(newMigrationFiles('flyway', { ...base, versions: ['1', '1.1', '2', 'R__views'], transaction: false, reversible: true })).toEqual([
      { path: 'V3__add_users.sql', text: `${H}\n\n` },
      { path: 'V3__add_users.sql.conf', text: 'executeInTransaction=false\n' },
      { path: 'U3__add_users.sql', text: '-- undo what the up script does\n' },
    ]);
  });

  it('diesel: a dated directory with up.sql, down.sql and metadata.toml for no transaction', () => {
    expect(newMigrationFiles('diesel', { ...base, transaction: false }).map((f) => f.path)).toEqual([
      '2026-11-22-030405_add_users/up.sql', '2026-11-22-030405_add_users/down.sql', '2026-11-22-030405_add_users/metadata.toml',
    ]);
  });

  it('Prisma: a directory with migration.sql; --reversible is refused (no down scripts)', () => {
    expect(newMigrationFiles('prisma', base)).toEqual([{ path: '20261122030405_add_users/migration.sql', text: `${H}\n\n` }]);
    expect(() => newMigrationFiles('prisma', { ...base, reversible: true })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
