// node-pg-migrate looped over schemas through its API (`runner`), the way a
// team scripts it today: one run per schema, schema = search_path and the
// migrations table's schema. Its defaults otherwise (advisory lock, all pending
// migrations of a schema in one transaction).
//   node bench/runners/fleet-node-pg-migrate.js --url URL --dir DIR --prefix tenant_
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runner } from 'node-pg-migrate';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' }, prefix: { type: 'string', default: 'tenant_' } } });
const started = performance.now();
const admin = new pg.Client({ connectionString: values.url });
await admin.connect();
const { rows } = await admin.query('SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY 1', [values.prefix]);
await admin.end();
const quiet = { debug() {}, info() {}, warn() {}, error: (...a) => console.error(...a) };
let applied = 0;
for (const { name } of rows) {
  const done = await runner({ databaseUrl: values.url, dir: values.dir, schema: name, migrationsTable: 'pgmigrations', direction: 'up', count: Infinity, logger: quiet, verbose: false });
  applied += done.length;
}
console.log(JSON.stringify({ schemas: rows.length, applied, ms: +(performance.now() - started).toFixed(2) }));
