/**
 * The instance protocol (docs/instance-protocol.md) as a non-Node app speaks
 * it: each language's snippet's SQL, taken from the doc exactly as written,
 * registers an instance the post-deploy guard holds a post migration back
 * for — as it does for the Node library's registerInstance.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { registerInstance } from '../../src/deploy/library.js';
import { INSTANCE_PROTOCOL } from '../../src/deploy/protocol.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';
import { codeBlocks, readDoc, sqlStrings } from '../support/doc-snippets.js';

const schema = testSchema();
const LANGUAGES = ['rust', 'go', 'ruby'] as const;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;

beforeEach(async () => {
  db = await freshDatabase();
  dir = await migrationsDir({
    '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, fullname text, display_name text);\n',
    '2_drop_fullname.sql': '-- cutover:phase post\nALTER TABLE users DROP COLUMN fullname;\n',
  });
});
afterEach(() => db.drop());

async function cutover(...args: string[]) {
  const result = await cli([...args, '--url', db.url, '--schema', schema, '--dir', dir, '--json']);
  return { ...result, json: result.stdout.trim() ? JSON.parse(result.stdout) : undefined };
}

/** The app's session: the target schema on its search_path, as the doc asks. */
async function appSession(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(`SET search_path TO ${ident(schema)}`);
  return client;
}

/** The snippet's three statements, by what they do. */
async function snippet(language: (typeof LANGUAGES)[number]) {
  const blocks = codeBlocks(await readDoc('instance-protocol.md'), language);
  expect(blocks).toHaveLength(1);
  const strings = sqlStrings(blocks[0]!, language);
  const find = (start: RegExp) => {
    const found = strings.filter((s) => start.test(s.trimStart()));
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  return { create: find(/^DO /), heartbeat: find(/^INSERT /), deregister: find(/^DELETE /) };
}

describe('the instance protocol from the docs', () => {
  it('every snippet, and the page\'s own SQL blocks, hold the protocol\'s statements (the ones cutover runs)', async () => {
    const page = await readDoc('instance-protocol.md');
    expect(codeBlocks(page, 'sql')).toEqual([INSTANCE_PROTOCOL.create, INSTANCE_PROTOCOL.heartbeat, INSTANCE_PROTOCOL.deregister]);
    for (const language of LANGUAGES) {
      const sql = await snippet(language);
      expect({ create: sql.create.trim(), heartbeat: sql.heartbeat.trim(), deregister: sql.deregister.trim() }).toEqual(INSTANCE_PROTOCOL);
    }
  });

  it.each(LANGUAGES)('%s: the registered instance holds the post migration back until it deregisters', async (language) => {
    const sql = await snippet(language);
    expect((await cutover('migrate', '--phase', 'pre')).code).toBe(0);
    const app = await appSession();
    try {
      await app.query(sql.create);
      await app.query(sql.heartbeat, [`${language}-web-1`, 'node-a', '1.0.0', '1', 4242, 30000]);
      await app.query(sql.heartbeat, [`${language}-web-1`, 'node-a', '1.0.0', '1', 4242, 30000]); // a heartbeat: the same upsert

      const listed = await cutover('instances');
      expect(listed.json.instances).toEqual([expect.objectContaining({ id: `${language}-web-1`, host: 'node-a', appVersion: '1.0.0', knownVersion: '1', pid: 4242, live: true })]);
      const refused = await cutover('migrate', '--phase', 'post');
      expect(refused.code).toBe(1);
      expect(refused.json.error).toMatchObject({ code: 'INSTANCES_BEHIND', versions: ['2'] });
      expect(refused.json.error.instances).toEqual([expect.objectContaining({ id: `${language}-web-1`, blocks: ['2'] })]);

      await app.query(sql.deregister, [`${language}-web-1`]);
      expect((await cutover('migrate', '--phase', 'post')).code).toBe(0);
    } finally {
      await app.end();
    }
  });

  it('an instance whose build knows the post migration does not hold it back', async () => {
    const sql = await snippet('go');
    await cutover('migrate', '--phase', 'pre');
    const app = await appSession();
    try {
      await app.query(sql.create);
      await app.query(sql.heartbeat, ['web-2', 'node-b', '2.0.0', '2', null, 30000]);
      expect((await cutover('migrate', '--phase', 'post')).code).toBe(0);
    } finally {
      await app.end();
    }
  });

  it('a row expires by its TTL on the database clock: a crashed instance stops counting', async () => {
    const sql = await snippet('rust');
    await cutover('migrate', '--phase', 'pre');
    const app = await appSession();
    try {
      await app.query(sql.create);
      await app.query(sql.heartbeat, ['crashed', 'node-c', '1.0.0', '1', 1, 60000]);
      expect((await cutover('migrate', '--phase', 'post')).json.error.code).toBe('INSTANCES_BEHIND');
      // Its last heartbeat a TTL and a second ago, by the database's clock.
      await app.query("UPDATE cutover_instances SET last_seen = now() - interval '61 seconds' WHERE id = 'crashed'");
      expect((await cutover('instances')).json.instances).toEqual([]);
      expect((await cutover('migrate', '--phase', 'post')).code).toBe(0);
    } finally {
      await app.end();
    }
  });

  it('the create statement is safe when many instances start together, and the table is the one the Node library uses', async () => {
    const sql = await snippet('ruby');
    await cutover('migrate', '--phase', 'pre'); // the schema exists before its apps start
    const apps = await Promise.all(Array.from({ length: 6 }, appSession));
    try {
      await Promise.all(apps.map((app) => app.query(sql.create)));
      const [comment] = await query<{ c: string }>(db.url, `SELECT obj_description(to_regclass($1), 'pg_class') AS c`, [`${ident(schema)}.cutover_instances`]);
      expect(comment!.c).toBe('cutover instance protocol v1 (docs/instance-protocol.md)');
      // A Node instance and a SQL-speaking one in the same registry, the Node one first to go.
      const node = await registerInstance({ url: db.url, schema, id: 'node-web', appVersion: '1.0.0', knownVersion: '1', heartbeatMs: 1000, ttlMs: 30000 });
      await apps[0]!.query(sql.heartbeat, ['ruby-web', 'node-d', '1.0.0', '1', 7, 30000]);
      expect((await cutover('migrate', '--phase', 'post')).json.error.instances.map((i: { id: string }) => i.id).sort()).toEqual(['node-web', 'ruby-web']);
      await node.stop();
      await apps[0]!.query(sql.deregister, ['ruby-web']);
      expect((await cutover('migrate', '--phase', 'post')).code).toBe(0);
    } finally {
      await Promise.all(apps.map((app) => app.end()));
    }
  });

  it("the protocol's statements work on a table the Node library created", async () => {
    const sql = await snippet('go');
    const app = await appSession();
    try {
      // The Node library first: its table takes the protocol's upsert.
      const node = await registerInstance({ url: db.url, schema, id: 'node-web', appVersion: '1.0.0', knownVersion: '1', heartbeatMs: 1000, ttlMs: 30000 });
      await app.query(sql.create); // a no-op now
      await app.query(sql.heartbeat, ['go-web', 'node-e', '1.0.0', '1', 8, 30000]);
      expect((await cutover('instances')).json.instances.map((i: { id: string }) => i.id).sort()).toEqual(['go-web', 'node-web']);
      await node.stop();
    } finally {
      await app.end();
    }
  });
});
