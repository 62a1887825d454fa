/**
 * The post-deploy guard as scenarios (STYLE.md "Tests"): apply the expand
 * half, register instances of the old and the new code, run the contract
 * half, and assert what each version of the code can still do.
 *
 * The release: users.fullname is replaced by display_name.
 *   1 pre   users(id, fullname, display_name)   v1 code reads fullname
 *   2 post  drop fullname                       v2 code knows 2, reads display_name
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { registerInstance, type Instance } from '../../src/deploy/library.js';
import { upsertInstance } from '../../src/deploy/registry.js';
import { createRegistry } from '../../src/deploy/registry.js';
import { migrate } from '../../src/api.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';
import pg from 'pg';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;
const running: Instance[] = [];

const release = {
  '1_users.sql': "CREATE TABLE users (id int PRIMARY KEY, fullname text, display_name text);\nINSERT INTO users VALUES (1, 'Ann Lee', 'Ann');\n",
  '2_drop_fullname.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN fullname;\n',
};

beforeEach(async () => {
  db = await freshDatabase();
  dir = await migrationsDir(release);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop().catch(() => {})));
  await db.drop();
});

async function cutover(...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
  return { ...result, json: result.stdout.trim() ? JSON.parse(result.stdout) : undefined };
}

const t = (name: string) => `${ident(schema)}.${ident(name)}`;
/** What v1 does: read fullname. */
const oldCode = () => query(db.url, `SELECT fullname FROM ${t('users')}`);
/** What v2 does: read display_name. */
const newCode = () => query(db.url, `SELECT display_name FROM ${t('users')}`);
const applied = async () => (await query<{ version: string }>(db.url, `SELECT version FROM ${t('cutover_migrations')} ORDER BY version::int`)).map((r) => r.version);

async function start(id: string, knownVersion: string, appVersion: string): Promise<Instance> {
  const instance = await registerInstance({ url: db.url, schema, id, host: `host-${id}`, appVersion, knownVersion, heartbeatMs: 200, ttlMs: 5000 });
  running.push(instance);
  return instance;
}

/** A crashed instance: registered once, never heartbeating again, gone after `ttlMs`. */
async function crashedInstance(id: string, knownVersion: string, ttlMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await createRegistry(client, schema);
    await upsertInstance(client, schema, { id, host: 'gone', appVersion: '1.0.0', knownVersion, ttlMs }, { register: true });
  } finally {
    await client.end();
  }
}

describe('post-deploy guard', () => {
  it('refuses the post phase while an old instance is alive, naming it, and proceeds once it expires', async () => {
    expect((await cutover('migrate', '--phase', 'pre')).code).toBe(0);
    await crashedInstance('web-v1', '1', 1500);
    await start('web-v2', '2', '2.0.0');

    const refused = await cutover('migrate', '--phase', 'post');
    expect(refused.code).toBe(1);
    expect(refused.json.error).toMatchObject({ code: 'INSTANCES_BEHIND', versions: ['2'] });
    expect(refused.json.error.instances).toEqual([expect.objectContaining({ id: 'web-v1', host: 'gone', appVersion: '1.0.0', knownVersion: '1', blocks: ['2'] })]);
    expect(refused.json.error.instances[0].lastSeen).toBeTruthy();
    expect(refused.stderr).toContain('web-v1 (host gone, app 1.0.0, knows migrations up to 1');
    // Nothing ran: the old code still works.
    expect(await applied()).toEqual(['1']);
    await expect(oldCode()).resolves.toHaveLength(1);

    await new Promise((r) => setTimeout(r, 1600)); // v1 crashed: its TTL passes
    const listed = await cutover('instances');
    expect(listed.json.instances.map((i: { id: string }) => i.id)).toEqual(['web-v2']);
    const allowed = await cutover('migrate', '--phase', 'post');
    expect(allowed.code).toBe(0);
    expect(await applied()).toEqual(['1', '2']);
    await expect(newCode()).resolves.toHaveLength(1);
    await expect(oldCode()).rejects.toMatchObject({ code: '42703' });
  });

  it('--phase all refuses too when an old instance is registered, and runs nothing', async () => {
    await start('web-v1', '1', '1.0.0');
    const refused = await cutover('migrate');
    expect(refused.json.error.code).toBe('INSTANCES_BEHIND');
    expect(await query(db.url, `SELECT to_regclass('${t('users')}') AS t`)).toEqual([{ t: null }]);
    expect((await cutover('migrate', '--phase', 'pre')).code).toBe(0);
  });

  it('--wait waits for the old instance to deregister, then applies', async () => {
    await cutover('migrate', '--phase', 'pre');
    const v1 = await start('web-v1', '1', '1.0.0');
    await start('web-v2', '2', '2.0.0');
    const run = cli(['migrate', '--phase', 'post', '--wait', '20s', '--url', db.url, '--schema', schema, '--dir', dir]);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await applied()).toEqual(['1']); // still waiting, and not holding the lock meanwhile:
    expect((await cutover('migrate', '--phase', 'pre', '--lock-wait', '2s')).code).toBe(0);
    await v1.stop(); // clean shutdown deregisters
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('waiting for 1 old instance to go');
    expect(await applied()).toEqual(['1', '2']);
  });

  it('--wait gives up after the duration with INSTANCES_BEHIND', async () => {
    await cutover('migrate', '--phase', 'pre');
    await start('web-v1', '1', '1.0.0');
    const result = await cutover('migrate', '--phase', 'post', '--wait', '1s');
    expect(result.code).toBe(1);
    expect(result.json.error.code).toBe('INSTANCES_BEHIND');
    expect(result.json.error.waitedMs).toBeGreaterThanOrEqual(1000);
  });

  it('--force --reason runs it and records who and why in cutover_audit; --force alone is a usage error', async () => {
    await cutover('migrate', '--phase', 'pre');
    await start('web-v1', '1', '1.0.0');
    const bare = await cutover('migrate', '--phase', 'post', '--force');
    expect(bare.code).toBe(2);
    expect(bare.json.error.code).toBe('USAGE');

    const forced = await cutover('migrate', '--phase', 'post', '--force', '--reason', 'v1 pods drained, row stale');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('post-deploy guard overridden for 2');
    expect(await applied()).toEqual(['1', '2']);
    const audit = await query<{ version: string; action: string; reason: string; details: { instances: { id: string }[] } }>(db.url, `SELECT version, action, reason, details FROM ${t('cutover_audit')}`);
    expect(audit).toEqual([expect.objectContaining({ version: '2', action: 'force-post', reason: 'v1 pods drained, row stale' })]);
    expect(audit[0]!.details.instances.map((i) => i.id)).toEqual(['web-v1']);
  });

  it('the library refuses the same way; instances are visible in pg_stat_activity', async () => {
    await migrate({ url: db.url, schema, dir, phase: 'pre' });
    await start('web-v1', '1', '1.0.0');
    await expect(migrate({ url: db.url, schema, dir, phase: 'post' })).rejects.toMatchObject({ code: 'INSTANCES_BEHIND' });
    const sessions = await query(db.url, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'cutover:web-v1' AND datname = current_database()");
    expect(sessions).toHaveLength(1);
    const listed = await cutover('instances');
    expect(listed.json.instances[0]).toMatchObject({ id: 'web-v1', appVersion: '1.0.0', knownVersion: '1', live: true, sessions: 1 });
    expect((await cli(['instances', '--url', db.url, '--schema', schema])).stdout).toMatch(/web-v1\s+host-web-v1\s+1\.0\.0\s+1\s+/);
  });
});
