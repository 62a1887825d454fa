/**
 * The backup directory: listing manifests, finding a backup by id or path,
 * and checking a dump against its manifest (size and SHA-256) before it is
 * trusted.
 */
import { CutoverError } from '../errors.js';
import { parseManifest, type BackupManifest } from './manifest.js';
import type { BackupFiles } from './ports.js';

/** A manifest found on disk, with its path. */
export interface StoredBackup {
  manifest: BackupManifest;
  manifestPath: string;
  dumpPath: string;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i) || '/';
}

/** Every readable manifest in a directory (unreadable ones are skipped: they are not ours). */
export async function listBackups(files: BackupFiles, dir: string): Promise<StoredBackup[]> {
  const found: StoredBackup[] = [];
  for (const name of (await files.list(dir)).filter((n) => n.endsWith('.json')).sort()) {
    const manifestPath = files.join(dir, name);
    try {
      const manifest = parseManifest(await files.readText(manifestPath), manifestPath);
      found.push({ manifest, manifestPath, dumpPath: files.join(dir, manifest.file) });
    } catch {
      // another JSON file in the directory
    }
  }
  return found;
}

/**
 * Find a backup by manifest path, dump path, or id in `dir`.
 *
 * @example
 * const backup = await findBackup(files, '20260301T120000123Z_app_public', '.cutover/backups');
 */
export async function findBackup(files: BackupFiles, ref: string, dir: string): Promise<StoredBackup> {
  const candidates = ref.endsWith('.json') ? [ref] : ref.endsWith('.dump') ? [ref.replace(/\.dump$/, '.json')] : [files.join(dir, `${ref}.json`), `${ref}.json`];
  for (const manifestPath of candidates) {
    if (!(await files.exists(manifestPath))) continue;
    const manifest = parseManifest(await files.readText(manifestPath), manifestPath);
    return { manifest, manifestPath, dumpPath: files.join(dirOf(manifestPath), manifest.file) };
  }
  throw new CutoverError('BACKUP_NOT_FOUND', `no backup "${ref}": looked for ${candidates.join(', ')}`, {
    hint: 'Give the .json manifest (or .dump) path, or an id from `cutover backup --list`.', details: { backup: ref },
  });
}

/** Check the dump's size and SHA-256 against its manifest. */
export async function verifyBackupFile(files: BackupFiles, backup: StoredBackup): Promise<void> {
  if (!(await files.exists(backup.dumpPath))) {
    throw new CutoverError('BACKUP_NOT_FOUND', `the dump ${backup.dumpPath} named by ${backup.manifestPath} is missing`, {
      hint: 'Copy the .dump file back beside its manifest.', details: { file: backup.dumpPath },
    });
  }
  const sha256 = await files.sha256(backup.dumpPath);
  if (sha256 !== backup.manifest.sha256) {
    throw new CutoverError('BACKUP_CORRUPT', `${backup.dumpPath} does not match its manifest: SHA-256 ${sha256}, expected ${backup.manifest.sha256}`, {
      hint: 'The file was changed or truncated since the backup: use another backup. Nothing was restored.',
      details: { file: backup.dumpPath, sha256, expected: backup.manifest.sha256 },
    });
  }
}
