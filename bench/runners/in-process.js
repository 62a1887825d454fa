// A long-lived node process that runs migrations in-process, the way an app
// that migrates at start-up (or a test suite, or a deploy service) calls the
// library once it is loaded and warm: cutover's migrate() and the floor's
// function (bench/lib/floor-core.js) side by side, so that each one's time is
// the call alone, with no process start, import or first-call compilation.
//
//   node bench/runners/in-process.js --repo REPO
// Reads one JSON request per line on stdin:
//   {"tool":"cutover"|"floor","url":"…","dir":"…","cacheDir":"…"|null,"options":{…}}
// and answers each with one JSON line on stdout: {"ms":…,"applied":N} or {"error":"…"}.
// cacheDir (cutover only) is put in CUTOVER_CACHE_DIR for the call; options
// are added to migrate()'s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { floorMigrate } from '../lib/floor-core.js';

const { values } = parseArgs({ options: { repo: { type: 'string' } } });
const repo = values.repo ?? join(import.meta.dirname, '..', '..');
// The package's own entry point, as `import { migrate } from 'cutover'` resolves it in an app.
const entry = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).exports['.'].default;
const { migrate } = await import(pathToFileURL(join(repo, entry)).href);

const tools = {
  floor: (r) => floorMigrate(pg, { url: r.url, dir: r.dir }),
  async cutover(r) {
    if (r.cacheDir) process.env.CUTOVER_CACHE_DIR = r.cacheDir;
    else delete process.env.CUTOVER_CACHE_DIR;
    const result = await migrate({ url: r.url, dir: r.dir, ...r.options });
    return { applied: Array.isArray(result?.applied) ? result.applied.length : result?.applied };
  },
};

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  const t0 = performance.now();
  let answer;
  try {
    const { applied } = await tools[request.tool](request);
    answer = { ms: +(performance.now() - t0).toFixed(3), applied };
  } catch (error) {
    answer = { error: String(error?.message ?? error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
