/**
 * dbmate's layout (pkg/dbmate/db.go, migration.go): files matching
 * `^(\d+).*\.sql$`, the leading digits being the version, kept as written
 * and ordered as text; one file holds an up and a down section, each
 * opened by a `-- migrate:up` / `-- migrate:down` line that may carry
 * options (`transaction:false` runs that section without a transaction).
 * cutover refuses a file exactly where dbmate does (no up section, no down
 * section, the down section first, statements before the up section), with
 * the line, and also refuses a repeated section line, which dbmate versions
 * read differently. A `.sql` name dbmate skips cutover skips too, and lists
 * it (`plan --verbose`); subdirectories are ignored, as dbmate ignores them.
 *
 * Each section becomes a script with the file's line numbers: the up script
 * keeps the lines above `-- migrate:up` (comments only; cutover's directives
 * may sit there or right below `-- migrate:up`) and ends where the down
 * section starts (so its checksum ignores the down section); the down script
 * blanks everything above `-- migrate:down`, so its directives go right
 * below that line. A down section of comments only is no
 * down script: a rollback through it refuses instead of doing nothing.
 * dbmate runs a section as one query in its transaction: an up section of
 * comments only is a no-op, a section's own `BEGIN; … COMMIT;` runs
 * (own-transaction.ts).
 */
import { CutoverError } from '../../errors.js';
import { textOrder } from './order.js';
import { withoutOwnTransaction } from './own-transaction.js';
import type { Collected, FormatNotice, FoundMigration, FoundScript, MigrationFormat, ReadText } from './types.js';

/** dbmate's `migrationFileRegexp`. */
const NAME = /^(\d+).*\.sql$/;
// dbmate's regexes use Go's \s, which is [\t\n\f\r ], and \S, its complement.
const UP = /^--[\t\n\f\r ]*migrate:up(?:[\t\n\f\r ]*$|[\t\n\f\r ]+[^\t\n\f\r ]+)/gm;
const DOWN = /^--[\t\n\f\r ]*migrate:down(?:[\t\n\f\r ]*$|[\t\n\f\r ]+[^\t\n\f\r ]+)/gm;
const DIRECTIVE = /^--[\t\n\f\r ]*migrate:(up|down)/;

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const blankLines = (text: string) => text.replace(/[^\n]/g, '');

/** dbmate's `parseMigrationOptions`: `key:value` pairs after the section's keyword; only `transaction:false` matters. */
function sectionTransaction(text: string, start: number): boolean | undefined {
  const line = text.slice(start).split('\n', 1)[0]!.replace(DIRECTIVE, '').trim();
  const options = new Map(line.split(/[\t\n\f\r ]+/).map((pair) => pair.split(':')).filter((pair) => pair.length === 2).map(([key, value]) => [key!, value!]));
  return options.get('transaction') === 'false' ? false : undefined;
}

/** Whether a section holds nothing but its keyword line, blank lines and `--` comments. */
function onlyComments(section: string): boolean {
  return section.split('\n').slice(1).every((line) => /^\s*(--.*)?$/.test(line));
}

function sectionError(file: string, line: number, reason: string, message: string, hint: string): CutoverError {
  return new CutoverError('BAD_SECTIONS', `${file}:${line}: ${message}`, { hint, details: { file, line, reason } });
}

/**
 * Split a dbmate file into its up and down scripts, or say why it cannot be.
 *
 * @example
 * splitSections('1_a.sql', '-- migrate:up\nCREATE TABLE a ();\n-- migrate:down\nDROP TABLE a;\n');
 * // { up: { text: '-- migrate:up\nCREATE TABLE a ();\n', … }, down: { text: '\n\n-- migrate:down\nDROP TABLE a;\n', … } }
 */
