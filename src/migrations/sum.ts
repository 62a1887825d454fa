/**
 * `cutover.sum` beside the migrations (Atlas's atlas.sum idea): the hash of
 * every migration file, in version order, under a first line that hashes
 * the rest. CI checks the directory against it with no database: an edited
 * file, a file added with a version older than the newest (two branches
 * merged), a deleted file or one never recorded each fail before deploy. The
 * first line changes with every file added, so two branches that each add
 * one conflict in git instead of merging silently. Pure: text in, text or
 * problems out; the directory is read and written at the edges.
 */
import { CutoverError } from '../errors.js';
import { checksum, scriptChecksums } from './checksum.js';
import { versionOrder } from './formats/index.js';
import type { Migration, MigrationScript } from './types.js';

/** The sum file's name, in the migrations directory. */
export const SUM_FILE = 'cutover.sum';

/** One recorded file. */
interface SumEntry {
  file: string;
  hash: string;
}

/** A script's hash: the checksum of what runs (lint-ignore lines left out), whatever the ledger's rule. */
function hashOf(script: Pick<MigrationScript, 'sql'>): string {
  return scriptChecksums(script.sql).checksum;
}

/** Every file of the set, in version order: each up script, then its down script. */
function entriesOf(migrations: readonly Migration[]): (SumEntry & { version: string })[] {
  return migrations.flatMap((m) => [m, ...(m.down ? [m.down] : [])].map((script) => ({ file: script.file, hash: hashOf(script), version: m.version })));
}

const totalOf = (lines: readonly string[]) => checksum(lines.map((l) => `${l}\n`).join(''));

/** Recorded files, and the first line that hashes them. */
function renderEntries(entries: readonly SumEntry[]): string {
  const lines = entries.map((e) => `${e.file} ${e.hash}`);
  return [`total ${totalOf(lines)}`, ...lines].map((l) => `${l}\n`).join('');
}

/**
 * The sum file's text for a migration set: every file hashed as it is now (`cutover sum`).
 *
 * @example
 * await writeFile('migrations/cutover.sum', renderSum(await readMigrations({ dir: 'migrations' })));
 */
export function renderSum(migrations: readonly Migration[]): string {
  return renderEntries(entriesOf(migrations));
}

/**
 * The sum file after `cutover new` wrote `added`: the recorded hashes kept as they are (an edit
 * is never recorded silently), the new files reserved (`<file> -`: their content is still being
 * written; `lint` asks for it to be recorded). Without a sum file yet, every other file is hashed.
 *
 * @example
 * const text = addToSum(existingText, migrations, ['20260101120000_add_users.sql'], 'migrations');
 */
export function addToSum(text: string | undefined, migrations: readonly Migration[], added: readonly string[], location: string): string {
  const scripts = new Set(entriesOf(migrations).map((e) => e.file));
  const fresh = new Set(added.filter((file) => scripts.has(file))); // not flyway's .conf, diesel's metadata.toml
  const recorded = text === undefined ? entriesOf(migrations).filter((e) => !fresh.has(e.file)) : parseSum(text, location);
  if (recorded instanceof CutoverError) throw recorded;
  const known = new Set(recorded.map((e) => e.file));
  return renderEntries([...recorded, ...[...fresh].filter((file) => !known.has(file)).map((file) => ({ file, hash: RESERVED }))]);
}

/** The hash of a file `cutover new` wrote, whose content is not recorded yet. */
const RESERVED = '-';

const problem = (code: 'SUM_CORRUPT' | 'SUM_EDITED' | 'SUM_OLDER_THAN_NEWEST' | 'SUM_DELETED' | 'SUM_UNRECORDED', message: string, hint: string, details: Record<string, unknown>) =>
  new CutoverError(code, message, { hint, details });

