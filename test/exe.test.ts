/**
 * The single executable (`npm run build:exe`): built here, copied alone into
 * an empty directory (no node_modules anywhere near it), and smoke-tested
 * against the real Postgres: --version, migrate, status --json, lint.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { database } from './support/fixtures.js';
import { testSchema } from './support/db.js';

const root = resolve(import.meta.dirname, '..');
let exe: string;
let work: string;

function run(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { cwd, env: { PATH: '/usr/bin:/bin' }, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-exe-'));
  const built = await run(process.execPath, [join(root, 'scripts/build-exe.mjs'), '--out', join(work, 'build')], root);
  expect(built.code, built.stderr).toBe(0);
  exe = join(work, 'cutover');
  await copyFile(join(work, 'build/cutover-linux-x64'), exe);
  await rm(join(work, 'build'), { recursive: true });
  await mkdir(join(work, 'migrations'));
  await writeFile(join(work, 'migrations/1_users.sql'), 'CREATE TABLE users (id int PRIMARY KEY, email text);\n');
  await writeFile(join(work, 'migrations/2_email_index.sql'), 'CREATE INDEX users_email ON users (email);\n');
}, 300_000);

describe('the single executable', () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    const result = await run(exe, ['--version'], work);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('migrates, reports status as JSON and lints against real Postgres, with nothing but itself', async () => {
    const url = await database();
    const target = ['--url', url, '--schema', testSchema()];
    const migrated = await run(exe, ['migrate', ...target, '--lint', 'warn'], work);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stderr).toContain('applied 2_email_index.sql');
    const status = await run(exe, ['status', '--json', ...target], work);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true, upToDate: true, pending: { pre: 0, post: 0 } });
    await writeFile(join(work, 'migrations/3_not_null.sql'), 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n');
    const lint = await run(exe, ['lint', '--json', ...target], work);
    expect(JSON.parse(lint.stdout).counts).toBeDefined();
    const offline = await run(exe, ['lint', 'migrations/2_email_index.sql'], work);
    expect(offline.code).toBe(3); // the parser's WASM inside the file: a finding, exit 3
    expect(offline.stdout).toContain('require-concurrent-index-creation');
  });
});
