/**
 * `adopt --from prisma` against `_prisma_migrations` written as Prisma
 * Migrate writes it (a row on start, `finished_at` on success,
 * `rolled_back_at` from `prisma migrate resolve --rolled-back`): attempts
 * marked rolled back do not count, an unfinished attempt is refused with
 * the `migrate resolve` fix, and migration.sql is checked against Prisma's
 * SHA-256 (with either line ending, as Prisma accepts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHistory, cutover, ledger, snapshot, sql, tableExists, useDatabase, writeDir } from './support.js';

const db = useDatabase();

const FILES = {
  'migration_lock.toml': 'provider = "postgresql"\n',
  '20240101000000_init/migration.sql': '-- CreateTable\nCREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n',
  '20240201000000_add_posts/migration.sql': '-- CreateTable\nCREATE TABLE "Post" ("id" SERIAL NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\n',
  '20240301000000_add_tags/migration.sql': '-- CreateTable\nCREATE TABLE "Tag" ("id" SERIAL NOT NULL);\n',
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One attempt, as Prisma records it. */
async function attempt(name: keyof typeof FILES, outcome: 'finished' | 'failed' | 'rolled-back', checksumOf?: string): Promise<void> {
  // Prisma creates its table when it finds none (its DDL has no IF NOT EXISTS).
  if (!(await tableExists(db().url, '_prisma_migrations'))) await createHistory(db().url, 'prisma');
  const migration = name.split('/')[0];
  await sql(db().url, `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count, finished_at, rolled_back_at, logs)
    VALUES ($1, $2, $3, now() - interval '1 minute', $4, CASE WHEN $5 THEN now() END, CASE WHEN $6 THEN now() END, CASE WHEN $4 = 0 THEN 'Database error code: 42P07' END)`,
  [randomUUID(), sha256(checksumOf ?? FILES[name]), migration, outcome === 'finished' ? 1 : 0, outcome === 'finished', outcome === 'rolled-back']);
}

describe('adopt --from prisma', () => {
  it('matches migration names to directories; a rolled-back attempt does not count; durations come from started/finished', async () => {
    const dir = await writeDir(FILES);
    await attempt('20240101000000_init/migration.sql', 'finished');
    await attempt('20240201000000_add_posts/migration.sql', 'rolled-back');
    await attempt('20240201000000_add_posts/migration.sql', 'finished');
    await sql(db().url, 'CREATE TABLE "User" (id serial PRIMARY KEY); CREATE TABLE "Post" (id serial PRIMARY KEY)');
    const before = await snapshot(db().url, '_prisma_migrations');

    const adopted = await cutover(db().url, dir, '--format', 'prisma', 'adopt', '--from', 'prisma');
    expect(adopted.code).toBe(0);
    expect(adopted.json.entries.map((e: any) => e.version)).toEqual(['20240101000000_init', '20240201000000_add_posts']);
    expect(adopted.json.ignored).toEqual([expect.objectContaining({ key: '20240201000000_add_posts', why: expect.stringContaining('rolled back') })]);
    expect(adopted.json.pending).toEqual([{ version: '20240301000000_add_tags', file: '20240301000000_add_tags/migration.sql', position: 'newer' }]);
    const rows = await ledger(db().url);
    expect(rows.map((r) => [r.version, r.name, r.applied_by])).toEqual([
      ['20240101000000_init', 'init', 'adopt:prisma'],
      ['20240201000000_add_posts', 'add_posts', 'adopt:prisma'],
    ]);
    expect(rows[0]!.duration_ms).toBeGreaterThanOrEqual(59_000);
    expect(await snapshot(db().url, '_prisma_migrations')).toBe(before);

    const migrated = await cutover(db().url, dir, '--format', 'prisma', 'migrate');
    expect(migrated.json.applied.map((s: any) => s.migration.version)).toEqual(['20240301000000_add_tags']);
  });

  it('refuses an unfinished attempt with the prisma migrate resolve fix, changing nothing', async () => {
    const dir = await writeDir(FILES);
    await attempt('20240101000000_init/migration.sql', 'finished');
    await attempt('20240201000000_add_posts/migration.sql', 'failed');

    const refused = await cutover(db().url, dir, '--format', 'prisma', 'adopt', '--from', 'prisma');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_DIRTY', from: 'prisma', version: '20240201000000_add_posts' });
    expect(refused.error.hint).toContain('prisma migrate resolve --rolled-back 20240201000000_add_posts');
    expect(refused.error.hint).toContain('prisma migrate resolve --applied 20240201000000_add_posts');
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });

  it('checks migration.sql against Prisma\'s checksum: CRLF is no edit, a changed statement is', async () => {
    const dir = await writeDir(FILES);
    await attempt('20240101000000_init/migration.sql', 'finished');
    await writeFile(join(dir, '20240101000000_init/migration.sql'), FILES['20240101000000_init/migration.sql'].replace(/\n/g, '\r\n'));
    expect((await cutover(db().url, dir, '--format', 'prisma', 'adopt', '--from', 'prisma', '--dry-run')).json).toMatchObject({ outcome: 'would-adopt', edited: [] });

    await writeFile(join(dir, '20240101000000_init/migration.sql'), '-- CreateTable\nCREATE TABLE "User" ("id" BIGSERIAL NOT NULL);\n');
    const refused = await cutover(db().url, dir, '--format', 'prisma', 'adopt', '--from', 'prisma');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'HISTORY_EDITED', files: ['20240101000000_init/migration.sql'] });
    expect(refused.error.edited[0].recorded).toBe(`sha256:${sha256(FILES['20240101000000_init/migration.sql'])}`);
  });
});
