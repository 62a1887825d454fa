// The fleet floor: the least a correct runner can do for many schemas with `pg`.
// One connection, serial: for each schema, create its history table, read it,
// then per pending file one round trip
//   BEGIN; SET LOCAL search_path TO "<schema>"; <file>; INSERT INTO history …; COMMIT
// No parsing, no checksums, no lock per schema.
//   node bench/runners/fleet-floor.js --url URL --dir DIR --prefix tenant_
// Prints one JSON line: {"schemas":N,"applied":N,"ms":<in-process ms>}.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' }, prefix: { type: 'string', default: 'tenant_' } } });
const qi = (s) => `"${s.replace(/"/g, '""')}"`;
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;

const started = performance.now();
const client = new pg.Client({ connectionString: values.url });
await client.connect();
let applied = 0;
const files = (await readdir(values.dir))
  .map((f) => /^(\d+)_(.+)\.sql$/.exec(f))
  .filter(Boolean)
  .map(([file, v, name]) => ({ file, version: BigInt(v), name }))
  .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
for (const f of files) f.sql = await readFile(join(values.dir, f.file), 'utf8');
const { rows: schemas } = await client.query("SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY 1", [values.prefix]);
try {
  for (const { name } of schemas) {
    const s = qi(name);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.floor_history (version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query(`SELECT version FROM ${s}.floor_history`);
    const done = new Set(rows.map((r) => String(r.version)));
    for (const f of files) {
      if (done.has(String(f.version))) continue;
      try {
        await client.query(`BEGIN; SET LOCAL search_path TO ${s};\n${f.sql}\n;\nINSERT INTO ${s}.floor_history (version, name) VALUES (${f.version}, ${lit(f.name)});\nCOMMIT;`);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        err.message = `${name}/${f.file}: ${err.message}`;
        throw err;
      }
      applied++;
    }
  }
} finally {
  await client.end();
}
console.log(JSON.stringify({ schemas: schemas.length, applied, ms: +(performance.now() - started).toFixed(2) }));
