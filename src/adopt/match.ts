/**
 * The pure heart of `adopt --from`: (migration files, the tool's history,
 * the files' contents) → what to write into cutover's ledger, and why not.
 * Each history row is matched to a file; rows without files, files without
 * rows, files edited since the tool applied them, and failed rows are
 * reported. No I/O.
 */
import { versionOrder } from '../migrations/formats/index.js';
import type { VersionOrder } from '../migrations/formats/order.js';
import type { Migration } from '../migrations/types.js';
import { checksumMatches, computeLike, describeChecksum } from './checksums.js';
import { dirtyError, editedError, withoutFileError } from './refusals.js';
import type { AdoptedEntry, AdoptionPlan, EditedFile, HistoryReader, HistoryRow, PendingFile, RowWithoutFile, ToolHistory } from './types.js';

/** What {@link matchHistory} needs. */
export interface MatchInput {
  /** The directory's migrations, in their layout's order. */
  migrations: readonly Migration[];
  history: ToolHistory;
  reader: Pick<HistoryReader, 'tool' | 'matches' | 'ledgerKey' | 'fix'>;
  /** Each up script's contents as read from disk (raw bytes: sqlx hashes them), by file. */
  contents: ReadonlyMap<string, Uint8Array | string>;
  /** For messages: the directory. */
  location: string;
  allowMissing?: boolean;
  acceptEdited?: boolean;
}

/**
 * The checksum recorded for a row without a file: it can match no file (docs/adopt.md).
 *
 * @example
 * NO_FILE_CHECKSUM('sqlx'); // 'adopt:sqlx:no-file'
 */
export const NO_FILE_CHECKSUM = (tool: string) => `adopt:${tool}:no-file`;

function sameVersion(row: HistoryRow, m: Migration, order: VersionOrder): boolean {
  return !m.repeatable && (m.version === row.key || m.version === order.canonical(row.key) || order.compare(m.version, row.key) === 0);
}

function fromFile(m: Migration, row: Pick<HistoryRow, 'appliedAt' | 'durationMs'>, because: AdoptedEntry['because']): AdoptedEntry {
  return {
    version: m.version, name: m.name, phase: m.phase, checksum: m.checksum, transactional: m.transaction,
    appliedAt: row.appliedAt, durationMs: row.durationMs, file: m.file, because,
  };
}

/** The newest version among `versions` (non-repeatable), by the layout's order. */
function newest(versions: readonly string[], order: VersionOrder): string | undefined {
  return versions.reduce<string | undefined>((top, v) => (top === undefined || order.compare(v, top) > 0 ? v : top), undefined);
}

/**
 * Files no row adopted stay pending: after the newest adopted migration (normal), or before it (out of order).
 *
 * @example
 * pendingFiles(migrations, entries, numericOrder); // [{ version: '3', file: '3_x.sql', position: 'newer' }]
 */
export function pendingFiles(migrations: readonly Migration[], entries: readonly AdoptedEntry[], order: VersionOrder): PendingFile[] {
  const adopted = new Set(entries.map((e) => e.version));
  const top = newest(entries.filter((e) => !e.missingFile && !order.repeatable?.(e.version)).map((e) => e.version), order);
  return migrations.filter((m) => !adopted.has(m.version)).map((m) => ({
    version: m.version, file: m.file,
    position: m.repeatable ? 'repeatable' : top === undefined || order.compare(m.version, top) > 0 ? 'newer' : 'older',
  }));
}

/**
 * Match a tool's history to the directory.
 *
 * @example
 * const plan = matchHistory({ migrations, history, reader: sqlxHistory, contents, location: 'migrations' });
 * if (plan.problems.length === 0) write(plan.entries);
 */
export function matchHistory(input: MatchInput): AdoptionPlan {
  const { migrations, history, reader } = input;
  const order = versionOrder(migrations[0]?.format);
  const matches = (row: HistoryRow, m: Migration) => (reader.matches ? reader.matches(row, m, order) : sameVersion(row, m, order));
  const versioned = migrations.filter((m) => !m.repeatable);
  const problems = history.rows.filter((row) => row.state === 'failed').map((row) => {
    const below = versioned.filter((m) => order.compare(m.version, row.key) < 0);
    return dirtyError(reader, row, { table: history.table, previous: below[below.length - 1]?.version });
  });

  const entries: AdoptedEntry[] = [];
  const rowsWithoutFiles: RowWithoutFile[] = [];
  const edited: EditedFile[] = [];
  const taken = new Set<string>();
  for (const row of history.rows.filter((r) => r.state === 'applied')) {
    const m = migrations.find((candidate) => !taken.has(candidate.version) && matches(row, candidate));
    if (!m) {
      rowsWithoutFiles.push({ key: row.key, description: row.description, appliedAt: row.appliedAt });
      continue;
    }
    taken.add(m.version);
    const entry = fromFile(m, row, 'row');
    const contents = input.contents.get(m.file);
    if (row.checksum && contents !== undefined && !checksumMatches(row.checksum, contents)) {
      if (m.repeatable) {
        // Changed since the tool last ran it: the tool would run it again, and so will cutover.
        Object.assign(entry, { checksum: `${history.tool}:${describeChecksum(row.checksum)}`, rerun: true });
      } else {
        edited.push({ version: m.version, file: m.file, recorded: describeChecksum(row.checksum), actual: computeLike(row.checksum, contents) });
        entry.edited = true;
      }
    }
    entries.push(entry);
  }

  if (history.through) {
    const { through } = history;
    for (const m of versioned) {
      if (!taken.has(m.version) && order.compare(m.version, through.version) <= 0) {
        taken.add(m.version);
        entries.push(fromFile(m, { appliedAt: through.appliedAt, durationMs: null }, through.kind));
      }
    }
    // golang-migrate's current version is a migration that ran; a Flyway baseline needs no file.
    if (through.kind === 'current-version' && !versioned.some((m) => order.compare(m.version, through.version) === 0)) {
      rowsWithoutFiles.push({ key: through.version, description: null, appliedAt: null });
    }
  }

  if (rowsWithoutFiles.length > 0) {
    if (!input.allowMissing) problems.push(withoutFileError(history.tool, history.table, input.location, rowsWithoutFiles));
    else {
      for (const row of rowsWithoutFiles) {
        const source = history.rows.find((r) => r.key === row.key) ?? { ...row, state: 'applied' as const, durationMs: null };
        const key = reader.ledgerKey ? reader.ledgerKey(source, order) : { version: order.canonical(row.key), name: row.description ?? '' };
        entries.push({ ...key, phase: 'pre', checksum: NO_FILE_CHECKSUM(history.tool), transactional: true, appliedAt: row.appliedAt, durationMs: source.durationMs, because: 'row', missingFile: true });
      }
    }
  }
  if (edited.length > 0 && !input.acceptEdited) problems.push(editedError(history.tool, history.table, edited));

  entries.sort((a, b) => order.compare(a.version, b.version));
  return { entries, rowsWithoutFiles, pending: pendingFiles(migrations, entries, order), edited, problems };
}
