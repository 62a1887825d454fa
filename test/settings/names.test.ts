/**
 * One name per concept across commands (issue 17 item 1): the new names work, the old
 * spellings still work, are hidden from --help, and warn.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, testSchema } from '../support/db.js';

const unsafe = { '1_users.sql': 'CREATE TABLE users (id int);\n', '2_index.sql': 'CREATE INDEX users_id ON users (id);\n' };

describe('lint --output is the output format; --format names the layout', () => {
  it('--output github; --format github still works and warns', async () => {
    const dir = await migrationsDir(unsafe);
    const now = await cli(['lint', '--dir', dir, '--output', 'github']);
    expect(now.code).toBe(3);
    expect(now.stdout).toContain('::error file=');
    expect(now.stderr).not.toContain('deprecated');
    const old = await cli(['lint', '--dir', dir, '--format', 'github']);
    expect(old.stdout).toBe(now.stdout);
    expect(old.stderr).toContain('lint --format github is deprecated');
    expect((await cli(['lint', '--dir', dir, '--format', 'cutover', '--output', 'json'])).code).toBe(3);
  });
});

describe('renamed flags', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeEach(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => db.drop());

  it('backup --backup-dir (was --out) lists the same directory; --out warns', async () => {
    const backups = await mkdtemp(join(tmpdir(), 'cutover-backups-'));
    const now = await cli(['backup', '--list', '--backup-dir', backups, '--json']);
    expect(now.code).toBe(0);
    expect(now.stderr).not.toContain('deprecated');
    const old = await cli(['backup', '--list', '--out', backups, '--json']);
    expect(old.code).toBe(0);
    expect(old.stdout).toBe(now.stdout);
    expect(old.stderr).toContain('backup --out is deprecated: use --backup-dir');
    expect((await cli(['backup', '--help'])).stdout).not.toMatch(/--out\b/);
  });

  it('instances --include-expired (was --all); --all warns', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const args = ['--url', db.url, '--schema', testSchema(), '--dir', dir, '--json'];
    expect((await cli(['migrate', ...args])).code).toBe(0);
    const now = await cli(['instances', '--include-expired', ...args]);
    expect(now.code).toBe(0);
    const old = await cli(['instances', '--all', ...args]);
    expect(old.code).toBe(0);
    expect(old.stderr).toContain('instances --all is deprecated: use --include-expired');
  });

  it('rehearse --keep-scratch (was --keep): the old name warns and means the same', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const old = await cli(['rehearse', '--url', db.url, '--dir', dir, '--scratch-embedded', '--keep', '--json']);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('rehearse --keep is deprecated: use --keep-scratch');
    expect(JSON.parse(old.stdout).error.message).toContain('--keep-scratch cannot keep');
  });
});
