/**
 * Connection strings as libpq takes them, and passwords never shown (issue 16 defect 3,
 * issue 17 item 3): keyword strings, an empty host with `?host=`, sslmode without
 * node-postgres' warning, and no password in any message or JSON field.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, migrationsDir, spawnCli } from '../support/cli.js';
import { freshDatabase, testSchema } from '../support/db.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => db.drop());

const SECRET = 'S3cr3tPw';
const files = { '1_a.sql': 'CREATE TABLE a (id int);\n' };

/** The parts of the test database's URL. */
function parts() {
  const u = new URL(db.url);
  return { host: u.hostname, port: u.port || '5432', user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

async function status(url: string, env: Record<string, string> = {}) {
  const dir = await migrationsDir(files);
  const result = await cli(['status', '--dir', dir, '--schema', testSchema(), '--json', ...(url ? ['--url', url] : [])], { env });
  return { ...result, json: JSON.parse(result.stdout) };
}

describe('any connection string libpq accepts', () => {
  it('a keyword string', async () => {
    const p = parts();
    const result = await status(`host=${p.host} port=${p.port} user=${p.user} password='${p.password}' dbname=${p.database}`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.json.target).toBe(`postgres://${p.user}@${p.host}:${p.port}/${p.database}`);
  });

  it('an empty host with ?host= (the Cloud SQL socket form)', async () => {
    const p = parts();
    const result = await status(`postgres://${p.user}:${p.password}@/${p.database}?host=${p.host}&port=${p.port}`);
    expect(result.code).toBe(0);
    const socket = await status(`postgres://${p.user}:${SECRET}@/${p.database}?host=/cloudsql/proj:region:inst`);
    expect(socket.code).toBe(1);
    expect(socket.json.error.code).toBe('CONNECTION');
    expect(socket.json.error.target).toBe(`postgres://${p.user}@/${p.database}?host=/cloudsql/proj:region:inst`);
    expect(socket.stdout + socket.stderr).not.toContain(SECRET);
  });

  it('sslmode=prefer connects to a server without SSL, and no sslmode warning is printed', async () => {
    const dir = await migrationsDir(files);
    const prefer = spawnCli(['status', '--dir', dir, '--schema', testSchema(), '--url', `${db.url}?sslmode=prefer`]);
    const preferred = await prefer.done;
    expect(preferred.code).toBe(0);
    const require = await spawnCli(['status', '--dir', dir, '--url', `${db.url}?sslmode=require`]).done;
    expect(require.code).toBe(1);
    expect(require.stderr).toContain('does not support SSL');
    for (const output of [preferred.stderr, require.stderr]) expect(output).not.toMatch(/SECURITY WARNING|uselibpqcompat/);
  });
});

describe('the password never appears', () => {
  it('a keyword string in DATABASE_URL that is refused', async () => {
    const result = await status('', { DATABASE_URL: `host=db password=${SECRET} dbname='unclosed` });
    expect(result.code).toBe(2);
    expect(result.json.error.code).toBe('INVALID_URL');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.json.error.url).toContain('password=***');
  });

  it('?password= in a URL that fails to parse', async () => {
    const result = await status(`postgres://app@db:notaport/app?password=${SECRET}`);
    expect(result.code).toBe(2);
    expect(result.json.error.code).toBe('INVALID_URL');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('an unencoded @ and / in the password: refused before connecting, nothing of it shown', async () => {
    const p = parts();
    const result = await status(`postgres://${p.user}:pa@ss/w${SECRET}@${p.host}:${p.port}/${p.database}`);
    expect(result.code).toBe(2);
    expect(result.json.error.code).toBe('INVALID_URL');
    expect(result.json.error.hint).toContain('percent-encode');
    expect(result.stdout + result.stderr).not.toMatch(new RegExp(`${SECRET}|pa@|ss/w`));
  });

  it('a keyword string whose server is down: the password is not in the message or the target', async () => {
    const result = await status(`host=127.0.0.1 port=1 user=app password=${SECRET} dbname=app`);
    expect(result.code).toBe(1);
    expect(result.json.error.target).toBe('postgres://app@127.0.0.1:1/app');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });
});
