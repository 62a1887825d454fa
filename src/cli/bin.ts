/**
 * The process edge of the CLI: real streams, environment, clock and signals
 * handed to `main`. bin/cutover.js calls `run()`.
 */
import { parseHereWithLiftoff } from '../sql/parse-host.js';
import { packageVersion } from '../version.js';
import { favourMemory } from './heap.js';
import type { CliIo } from './io.js';

/** Run the CLI on this process; resolves to the exit code. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<number> {
  parseHereWithLiftoff(); // this process is the CLI's own: `lint` parses here (src/sql/parse-host.ts)
  favourMemory(); // and its heap is sized for memory (./heap.ts)
  const { main } = await import('./main.js');
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
    now: () => new Date(),
    waitForInterrupt: () => new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
    onSignal: (signals, listener) => {
      for (const signal of signals) process.on(signal, listener);
      return () => {
        for (const signal of signals) process.off(signal, listener);
      };
    },
    ...(process.stdin.isTTY ? {
      confirm: async (question: string) => {
        // Imported here: only a question on a terminal needs it, not every start-up.
        const { createInterface } = await import('node:readline/promises');
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
