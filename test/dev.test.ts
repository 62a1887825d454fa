/**
 * `cutover dev` and the embedded fallback: without --url, DATABASE_URL, PG* or .env,
 * commands run at a terminal use a real Postgres in .cutover/dev and say so.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, migrationsDir } from './support/cli.js';


const project = await mkdtemp(join(tmpdir(), 'cutover-dev-'));
// As root, the server runs as `postgres`, which must be able to enter the project (mkdtemp makes it 0700).
await chmod(project, 0o755);
afterAll(() => rm(project, { recursive: true, force: true }));

describe('the embedded development database', () => {
  it('cutover dev migrates it, prints DATABASE_URL and stops on Ctrl-C; other commands then use it', async () => {
    const dir = await migrationsDir({ '1_notes.sql': 'CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);\n' });
    const dev = await cli(['dev', '--dir', dir, '--json'], { cwd: project });
    expect(dev.code, dev.stderr).toBe(0);
    const report = JSON.parse(dev.stdout) as { url: string; dataDir: string; applied: { migration: { version: string } }[] };
    expect(report.dataDir).toBe(join(project, '.cutover', 'dev'));
    expect(report.applied.map((a) => a.migration.version)).toEqual(['1']);
    expect(dev.stderr).toContain('Ctrl-C');
    // The 39 MB of local state is never committed by a `git add .`.
    expect((await readFile(join(project, '.cutover', '.gitignore'), 'utf8')).split('\n')).toContain('*');

    // No URL anywhere: status uses the same persistent database, and says so.
    const status = await cli(['status', '--dir', dir, '--json'], { cwd: project, tty: true });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain('embedded development database');
    expect((JSON.parse(status.stdout) as { entries: { state: string }[] }).entries.map((e) => e.state)).toEqual(['applied']);

    // --reset starts from an empty database: the migration runs again.
    const reset = await cli(['dev', '--reset', '--dir', dir, '--json'], { cwd: project });
    expect(reset.code, reset.stderr).toBe(0);
    expect((JSON.parse(reset.stdout) as { applied: unknown[] }).applied).toHaveLength(1);
  });

  it('bad files are reported before any server is started', async () => {
    const dir = await migrationsDir({ 'oops.sql': 'SELECT 1;' });
    const elsewhere = await mkdtemp(join(tmpdir(), 'cutover-dev-bad-'));
    const result = await cli(['migrate', '--dir', dir], { cwd: elsewhere, tty: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('BAD_FILENAME');
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(elsewhere, '.cutover'))).toBe(false);
    await rm(elsewhere, { recursive: true, force: true });
  });
});
