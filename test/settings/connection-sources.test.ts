/**
 * Where the database comes from (issue 17 item 3): --url, then DATABASE_URL, then libpq's
 * PG* variables, then a .env file; the embedded database only at a terminal outside CI,
 * otherwise NO_DATABASE (exit 2) naming every place looked at.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, migrationsDir, spawnCli } from '../support/cli.js';
import { freshDatabase, testSchema } from '../support/db.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let project: string;
let dir: string;
beforeEach(async () => {
  db = await freshDatabase();
  project = await mkdtemp(join(tmpdir(), 'cutover-sources-'));
  dir = await migrationsDir({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
});
afterEach(async () => db.drop());

/** The test database as PG* variables. */
function pgVars(): Record<string, string> {
  const u = new URL(db.url);
  return { PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: u.pathname.slice(1) };
}

async function status(env: Record<string, string>, extra: string[] = [], tty = false) {
  const result = await cli(['status', '--dir', dir, '--schema', testSchema(), '--json', ...extra], { cwd: project, env, tty });
  return { ...result, json: JSON.parse(result.stdout) };
}

describe('no silent fallback', () => {
  it('CI=true cutover migrate without a database: exit 2 NO_DATABASE, nothing started (real process)', async () => {
    const run = await spawnCli(['migrate', '--dir', dir, '--json'], { cwd: project, env: { CI: 'true' } }).done;
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stdout).error;
    expect(error.code).toBe('NO_DATABASE');
    for (const place of ['--url', 'DATABASE_URL', 'PGHOST', '.env', 'cutover.config.json']) expect(error.message).toContain(place);
    expect(error.hint).toContain('CI=true');
    expect(existsSync(join(project, '.cutover'))).toBe(false);
  });

  it('not at a terminal, without CI: NO_DATABASE too; at a terminal with CI: NO_DATABASE', async () => {
    expect((await status({})).json.error.code).toBe('NO_DATABASE');
    expect((await status({ CI: '1' }, [], true)).json.error.code).toBe('NO_DATABASE');
  });
});

describe('the order of the sources', () => {
  it('libpq PG* variables', async () => {
    const result = await status(pgVars());
    expect(result.code, result.stderr).toBe(0);
    const p = pgVars();
    expect(result.json.target).toBe(`postgres://${p.PGUSER}@${p.PGHOST}:${p.PGPORT}/${p.PGDATABASE}`);
  });

  it('DATABASE_URL over PG*, --url over both', async () => {
    const bogus = { ...pgVars(), PGHOST: 'pg.invalid' };
    expect((await status({ ...bogus, DATABASE_URL: db.url })).code).toBe(0);
    expect((await status({ ...bogus, DATABASE_URL: 'postgres://x@db.invalid/x' }, ['--url', db.url])).code).toBe(0);
  });

  it('a .env file (./.env, or --env-file), below the environment; --no-env-file reads none', async () => {
    await writeFile(join(project, '.env'), `# as dbmate reads it\nexport DATABASE_URL="${db.url}"\n`);
    expect((await status({})).code).toBe(0);
    const shown = await cli(['config', '--json'], { cwd: project });
    expect(JSON.parse(shown.stdout).settings.url).toMatchObject({ origin: 'env-file', source: '.env DATABASE_URL' });
    // PG* in the environment come before the file.
    expect((await status({ ...pgVars(), PGHOST: 'pg.invalid' })).json.error.code).toBe('CONNECTION');
    const none = await status({}, ['--no-env-file']);
    expect(none.json.error.code).toBe('NO_DATABASE');
    expect(none.json.error.message).toContain('--no-env-file');

    const elsewhere = join(project, 'deploy.env');
    await writeFile(elsewhere, Object.entries(pgVars()).map(([k, v]) => `${k}=${v}`).join('\n'));
    await writeFile(join(project, '.env'), 'DATABASE_URL=postgres://x@db.invalid/x\n');
    expect((await status({}, ['--env-file', elsewhere])).code).toBe(0);
  });

  it('.env PG* as dbmate and Prisma load it: per variable the environment wins, the file fills in what it lacks (libpq defaults)', async () => {
    const { PGPASSWORD: password = '', ...server } = pgVars();
    const withoutPassword = new URL(db.url);
    withoutPassword.password = '';
    // The environment names the server; the file's PGHOST is ignored, its PGPASSWORD fills in.
    await writeFile(join(project, '.env'), `PGHOST=pg.invalid\nPGPASSWORD=${password}\n`);
    const merged = await status(server);
    expect(merged.code, merged.stderr).toBe(0);
    // A DATABASE_URL without a password: the file's PGPASSWORD is its default, as libpq's PGPASSWORD is.
    expect((await status({ DATABASE_URL: withoutPassword.toString() })).code).toBe(0);
    const shown = await cli(['config', '--json'], { cwd: project, env: { DATABASE_URL: withoutPassword.toString() } });
    const url = JSON.parse(shown.stdout).settings.url;
    expect(url).toMatchObject({ origin: 'env', source: 'DATABASE_URL, .env PGPASSWORD' });
    expect(url.shown).toBe(`postgres://${server.PGUSER}@${server.PGHOST}:${server.PGPORT}/${server.PGDATABASE}`); // no password, in any form
    // The environment's PGPASSWORD wins over the file's.
    await writeFile(join(project, '.env'), 'PGPASSWORD=wrong\n');
    expect((await status({ ...server, PGPASSWORD: password })).code).toBe(0);
    expect((await status(server)).json.error.code).toBe('AUTHENTICATION'); // the file's wrong one
  });

  it('--env-file naming a missing file is a setting error', async () => {
    const result = await status({}, ['--env-file', join(project, 'nope.env')]);
    expect(result.code).toBe(2);
    expect(result.json.error).toMatchObject({ code: 'CONFIG', setting: 'envFile' });
  });
});
