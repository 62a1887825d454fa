// Measure one process: wall time (spawn to exit, by the parent) and peak RSS
// (GNU time %M when available, else VmHWM polled from /proc). Used by run.js, fleet.js and lint-bench.js.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export const TIME_BIN = (() => {
  if (process.env.BENCH_RSS === 'proc') return null;
  try {
    const dir = mkdtempSync(join(os.tmpdir(), 'bench-time-'));
    const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', join(dir, 'o'), 'true']);
    const ok = r.status === 0 && /^\d+\s*$/.test(readFileSync(join(dir, 'o'), 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    return ok ? '/usr/bin/time' : null;
  } catch {
    return null;
  }
})();

// The measured processes get this environment minus NODE_EXTRA_CA_CERTS: a CA
// bundle loaded at every node start-up (~90 ms and ~16 MB here) is a property of
// the machine, not of the tools, and nothing here speaks TLS to the local server.
export const STRIPPED_ENV = ['NODE_EXTRA_CA_CERTS'].filter((k) => k in process.env);
const BASE_ENV = { ...process.env };
for (const k of STRIPPED_ENV) delete BASE_ENV[k];

function readHwmKB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs one process; resolves { ok, ms, rssKB, stdout, stderr, code }. */
export function measure({ file, args, cwd, env = {}, timeoutMs = 3_600_000 }) {
  return new Promise((resolve) => {
    const rssFile = TIME_BIN ? join(os.tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`) : null;
    const [f, a] = TIME_BIN ? [TIME_BIN, ['-f', '%M', '-o', rssFile, '--', file, ...args]] : [file, args];
    const t0 = performance.now();
    const child = spawn(f, a, { cwd, env: { ...BASE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let hwm = 0;
    const poll = TIME_BIN ? null : setInterval(() => (hwm = Math.max(hwm, readHwmKB(child.pid))), 5);
    const timer = setTimeout(() => {
      stderr += `\n[bench] killed after ${timeoutMs / 1000}s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => (stderr += String(err)));
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let rssKB = hwm;
      if (rssFile) {
        try {
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          rssKB = Number(lines[lines.length - 1]) || 0;
        } catch {}
        rmSync(rssFile, { force: true });
      }
      resolve({ ok: code === 0, code: code ?? signal, ms, rssKB, stdout, stderr });
    });
  });
}
