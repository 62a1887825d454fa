// The bench's own dependencies (peer tools), bench/package.json: installed on
// first use by run.js and fleet.js alike.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BENCH = join(import.meta.dirname, '..');
const NEED = ['pg', 'node-pg-migrate', 'postgres-migrations', 'graphile-migrate', 'dbmate', 'knex', 'squawk-cli'];

/** Install bench/'s dependencies unless they are all there already. */
export function ensureBenchDeps(log = console.error) {
  if (NEED.every((p) => existsSync(join(BENCH, 'node_modules', p, 'package.json')))) return;
  log('bench: installing bench dependencies (npm --prefix bench install) ...');
  // `npm install`, not `npm ci`: the lock file pins versions, but a registry that
  // lacks some platform sub-package of dbmate (@dbmate/darwin-*, win32-*) leaves
  // those out of the lock, which `npm ci` rejects as "out of sync".
  const r = spawnSync('npm', ['install', '--prefix', BENCH, '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`npm install in bench/ failed (exit ${r.status}); run \`npm --prefix bench install\``);
}
