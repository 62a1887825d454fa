/**
 * `cutover notes <from>..<to>` on a real git repository made here: the
 * migrations added between two tags, their phases and locks, the Markdown
 * "Migration required" section and --json; bad ranges and edited or removed
 * migrations are errors naming them.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, migrationsDir } from './support/cli.js';

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
async function release(tag: string, files: Record<string, string | null>) {
  for (const [name, sql] of Object.entries(files)) {
    if (sql === null) await rm(join(repo, 'db/migrations', name));
    else await writeFile(join(repo, 'db/migrations', name), sql);
  }
  git('add', '-A');
  git('commit', '-q', '-m', tag);
  git('tag', tag);
}
const notes = async (range: string, ...args: string[]) => {
  const result = await cli(['notes', range, '--dir', 'db/migrations', ...args], { cwd: repo });
  return { ...result, json: args.includes('--json') ? JSON.parse(result.stdout) : undefined };
};

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'cutover-notes-repo-'));
  await mkdir(join(repo, 'db/migrations'), { recursive: true });
  git('init', '-q');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  await writeFile(join(repo, 'README.md'), 'app\n');
  await release('v0', {}); // before the migrations directory existed
  await release('v1', { '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, fullname text);\n' });
  await release('v2', {
    '2_display_name.sql': 'ALTER TABLE users ADD COLUMN display_name text;\nCREATE INDEX users_display_name ON users (display_name);\n',
    '3_drop_fullname.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN fullname;\n',
  });
  await release('v3', { '4_comment.sql': "COMMENT ON TABLE users IS 'people';\n" });
  await release('v4-edited', { '1_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, fullname text);\n' });
  git('checkout', '-q', 'v3');
  git('checkout', '-q', '-b', 'removed');
  await release('v4-removed', { '4_comment.sql': null });
});

describe('cutover notes', () => {
  it('between two tags: the added migrations, phases, locks, lint, and the Markdown section', async () => {
    const result = await notes('v1..v2', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ ok: true, from: 'v1', to: 'v2', postStepNeeded: true, edited: [], removed: [] });
    expect(result.json.added).toEqual([
      expect.objectContaining({ version: '2', name: 'display_name', file: 'db/migrations/2_display_name.sql', phase: 'pre', duration: 'scan', locks: ['ACCESS EXCLUSIVE on "users"', 'SHARE on "users"'] }),
      expect.objectContaining({ version: '3', name: 'drop_fullname', phase: 'post', duration: 'brief', locks: ['ACCESS EXCLUSIVE on "users"'], findings: [] }),
    ]);
    expect(result.json.added[0].findings).toEqual([expect.objectContaining({ rule: 'require-concurrent-index-creation' })]);
    const markdown: string = result.json.markdown;
    expect(markdown).toMatch(/^## Migration required\n/);
    expect(markdown).toContain('| 3 | drop_fullname | post | ACCESS EXCLUSIVE on "users" | brief (catalog only) | clean |');
    expect(markdown).toContain('**Post step needed:** `cutover migrate --phase post` (3)');
    expect(markdown).toContain('- db/migrations/2_display_name.sql: building index "users_display_name"');
    expect((await notes('v1..v2')).stdout.trim()).toBe(markdown.trim()); // without --json: the Markdown on stdout
  });

  it('a range with no post migration, one from before the directory existed, and one with nothing added', async () => {
    const v3 = await notes('v2..v3', '--json');
    expect(v3.json).toMatchObject({ postStepNeeded: false, added: [expect.objectContaining({ version: '4', phase: 'pre', duration: 'brief' })] });
    expect(v3.json.markdown).toContain('3. No post step in this release.');
    expect((await notes('v0..v1', '--json')).json.added.map((m: { version: string }) => m.version)).toEqual(['1']);
    expect((await notes('v3..v3', '--json')).json.markdown).toContain('None: v3..v3 adds no migration.');
    expect((await notes('v1..HEAD', '--json')).json.added.map((m: { version: string }) => m.version)).toEqual(['2', '3']);
  });

  it('two directories', async () => {
    const before = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const after = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': '-- cutover:phase post\nDROP TABLE a;\n' });
    const result = await cli(['notes', `${before}..${after}`, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ postStepNeeded: true, added: [expect.objectContaining({ version: '2', phase: 'post' })] });
  });

  describe('bad input: exit 2 with a hint', () => {
    it.each([
      ['an unknown ref', 'v1..v9', 'NOTES_UNKNOWN_REF', '"v9" is not a commit'],
      ['a reversed range', 'v2..v1', 'NOTES_REVERSED_RANGE', 'v2..v1 runs backwards'],
      ['no range', 'v1', 'USAGE', 'is not a range'],
      ['an edited migration inside the range', 'v3..v4-edited', 'MIGRATION_EDITED_IN_RANGE', 'db/migrations/1_users.sql'],
      ['a removed migration inside the range', 'v3..v4-removed', 'MIGRATION_REMOVED_IN_RANGE', 'db/migrations/4_comment.sql'],
    ])('%s', async (_name, range, code, says) => {
      const result = await notes(range, '--json');
      expect(result.code).toBe(2);
      expect(result.json.error.code).toBe(code);
      expect(result.json.error.message).toContain(says);
      expect(result.json.error.hint).toBeTruthy();
    });

    it('outside a git repository, with refs that are not directories', async () => {
      const result = await cli(['notes', 'v1..v2', '--json'], { cwd: await mkdtemp(join(tmpdir(), 'cutover-no-git-')) });
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout).error.code).toBe('NOTES_UNKNOWN_REF');
    });
  });
});
