// `npm run demo`: cutover's main job, end to end, on a throwaway embedded
// PostgreSQL (no server to install):
//   1. start the embedded server in .cutover/demo (reset every run),
//   2. `cutover migrate` the examples/notes-app migrations,
//   3. `cutover status`,
//   4. start the notes app (it migrates at start-up through the library:
//      nothing left to do), make two requests, print them,
//   5. stop everything (after 6-8, scripts/demo-upgrade.js: release 2 under load,
//      expand/contract with the post-deploy guard vs a naive rename, and a summary).
import { fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const relative = (file) => path.relative(process.cwd(), path.join(root, file)) || '.';
const migrations = relative('examples/notes-app/migrations');

if (!existsSync(path.join(root, 'dist/index.js')) || !existsSync(path.join(root, 'dist/embedded/index.js'))) {
  console.error('demo: dist/ is missing or incomplete. Build first: npm run build (npm install does it too).');
  process.exit(1);
}
const { startEmbedded } = await import('../dist/embedded/index.js');

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const step = (text) => console.log(`\n${bold(text)}`);

/** Run the CLI with the output shown; resolves with its exit code. */
function cutover(args, env) {
  console.log(bold(`$ cutover ${args.join(' ')}`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/cutover.js'), ...args], { env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Start the notes app on a free port; resolves with the child and its port. */
function startApp(env) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(root, 'examples/notes-app/server.js'), [], { env: { ...env, PORT: '0' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => message?.listening && resolve({ child, port: message.listening }));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the notes app exited with code ${code} before listening`)));
  });
}

async function request(port, method, url, body) {
  const response = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  console.log(bold(`${method} ${url}${body ? ` ${JSON.stringify(body)}` : ''}`) + ` → ${response.status}`);
  console.log(JSON.stringify(await response.json(), null, 2));
}

let server;
let app;
let failed = false;
try {
  step(`1. starting an embedded PostgreSQL in ${relative('.cutover/demo')} (fresh every run)…`);
  const started = Date.now();
  server = await startEmbedded({ dataDir: path.join(root, '.cutover/demo'), reset: true });
  console.log(`   up on 127.0.0.1:${server.port} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const env = { ...process.env, DATABASE_URL: server.url, DB_SCHEMA: 'public' };

  step('2. apply the notes app\'s migrations (per-migration lines on stderr, the summary on stdout)');
  if ((await cutover(['migrate', '--dir', migrations], env)) !== 0) throw new Error('cutover migrate failed');

  step('3. what the ledger says');
  if ((await cutover(['status', '--dir', migrations], env)) !== 0) throw new Error('cutover status failed');

  step('4. start the notes app: it calls migrate() at start-up (nothing left to do), then serves');
  app = await startApp(env);
  await request(app.port, 'POST', '/notes', { body: 'Upgrade day: the migration ran once, at start-up.', author: 'demo' });
  await request(app.port, 'GET', '/notes');

  // 6–8: the upgrade under load, done the zero-downtime way and the naive way (scripts/demo-upgrade.js).
  const { upgradeDemo } = await import('./demo-upgrade.js');
  const upgrade = await upgradeDemo({ url: server.url, root, workDir: path.join(root, '.cutover/demo-releases'), say: (text) => console.log(text), bold });
  if (upgrade[0]?.failed !== 0) throw new Error(`the expand/contract upgrade had ${upgrade[0]?.failed} failed requests`);
} catch (error) {
  failed = true;
  console.error(`\ndemo failed: ${error?.message ?? error}`);
  if (error?.hint) console.error(`  hint: ${error.hint}`);
} finally {
  step('9. stopping');
  if (app) {
    app.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => app.child.once('exit', resolve));
    app.child.kill('SIGTERM');
    await exited;
  }
  await server?.stop();
  console.log(failed ? 'done, with errors' : 'done. Next: `npx cutover dev` for a development database that stays up; docs/getting-started.md');
}
process.exitCode = failed ? 1 : 0;