export function splitSections(file: string, text: string): { up: FoundScript; down?: FoundScript } | CutoverError {
  const ups = [...text.matchAll(UP)].map((match) => match.index);
  const downs = [...text.matchAll(DOWN)].map((match) => match.index);
  const sectionHint = 'A dbmate file is comment lines, then `-- migrate:up` and its SQL, then `-- migrate:down` and the SQL that undoes it (nothing below it if it cannot be undone).';
  if (ups.length === 0) return sectionError(file, 1, 'missing-up', 'no `-- migrate:up` line (dbmate refuses the file too)', sectionHint);
  if (downs.length === 0) return sectionError(file, lineOf(text, text.trimEnd().length), 'missing-down', 'no `-- migrate:down` line (dbmate refuses the file too)', sectionHint);
  const up = ups[0]!;
  const down = downs[0]!;
  if (down < up) return sectionError(file, lineOf(text, down), 'down-before-up', '`-- migrate:down` comes before `-- migrate:up` (dbmate refuses the file too)', sectionHint);
  const before = text.slice(0, up).split('\n').findIndex((line) => !/^\s*(--.*)?$/.test(line));
  if (before !== -1) {
    return sectionError(file, before + 1, 'statement-before-up', 'SQL before the `-- migrate:up` line (dbmate refuses the file too)', 'Move it below `-- migrate:up`; only comments (and cutover directives) may come before it.');
  }
  const again = [ups[1], downs[1]].filter((offset) => offset !== undefined).sort((a, b) => a - b)[0];
  if (again !== undefined) {
    return sectionError(file, lineOf(text, again), 'repeated-section', 'a second `-- migrate:up` or `-- migrate:down` line: cutover reads one up and one down section per file', 'Split the file: one migration per file, each with one `-- migrate:up` and one `-- migrate:down` section.');
  }
  const upTransaction = sectionTransaction(text, up);
  const downTransaction = sectionTransaction(text, down);
  // The up script ends where the down section starts: editing the down section never changes the up script's checksum.
  const upScript: FoundScript = { file, text: text.slice(0, down), ...(upTransaction === false ? { transaction: false } : {}) };
  if (onlyComments(text.slice(down))) return { up: upScript };
  return { up: upScript, down: { file, text: blankLines(text.slice(0, down)) + text.slice(down), ...(downTransaction === false ? { transaction: false } : {}) } };
}

async function collect(paths: readonly string[], read: ReadText): Promise<Collected> {
  const found: FoundMigration[] = [];
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  const byVersion = new Map<string, string>();
  for (const file of [...paths].sort()) {
    if (file.includes('/') || !file.toLowerCase().endsWith('.sql')) continue;
    const match = NAME.exec(file);
    if (!match) {
      notices.push({ kind: 'ignored', file, reason: 'not a dbmate migration name (<version>_<name>.sql, starting with digits): dbmate skips it' });
      continue;
    }
    const version = match[1]!;
    const other = byVersion.get(version);
    if (other !== undefined) {
      problems.push(new CutoverError('DUPLICATE_VERSION', `${file}: version ${version} is also used by ${other} (dbmate would take them for one migration)`, {
        hint: 'Each version may appear once. Renumber one of the files (dbmate new writes timestamp versions).', details: { file, other, version },
      }));
      continue;
    }
    byVersion.set(version, file);
    const text = await read(file);
    const sections = text instanceof CutoverError ? text : splitSections(file, text);
    if (sections instanceof CutoverError) problems.push(sections);
    else {
      const { up, down } = sections;
      found.push({ version, name: file.slice(version.length, -'.sql'.length).replace(/^_/, ''), up: withoutOwnTransaction(up, 'in-transaction'), ...(down ? { down: withoutOwnTransaction(down, 'in-transaction') } : {}) });
    }
  }
  return { found, problems, notices };
}

/** The dbmate layout. */
export const dbmateFormat: MigrationFormat = {
  id: 'dbmate',
  layout: '<version>_<name>.sql with -- migrate:up and -- migrate:down sections (dbmate)',
  order: textOrder,
  collect,
  emptyFiles: 'no-op',
};
