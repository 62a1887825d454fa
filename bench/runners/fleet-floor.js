// The fleet floor: the least a correct runner can do for many schemas with `pg`.
// For each schema: create its history table, read it, then per pending file
// one round trip
//   BEGIN; SET LOCAL search_path TO "<schema>"; <file>; INSERT INTO history …; COMMIT
// No parsing, no checksums, no lock per schema.
//
// --concurrency 1 (the default) is the serial floor: one connection looping
// over the schemas, every commit synchronous. --concurrency N is the parallel
// floor, the bound for any parallel runner: the same work over N connections
// taking the next schema as they free up, with cutover's durability (commits
// asynchronous but each schema's last, whose synchronous commit flushes the
// ones before it).
//   node bench/runners/fleet-floor.js --url URL --dir DIR [--prefix tenant_] [--concurrency N]
// Prints one JSON line: {"schemas":N,"applied":N,"ms":<in-process ms>}.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' }, prefix: { type: 'string', default: 'tenant_' }, concurrency: { type: 'string', default: '1' } } });
const qi = (s) => `"${s.replace(/"/g, '""')}"`;
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;
const concurrency = Number(values.concurrency);
const asyncCommits = concurrency > 1;

const started = performance.now();
const files = (await readdir(values.dir))
  .map((f) => /^(\d+)_(.+)\.sql$/.exec(f))
  .filter(Boolean)
  .map(([file, v, name]) => ({ file, version: BigInt(v), name }))
  .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
for (const f of files) f.sql = await readFile(join(values.dir, f.file), 'utf8');
const clients = await Promise.all(Array.from({ length: concurrency }, async () => {
  const client = new pg.Client({ connectionString: values.url });
  await client.connect();
  return client;
}));
let applied = 0;
const { rows: schemas } = await clients[0].query("SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY 1", [values.prefix]);

async function migrateSchema(client, name) {
  const s = qi(name);
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.floor_history (version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await client.query(`SELECT version FROM ${s}.floor_history`);
  const done = new Set(rows.map((r) => String(r.version)));
  const pending = files.filter((f) => !done.has(String(f.version)));
  for (const [i, f] of pending.entries()) {
    const durability = asyncCommits && i < pending.length - 1 ? ' SET LOCAL synchronous_commit = off;' : '';
    try {
      await client.query(`BEGIN; SET LOCAL search_path TO ${s};${durability}\n${f.sql}\n;\nINSERT INTO ${s}.floor_history (version, name) VALUES (${f.version}, ${lit(f.name)});\nCOMMIT;`);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      err.message = `${name}/${f.file}: ${err.message}`;
      throw err;
    }
    applied++;
  }
}

let next = 0;
try {
  await Promise.all(clients.map(async (client) => {
    while (next < schemas.length) await migrateSchema(client, schemas[next++].name);
  }));
} finally {
  await Promise.all(clients.map((c) => c.end()));
}
console.log(JSON.stringify({ schemas: schemas.length, applied, ms: +(performance.now() - started).toFixed(2) }));
