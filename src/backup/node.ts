/**
 * The Node edge of src/backup: the process runner and the file operations
 * (ports.ts) on node:child_process and node:fs.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { ignoreLocalState } from '../embedded/gitignore.js';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BackupFiles, ProcessResult, ProcessRunner } from './ports.js';

/**
 * Run programs with node:child_process (no shell). The environment given
 * replaces the process's own; pass `{ ...process.env, … }` to extend it.
 *
 * @example
 * const { code, stdout } = await nodeProcessRunner(process.env).run('pg_dump', ['--version']);
 */
export function nodeProcessRunner(baseEnv: Record<string, string | undefined>): ProcessRunner {
  return {
    run(command, args, options = {}) {
      // Required here, not imported: the library's entry loads this module, and an app that only migrates never runs a program.
      const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
      return new Promise<ProcessResult>((resolve) => {
        const child = spawn(command, args, { env: { ...baseEnv, ...options.env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', (error: NodeJS.ErrnoException) => {
          resolve({ code: null, stdout, stderr: stderr || error.message, missing: error.code === 'ENOENT' || error.code === 'EACCES' });
        });
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
  };
}

/** Backup files on the local file system. */
export const nodeBackupFiles: BackupFiles = {
  async mkdir(dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await ignoreLocalState(dir);
  },
  async createPrivate(path) {
    const handle = await open(path, 'wx', 0o600); // never over an existing file (issue 16.1)
    await handle.close();
    await chmod(path, 0o600);
  },
  async writeText(path, text) {
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
  },
  readText: (path) => readFile(path, 'utf8'),
  makePrivate: (path) => chmod(path, 0o600),
  sha256: (path) => new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')));
  }),
  size: async (path) => (await stat(path)).size,
  exists: (path) => stat(path).then(() => true, () => false),
  list: (dir) => readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  }),
  remove: (path) => rm(path, { force: true }),
  async tempDir() {
    const path = await mkdtemp(join(tmpdir(), 'cutover-backup-'));
    await chmod(path, 0o700);
    return { path, remove: () => rm(path, { recursive: true, force: true }) };
  },
  join: (...parts) => join(...parts),
};

export { packageVersion } from '../version.js';
