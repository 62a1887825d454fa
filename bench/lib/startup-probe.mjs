// Preloaded into a measured CLI process (`node --import <this> bin/cutover.js …`) by
// bench/startup.js and test/startup.test.ts: notes the moment of the first query (the first
// protocol message 'Q' or 'P' written to a socket) and the exit, each with the time since
// the process started, the CPU time, RSS and young-generation size then, and the CommonJS
// modules loaded by then (require.cache). Output: one JSON line per note appended to STARTUP_PROBE_OUT.
// With STARTUP_PROBE_MODULES set, an ESM load hook (./startup-hooks.mjs) appends each
// ES module loaded, with its size and time, to that file.
import { appendFileSync, statSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import net from 'node:net';
import v8 from 'node:v8';

const out = process.env.STARTUP_PROBE_OUT;
const modulesFile = process.env.STARTUP_PROBE_MODULES;
if (modulesFile) register(new URL('./startup-hooks.mjs', import.meta.url), { data: { file: modulesFile } });
const require = createRequire(import.meta.url);
let queried = false;

const newSpaceKB = () => Math.round(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1024);
const startNewSpaceKB = newSpaceKB();

function note(at) {
  if (!out) return;
  const ms = performance.now();
  const { user, system } = process.cpuUsage();
  const cjs = Object.keys(require.cache).map((file) => {
    let bytes = 0;
    try {
      bytes = statSync(file).size;
    } catch {}
    return { url: file, bytes };
  });
  appendFileSync(out, `${JSON.stringify({
    at, ms, cpuMs: (user + system) / 1000, startNewSpaceKB,
    rssKB: Math.round(process.memoryUsage().rss / 1024), maxRssKB: process.resourceUsage().maxRSS,
    newSpaceKB: newSpaceKB(), // V8's young generation, as sized now (src/cli/heap.ts)
    stamp: performance.timeOrigin + ms, // absolute, comparable with the load hook's stamps
    cjs,
  })}\n`);
}

const write = net.Socket.prototype.write;
net.Socket.prototype.write = function probeWrite(chunk, ...rest) {
  if (!queried && chunk && typeof chunk !== 'string' && (chunk[0] === 0x51 || chunk[0] === 0x50)) {
    queried = true;
    note('query');
  }
  return write.call(this, chunk, ...rest);
};
process.on('exit', () => note('exit'));
