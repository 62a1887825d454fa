// postgres-migrations has no migrate CLI (only pg-validate-migrations): this is
// the tiny script its README suggests, using its API with one pg.Client.
//   node bench/runners/postgres-migrations.js --url URL --dir DIR
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from 'postgres-migrations';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' } } });
const started = performance.now();
const client = new pg.Client({ connectionString: values.url });
await client.connect();
let done;
try {
  done = await migrate({ client }, values.dir);
} finally {
  await client.end();
}
console.log(JSON.stringify({ applied: done.length, ms: +(performance.now() - started).toFixed(2) }));
