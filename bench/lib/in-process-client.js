// The driver's side of runners/in-process.js: one long-lived child, one
// request at a time, answered with the call's own time (measured inside the
// child, so the pipe between the two is not counted).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Start the runner for the cutover checkout `repo`.
 * @param {{ repo: string, env?: Record<string, string> }} options
 */
export function startInProcess({ repo, env }) {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'runners', 'in-process.js'), '--repo', repo], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  child.on('exit', (code) => {
    for (const resolve of waiting.splice(0)) resolve({ error: `in-process runner exited (${code})` });
  });
  return {
    /** One migrate() (or floor) call; resolves { ms, applied } or { error }. */
    call(request) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${JSON.stringify(request)}\n`);
      });
    },
    async close() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
