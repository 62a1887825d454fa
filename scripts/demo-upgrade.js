// The second half of `npm run demo`: the upgrade. notes-app release 1 serves
// requests under a load generator; release 2 renames notes.body to
// notes.content the expand/contract way (pre phase, both versions running,
// the post-deploy guard holding the contract step until release 1 is gone),
// with 0 failed requests. Then the same change done naively (a rename in one
// pre migration) and the failures it causes. A summary table at the end.
import { fork, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run the upgrade demo against `url` (a fresh database), using the repo at `root`.
 * @param {{ url: string, root: string, workDir: string, say: (text: string) => void, bold: (text: string) => string }} options
 */
export async function upgradeDemo({ url, root, workDir, say, bold }) {
  const app = path.join(root, 'examples/notes-app');
  const release = (name, extra) => {
    const dir = path.join(workDir, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const from of [path.join(app, 'migrations'), ...(extra ? [path.join(app, extra)] : [])]) {
      for (const file of readdirSync(from).filter((f) => f.endsWith('.sql'))) cpSync(path.join(from, file), path.join(dir, file));
    }
    return dir;
  };
  const v1 = release('release-1');
  const v2 = release('release-2', 'v2');
  const v2naive = release('release-2-naive', 'v2-naive');
  const apps = new Set();
  const results = [];

  function cutover(args, env = {}) {
    say(bold(`$ cutover ${args.join(' ')}`));
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root, 'bin/cutover.js'), ...args, '--url', url], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? 1));
    });
  }

  function startApp(env) {
    return new Promise((resolve, reject) => {
      const child = fork(path.join(app, 'server.js'), [], {
        env: { ...process.env, DATABASE_URL: url, PORT: '0', HEARTBEAT_MS: '1000', ...env },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      // The app's own log lines, not the stack of every failed request (the naive run has many: they are counted).
      let buffered = '';
      child.stderr.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) if (line.startsWith('notes-app:')) say(`   [${env.INSTANCE_ID}] ${line}`);
      });
      child.on('message', (m) => m?.listening && resolve({ child, port: m.listening, id: env.INSTANCE_ID }));
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`${env.INSTANCE_ID} exited with code ${code} before listening`)));
      apps.add(child);
    });
  }

  async function stopApp(a) {
    a.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => a.child.once('exit', resolve));
    a.child.kill('SIGTERM');
    await exited;
    apps.delete(a.child);
  }

  /** The load generator: 6 clients through a "load balancer" (the `targets` list), counting failures and latency. */
  function startLoad(targets) {
    const samples = [];
    let stop = false;
    let next = 0;
    const client = async (n) => {
      while (!stop) {
        const target = targets[next++ % targets.length];
        const write = (n + next) % 2 === 0;
        const started = performance.now();
        let ok = false;
        let error;
        try {
          const response = await fetch(`http://127.0.0.1:${target.port}/notes`, write
            ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: `note from load client ${n}`, author: 'load' }) }
            : {});
          ok = response.ok;
          if (!ok) error = `${response.status} from ${target.id}`;
          await response.arrayBuffer();
        } catch (e) {
          error = `${e.cause?.code ?? e.message} from ${target.id}`;
        }
        samples.push({ ms: performance.now() - started, ok, error });
        await sleep(15);
      }
    };
    const loops = Array.from({ length: 6 }, (_, n) => client(n));
    return async () => {
      stop = true;
      await Promise.all(loops);
      const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
      const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
      const failures = samples.filter((s) => !s.ok);
      return { requests: samples.length, failed: failures.length, firstError: failures[0]?.error, p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? 0 };
    };
  }

  /** Take an instance out of the load balancer, let in-flight requests finish, then stop it (it deregisters). */
  async function drain(targets, a) {
    targets.splice(targets.indexOf(a), 1);
    await sleep(300);
    await stopApp(a);
  }

  try {
    // ---------------------------------------------------------------- expand/contract
    say(`\n${bold('6. the upgrade, expand/contract: release 1 of notes-app under load, schema "zero_downtime"')}`);
    const env = { DB_SCHEMA: 'zero_downtime' };
    const v1apps = await Promise.all(['web-v1-a', 'web-v1-b'].map((id) => startApp({ ...env, INSTANCE_ID: id, APP_VERSION: '1.0.0', MIGRATIONS_DIR: v1, MIGRATE_PHASE: 'all' })));
    const targets = [...v1apps];
    const stopLoad = startLoad(targets);
    await sleep(1000);

    say(bold('\n   6a. pre phase of release 2 (add notes.content, a sync trigger, a batched backfill) while release 1 serves'));
    if ((await cutover(['migrate', '--phase', 'pre', '--dir', v2, '--schema', 'zero_downtime'])) !== 0) throw new Error('pre phase failed');

    say(bold('\n   6b. release 2 starts next to release 1 (both versions serve; the trigger keeps body and content in sync)'));
    const v2apps = await Promise.all(['web-v2-a', 'web-v2-b'].map((id) => startApp({ ...env, INSTANCE_ID: id, APP_VERSION: '2.0.0', MIGRATIONS_DIR: v2, MIGRATE_PHASE: 'pre' })));
    targets.push(...v2apps);
    await sleep(1000);
    await cutover(['instances', '--schema', 'zero_downtime']);

    say(bold('\n   6c. the post phase too early: the guard refuses while release-1 instances are live'));
    const early = await cutover(['migrate', '--phase', 'post', '--dir', v2, '--schema', 'zero_downtime']);
    if (early === 0) throw new Error('the post-deploy guard did not hold the post migration');

    say(bold('\n   6d. release 1 drains (out of the load balancer, SIGTERM: it deregisters); the post phase waits for it, then runs'));
    const post = cutover(['migrate', '--phase', 'post', '--wait', '30s', '--dir', v2, '--schema', 'zero_downtime']);
    await sleep(500);
    for (const a of v1apps) await drain(targets, a);
    if ((await post) !== 0) throw new Error('post phase failed');
    await sleep(1000);
    const zeroDowntime = await stopLoad();
    results.push({ name: 'expand/contract (release 2 with pre + post)', ...zeroDowntime });
    say(`   load: ${zeroDowntime.requests} requests, ${zeroDowntime.failed} failed`);
    for (const a of v2apps) await stopApp(a);

    // ---------------------------------------------------------------- naive
    say(`\n${bold('7. the same change done naively: a rename in one pre migration, schema "naive"')}`);
    const naiveEnv = { DB_SCHEMA: 'naive' };
    const n1 = await Promise.all(['naive-v1-a', 'naive-v1-b'].map((id) => startApp({ ...naiveEnv, INSTANCE_ID: id, APP_VERSION: '1.0.0', MIGRATIONS_DIR: v1, MIGRATE_PHASE: 'all' })));
    const naiveTargets = [...n1];
    const stopNaive = startLoad(naiveTargets);
    await sleep(1000);
    await cutover(['migrate', '--dir', v2naive, '--schema', 'naive']);
    const n2 = await Promise.all(['naive-v2-a', 'naive-v2-b'].map((id) => startApp({ ...naiveEnv, INSTANCE_ID: id, APP_VERSION: '2.0.0', MIGRATIONS_DIR: v2naive, MIGRATE_PHASE: 'pre' })));
    naiveTargets.push(...n2);
    await sleep(500);
    for (const a of n1) await drain(naiveTargets, a);
    await sleep(1000);
    const naive = await stopNaive();
    results.push({ name: 'naive (RENAME COLUMN in one pre migration)', ...naive });
    say(`   load: ${naive.requests} requests, ${naive.failed} failed${naive.firstError ? ` (first: ${naive.firstError})` : ''}`);
    for (const a of n2) await stopApp(a);
  } finally {
    for (const child of apps) child.kill('SIGTERM');
  }

  say(`\n${bold('8. summary: the same rename, done two ways, under the same load')}`);
  const header = ['upgrade', 'requests', 'failed', 'p50 ms', 'p99 ms', 'max ms'];
  const rows = results.map((r) => [r.name, String(r.requests), String(r.failed), r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...rows]) say(`   ${line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
  return results;
}
