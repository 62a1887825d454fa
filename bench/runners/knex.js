// knex on one database through its API, the way an app calls it at start-up:
// migrate.latest() over the .cjs migrations (each knex.raw()s a generated
// file's SQL; one transaction per migration, knex's default).
//   node bench/runners/knex.js --url URL --dir DIR
// Prints one JSON line: {"applied":N,"ms":<in-process ms>}.
import { parseArgs } from 'node:util';
import knex from 'knex';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' } } });
const started = performance.now();
const k = knex({ client: 'pg', connection: values.url, pool: { min: 0, max: 1 } });
let done;
try {
  [, done] = await k.migrate.latest({ directory: values.dir, tableName: 'knex_migrations', loadExtensions: ['.cjs'] });
} finally {
  await k.destroy();
}
console.log(JSON.stringify({ applied: done.length, ms: +(performance.now() - started).toFixed(2) }));
