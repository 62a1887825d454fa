// knex looped over schemas through its API: per schema a knex instance with
// searchPath [schema] and migrate.latest({ schemaName: schema }) — one
// transaction per migration (knex's default). Migrations are .cjs files that
// knex.raw() the generated SQL (written by bench/fleet.js).
//   node bench/runners/fleet-knex.js --url URL --dir DIR --prefix tenant_
import { parseArgs } from 'node:util';
import knex from 'knex';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' }, prefix: { type: 'string', default: 'tenant_' } } });
const started = performance.now();
const admin = knex({ client: 'pg', connection: values.url, pool: { min: 0, max: 1 } });
const { rows } = await admin.raw('SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, ?) ORDER BY 1', [values.prefix]);
await admin.destroy();
let applied = 0;
for (const { name } of rows) {
  const k = knex({ client: 'pg', connection: values.url, searchPath: [name], pool: { min: 0, max: 1 } });
  try {
    const [, done] = await k.migrate.latest({ directory: values.dir, schemaName: name, tableName: 'knex_migrations', loadExtensions: ['.cjs'] });
    applied += done.length;
  } finally {
    await k.destroy();
  }
}
console.log(JSON.stringify({ schemas: rows.length, applied, ms: +(performance.now() - started).toFixed(2) }));
