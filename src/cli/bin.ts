/**
 * The process edge of the CLI: real streams, environment, clock and signals
 * handed to `main`. bin/cutover.js calls `run()`.
 */
import { createInterface } from 'node:readline/promises';
import { parseHereWithLiftoff } from '../sql/parse-host.js';
import { packageVersion } from '../version.js';
import type { CliIo } from './io.js';

/**
 * Node.js 20 has no `navigator` (21 added it). Without one, pg 8 checks for Cloudflare Workers
 * by constructing a `Response`, which loads Node's whole fetch implementation (undici): ~40 ms
 * and ~5 MB at every start of the CLI, before anything else happens. This process is the CLI's
 * own, so it defines `navigator.userAgent` as Node.js 21+ does, before pg is loaded (main is
 * imported after this). The library never does: an app's globals are the app's.
 */
function defineNavigator(): void {
  if ('navigator' in globalThis) return;
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.freeze({ userAgent: `Node.js/${process.versions.node.split('.')[0]}` }), configurable: true, writable: true,
  });
}

/** Run the CLI on this process; resolves to the exit code. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<number> {
  defineNavigator();
  parseHereWithLiftoff(); // this process is the CLI's own: `lint` parses here (src/sql/parse-host.ts)
  const { main } = await import('./main.js');
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stderr.isTTY === true,
    now: () => new Date(),
    waitForInterrupt: () => new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
    ...(process.stdin.isTTY ? {
      confirm: async (question: string) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
        } finally {
          rl.close();
        }
      },
    } : {}),
  };
  return main(argv, io, packageVersion());
}
