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
 * loaded pg first keeps the pg it loaded (the same module instance). It loads
 * on first use, not on import.
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

let loaded: typeof PgModule | undefined;

/**
 * node-postgres, loaded on first use: a command that never connects (`--help`, an offline
 * `lint`) and an app that imports cutover without calling it do not pay for it.
 *
 * @example
 * const client = new (pgModule().Client)({ connectionString: url });
 */
export function pgModule(): typeof PgModule {
  return (loaded ??= loadPg());
}
