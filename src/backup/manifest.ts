/**
 * Backup manifests: one JSON file beside each dump, saying what the dump
 * holds (database, schema, server version, the ledger at that moment, each
 * table's row count) and how to check it (size, SHA-256). Pure: naming,
 * parsing, pruning and choosing a backup for a rollback do no I/O.
 */
import { createHash } from 'node:crypto';
import { CutoverError } from '../errors.js';

/** The manifest format's name and version. */
export const MANIFEST_FORMAT = 'cutover-backup/1';

/** A ledger row as a backup remembers it. */
export interface ManifestLedgerRow {
  version: string;
  name: string;
  phase: string;
  state: string;
  checksum: string;
}

/** What a backup holds, written as `<id>.json` beside `<id>.dump`. */
export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  /** ISO time the dump's snapshot was taken. */
  createdAt: string;
  cutoverVersion: string;
  /** The database's name, and where it was (URL without password). */
  database: string;
  target: string;
  schema: string;
  serverVersion: string;
  pgDumpVersion: string;
  /** The dump file's name (in the manifest's directory), its size and SHA-256. */
  file: string;
  size: number;
  sha256: string;
  /** `cutover_migrations` in the dump's snapshot ([] when the schema had no ledger). */
  ledger: ManifestLedgerRow[];
  /** Rows per table in the dump's snapshot. */
  tables: { name: string; rows: number }[];
  /** The database's extensions (not in the dump): a restore creates those missing, where they were. Absent in older manifests. */
  extensions?: { name: string; schema: string; version: string }[];
}

/** The highest applied version in a manifest's ledger ('0' when none). */
export function ledgerVersion(manifest: Pick<BackupManifest, 'ledger'>): string {
  let best = 0n;
  for (const row of manifest.ledger) if (row.state === 'applied' && BigInt(row.version.replace(/\D/g, '') || '0') > best) best = BigInt(row.version.replace(/\D/g, '') || '0');
  return best.toString();
}

/**
 * A backup's id: its UTC time, the database and schema as a readable,
 * file-name-safe prefix, and a short hash of their exact names, so no two
 * schemas share an id however alike their prefixes (`tü` and `té`, or two
 * long names differing at the end: issue 16.1). The manifest keeps the
 * exact names; the id leads back to them through it.
 *
 * @example
 * backupId(new Date('2026-03-01T12:00:00.123Z'), 'app', 'tenant one'); // '20260301T120000123Z_app_tenant-one_' + 10 hex digits
 */
export function backupId(at: Date, database: string, schema: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40) || 'x';
  const hash = createHash('sha256').update(JSON.stringify([database, schema])).digest('hex').slice(0, 10);
  return `${at.toISOString().replace(/[-:.]/g, '')}_${safe(database)}_${safe(schema)}_${hash}`;
}

function badManifest(where: string, why: string): CutoverError {
  return new CutoverError('BACKUP_CORRUPT', `${where} is not a cutover backup manifest: ${why}`, {
    hint: 'Give the .json manifest written by `cutover backup` (or its .dump beside it), unedited.', details: { file: where },
  });
}

/**
 * Parse and check a manifest's JSON text.
 *
 * @example
 * const manifest = parseManifest(text, '.cutover/backups/20260301T120000123Z_app_public.json');
 */
export function parseManifest(text: string, where: string): BackupManifest {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badManifest(where, (error as Error).message);
  }
  if (value?.format !== MANIFEST_FORMAT) throw badManifest(where, `format is ${JSON.stringify(value?.format)}, expected "${MANIFEST_FORMAT}"`);
  for (const key of ['id', 'createdAt', 'database', 'schema', 'file', 'sha256'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') throw badManifest(where, `"${key}" is missing`);
  }
  if (!Array.isArray(value.ledger) || !Array.isArray(value.tables) || typeof value.size !== 'number') throw badManifest(where, '"ledger", "tables" or "size" is missing');
  if (/[/\\]/.test(value.file)) throw badManifest(where, '"file" must be a plain file name');
  return value as BackupManifest;
}

/**
 * The manifests to delete so only the newest `keep` remain per database and schema.
 *
 * @example
 * toPrune(manifests, 7).map((m) => m.id);
 */
export function toPrune(manifests: readonly BackupManifest[], keep: number): BackupManifest[] {
  const groups = new Map<string, BackupManifest[]>();
  for (const m of manifests) {
    const key = `${m.database}\0${m.schema}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const prune: BackupManifest[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    prune.push(...group.slice(keep));
  }
  return prune;
}

/**
 * The newest backup of `database`.`schema` whose ledger stops at `version`
 * (a rollback's way back when down files are missing).
 *
 * @example
 * const backup = backupForVersion(manifests, { database: 'app', schema: 'public', version: '20260301120000' });
 */
export function backupForVersion(manifests: readonly BackupManifest[], wanted: { database: string; schema: string; version: string }): BackupManifest | undefined {
  const version = wanted.version.replace(/^0+(?=\d)/, '');
  return manifests
    .filter((m) => m.database === wanted.database && m.schema === wanted.schema && ledgerVersion(m) === version && m.ledger.every((r) => r.state === 'applied'))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
}

/**
 * "3 hours", "2 days": how old a backup is.
 *
 * @example
 * describeAge(90 * 60_000); // '1 hour'
 */
export function describeAge(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, name] of units) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return 'less than a second';
}
