/**
 * drizzle-kit's layout, as drizzle-orm's migrator reads it
 * (drizzle-orm/src/migrator.ts `readMigrationFiles`): `meta/_journal.json`
 * decides which migrations exist and in which order; each entry's `tag`
 * names `<tag>.sql` beside `meta/`. A `.sql` file the journal does not name
 * never runs (listed by `plan --verbose`), and neither does a
 * `_journal.json.backup` or any snapshot; a journal naming a file that is
 * not there is refused (drizzle throws "No file … found").
 * `--> statement-breakpoint` lines are SQL comments to cutover, which splits
 * statements itself.
 *
 * drizzle-orm runs every pending migration in ONE transaction. cutover runs
 * each in its own transaction together with its ledger row (DESIGN §1:
 * applied means recorded), so a failure keeps the migrations before it and
 * a re-run goes on from the failed one (docs/formats.md#drizzle-kit).
 */
import { CutoverError } from '../../errors.js';
import { drizzleOrder } from './order.js';
import type { Collected, FormatNotice, FoundMigration, MigrationFormat, ReadText } from './types.js';

/** Where drizzle-kit writes its journal, relative to the migrations folder. */
export const DRIZZLE_JOURNAL = 'meta/_journal.json';

interface JournalEntry {
  tag: string;
  when?: number;
}

function journalError(reason: string, message: string, hint: string, line?: number, extra: Record<string, unknown> = {}): CutoverError {
  return new CutoverError('BAD_JOURNAL', `${DRIZZLE_JOURNAL}${line ? `:${line}` : ''}: ${message}`, {
    hint, details: { file: DRIZZLE_JOURNAL, ...(line ? { line } : {}), reason, ...extra },
  });
}

/** The line of the journal that names `tag` (for messages). */
function lineOfTag(journal: string, tag: string): number | undefined {
  const at = journal.indexOf(JSON.stringify(tag));
  return at < 0 ? undefined : journal.slice(0, at).split('\n').length;
}

/**
 * The journal's entries, or why they cannot be read.
 *
 * @example
 * readJournal('{"entries":[{"idx":0,"when":1,"tag":"0000_init","breakpoints":true}]}'); // [{ tag: '0000_init', when: 1 }]
 */
export function readJournal(text: string): JournalEntry[] | CutoverError {
  let journal: unknown;
  try {
    journal = JSON.parse(text);
  } catch (error) {
    return journalError('not-json', `not JSON (${(error as Error).message}); drizzle's migrator fails on it too`, 'Restore the journal from version control, or regenerate it with drizzle-kit.');
  }
  const entries = (journal as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries) || entries.some((e) => typeof (e as JournalEntry | null)?.tag !== 'string')) {
    return journalError('bad-entries', 'no "entries" array of objects with a "tag" (drizzle-kit writes {"entries": [{"idx", "when", "tag", "breakpoints"}]})', 'Restore the journal from version control, or regenerate it with drizzle-kit.');
  }
  return entries as JournalEntry[];
}

async function collect(paths: readonly string[], read: ReadText): Promise<Collected> {
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  if (!paths.includes(DRIZZLE_JOURNAL)) {
    return { found: [], problems: [journalError('no-journal', 'missing: drizzle-kit keeps the list of migrations there (drizzle fails with "Can\'t find meta/_journal.json file")', 'Point --dir at the folder drizzle-kit generates into (its `out`, holding meta/), or choose another --format.')] };
  }
  const text = await read(DRIZZLE_JOURNAL);
  if (text instanceof CutoverError) return { found: [], problems: [text] };
  const entries = readJournal(text);
  if (entries instanceof CutoverError) return { found: [], problems: [entries] };

  const found: FoundMigration[] = [];
  const named = new Set<string>();
  let previous: string | undefined;
  for (const { tag, when } of entries) {
    const file = `${tag}.sql`;
    const line = lineOfTag(text, tag);
    if (named.has(file)) {
      problems.push(journalError('repeated-tag', `"${tag}" is listed twice`, 'Remove the second entry (drizzle would run the file twice).', line, { version: tag }));
      continue;
    }
    named.add(file);
    if (!paths.includes(file)) {
      problems.push(journalError('missing-file', `names ${file}, which is not in the folder (drizzle fails with "No file ${file} found")`, `Restore ${file} from version control, or remove its entry from the journal if the migration was abandoned (drizzle-kit drop does both).`, line, { version: tag, missing: file }));
      continue;
    }
    if (previous !== undefined && drizzleOrder.compare(previous, tag) >= 0) {
      problems.push(journalError('order', `lists ${tag} after ${previous}: cutover orders drizzle migrations by their number, as drizzle-kit numbers them`, 'Keep the journal in the order drizzle-kit wrote it (by idx), with each tag starting with its number.', line, { version: tag }));
      continue;
    }
    previous = tag;
    const sql = await read(file);
    if (sql instanceof CutoverError) problems.push(sql);
    else found.push({ version: tag, name: tag.replace(/^\d+_/, ''), up: { file, text: sql }, ...(when === undefined ? {} : { toolKey: String(when) }) });
  }
  for (const path of [...paths].sort()) {
    if (named.has(path)) continue;
    if (path.toLowerCase().endsWith('.sql')) notices.push({ kind: 'ignored', file: path, reason: `not in ${DRIZZLE_JOURNAL}: drizzle never runs it` });
    else if (path.startsWith('meta/_journal.json') && path !== DRIZZLE_JOURNAL) notices.push({ kind: 'ignored', file: path, reason: `only ${DRIZZLE_JOURNAL} is read` });
  }
  return { found, problems, notices };
}

/**
 * drizzle-kit's layout (docs/formats.md#drizzle-kit).
 *
 * @example
 * await loadMigrations(directorySource('drizzle'), { format: 'drizzle' });
 */
export const drizzleFormat: MigrationFormat = {
  id: 'drizzle',
  layout: '<tag>.sql files listed in meta/_journal.json (drizzle-kit)',
  order: drizzleOrder,
  collect,
};
