/**
 * node-postgres, loaded without its Cloudflare Workers probe.
 *
 * When pg/lib/stream.js loads, it asks whether it runs in a Cloudflare Worker.
 * Where there is no global `navigator` (Node.js 20), it answers by building a
 * `Response`. That loads Node.js's whole fetch implementation (undici):
 * measured on Node.js 20, +12 MB of memory and ~50 ms at every start-up, for
 * a question a Node.js process already knows the answer to. So while pg loads,
 * a `navigator` that is not Cloudflare's stands in, and is removed right
 * after. The load is synchronous: no other code can see it. A `navigator` that
 * is already there (Node.js ≥ 21, or the app's) is left alone, and an app that
 * loaded pg first keeps the pg it loaded (the same module instance).
 */
import { createRequire } from 'node:module';
import type PgModule from 'pg';

function loadPg(): typeof PgModule {
  const require = createRequire(import.meta.url);
  if ('navigator' in globalThis) return require('pg') as typeof PgModule;
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'Node.js' }, configurable: true, writable: true });
  try {
    return require('pg') as typeof PgModule;
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}

const pg = loadPg();
export default pg;