/** Parse the sum file: its entries, or SUM_CORRUPT (a merge conflict, a hand edit). */
function parseSum(text: string, location: string): SumEntry[] | CutoverError {
  const where = `${location}/${SUM_FILE}`;
  const lines = text.replace(/\r\n/g, '\n').split('\n').filter((l) => l !== '');
  const [head, ...rest] = lines;
  const entries = rest.map((line) => ({ file: line.slice(0, line.lastIndexOf(' ')), hash: line.slice(line.lastIndexOf(' ') + 1) }));
  const bad = entries.findIndex((e) => e.file === '' || (e.hash !== RESERVED && !/^[0-9a-f]{64}$/.test(e.hash)));
  if (!head?.startsWith('total ') || bad >= 0 || head.slice(6) !== totalOf(rest)) {
    const conflict = lines.some((l) => /^(<<<<<<<|=======|>>>>>>>)/.test(l));
    return problem('SUM_CORRUPT', `${where} ${conflict ? 'has git merge conflict markers' : bad >= 0 ? `line ${bad + 2} is not "<file> <sha256>"` : 'does not match its own total (edited by hand, or merged)'}`,
      conflict
        ? 'Two branches added migrations: give the merged-in file a version after the newest (rename it, or `cutover new` and move its SQL), then run `cutover sum` to rewrite the file.'
        : 'Check the directory is what you mean to deploy, then run `cutover sum` to rewrite the file.',
      { file: where });
  }
  return entries;
}

/**
 * Check a migration set against its sum file's text: every problem at once.
 * Each kind has its own code: SUM_EDITED, SUM_OLDER_THAN_NEWEST, SUM_DELETED,
 * SUM_UNRECORDED, SUM_CORRUPT (docs/migration-files.md "cutover.sum"). A file
 * `cutover new` reserved passes, unless `strict` (`lint`, the CI check): then
 * its content must be recorded (SUM_UNRECORDED).
 *
 * @example
 * throwAll(checkSum(migrations, await readFile('migrations/cutover.sum', 'utf8'), 'migrations'));
 */
export function checkSum(migrations: readonly Migration[], text: string, location: string, options: { strict?: boolean } = {}): CutoverError[] {
  const recorded = parseSum(text, location);
  if (recorded instanceof CutoverError) return [recorded];
  const strict = options.strict === true;
  const order = versionOrder(migrations[0]?.format);
  const onDisk = entriesOf(migrations);
  const byFile = new Map(onDisk.map((e) => [e.file, e]));
  const known = new Map(recorded.map((e) => [e.file, e.hash]));
  const recordedVersions = recorded.flatMap((e) => byFile.get(e.file)?.version ?? []);
  const newest = recordedVersions.reduce<string | undefined>((max, v) => (max === undefined || order.compare(v, max) > 0 ? v : max), undefined);
  const problems: CutoverError[] = [];
  for (const entry of onDisk) {
    const hash = known.get(entry.file);
    if (hash === entry.hash || (hash === RESERVED && !strict)) continue;
    if (hash === RESERVED) {
      problems.push(problem('SUM_UNRECORDED', `${entry.file}: ${SUM_FILE} reserved it (cutover new) but does not record its content yet`,
        'Once the migration is written, run `cutover sum` and commit cutover.sum with it.', { file: entry.file, version: entry.version }));
    } else if (hash !== undefined) {
      problems.push(problem('SUM_EDITED', `${entry.file} was edited since ${SUM_FILE} recorded it`,
        `If it has been deployed anywhere, restore it (git checkout -- ${entry.file}) and put the change in a new migration (cutover new). If it never left your branch, record the edit: cutover sum.`,
        { file: entry.file, version: entry.version }));
    } else if (newest !== undefined && order.compare(entry.version, newest) < 0) {
      problems.push(problem('SUM_OLDER_THAN_NEWEST', `${entry.file} is not in ${SUM_FILE} and its version is older than the newest recorded one (${newest}): two branches merged?`,
        'Give it a version after the newest (rename the file, or `cutover new <name>` and move its SQL), then run `cutover sum`. If its order truly does not matter, `cutover sum` records it as it is.',
        { file: entry.file, version: entry.version, newest }));
    } else {
      problems.push(problem('SUM_UNRECORDED', `${entry.file} is not in ${SUM_FILE}`,
        'Files made with `cutover new` are recorded as they are written; for one made otherwise, run `cutover sum` (and commit cutover.sum with it).',
        { file: entry.file, version: entry.version }));
    }
  }
  for (const entry of recorded) {
    if (byFile.has(entry.file)) continue;
    problems.push(problem('SUM_DELETED', `${entry.file} is recorded in ${SUM_FILE} but no longer exists`,
      `Restore it (git checkout -- ${entry.file}): a deleted migration that ran somewhere leaves its database ahead of the directory. If it never left your branch, run \`cutover sum\`.`,
      { file: entry.file }));
  }
  return problems;
}
