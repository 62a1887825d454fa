// The floor: the least a correct migration runner can do with `pg`
// (bench/lib/floor-core.js), as a process.
//
//   node bench/floor.js --url postgres://... --dir DIR
// Prints one JSON line: {"applied":N,"pending":N,"ms":<in-process ms>}.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { floorMigrate } from './lib/floor-core.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' } } });
const url = values.url ?? process.env.DATABASE_URL;
if (!url || !values.dir) {
  console.error('usage: node bench/floor.js --url URL --dir DIR');
  process.exit(2);
}

const started = performance.now(); // in-process time: connect .. end, like migrate() in runners/cutover-lib.js
const { applied, pending } = await floorMigrate(pg, { url, dir: values.dir });
console.log(JSON.stringify({ applied, pending, ms: +(performance.now() - started).toFixed(2) }));
