// cutover used as a library, the way an app calls it at start-up.
//   node bench/runners/cutover-lib.js --url URL --dir DIR
// Prints one JSON line: {"ms": <time of the migrate() call>, "importMs": ...}.
// If the process does not exit on its own shortly after migrate() resolves,
// the library left a handle open (a pool, a timer): report it and fail.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const { values } = parseArgs({ options: { url: { type: 'string' }, dir: { type: 'string' }, repo: { type: 'string' } } });
const repo = values.repo ?? join(import.meta.dirname, '..', '..');
// The package's own entry point, as `import { migrate } from 'cutover'` resolves it in an app.
const entry = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).exports['.'].default;
const t0 = performance.now();
const { migrate } = await import(pathToFileURL(join(repo, entry)).href);
const t1 = performance.now();
const result = await migrate({ url: values.url, dir: values.dir });
const t2 = performance.now();
const applied = Array.isArray(result?.applied) ? result.applied.length : result?.applied;
console.log(JSON.stringify({ ms: +(t2 - t1).toFixed(2), importMs: +(t1 - t0).toFixed(2), applied }));
setTimeout(() => {
  console.error('cutover-lib: process still alive 5 s after migrate() resolved (open handle left by the library)');
  process.exit(3);
}, 5000).unref();
