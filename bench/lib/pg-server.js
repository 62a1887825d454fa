// A throw-away PostgreSQL server for the bench: initdb in a temp dir, listen
// on 127.0.0.1 at a free port, trust auth. Postgres refuses to run as root, so
// when we are root every server binary runs through `runuser -u postgres --`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findBinDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(base, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function startServer({ log = () => {}, settings = {} } = {}) {
  const bin = findBinDir();
  if (!bin || !existsSync(join(bin, 'initdb'))) {
    throw new Error('no PostgreSQL server binaries found (looked in PG_BIN, /usr/lib/postgresql/*/bin, pg_config); set BENCH_DATABASE_URL to use an existing server');
  }
  const isRoot = process.getuid?.() === 0;
  const run = (cmd, args) => {
    const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-pg-'));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  log(`initdb in ${data}`);
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  // Stock settings (durable commits) unless the caller overrides some; only where to listen changes.
  const extra = Object.entries(settings).map(([k, v]) => ` -c ${k}=${v}`).join('');
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${extra}`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const version = run('postgres', ['--version']).trim();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch (e) {
      console.error(String(e.message));
      try { console.error(readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000)); } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // An immediate shutdown (no checkpoint: crash recovery on start, as after a power cut), then start again.
  const restart = () => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir, version, stop, restart, ownServer: true };
}
