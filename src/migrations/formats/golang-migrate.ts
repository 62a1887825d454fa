/**
 * golang-migrate's layout (source/parse.go): `<uint>_<name>.up.<ext>` and
 * `.down.<ext>`, matched by `^([0-9]+)_(.*)\.(down|up)\.(.*)$`; versions are
 * uint64, compared as numbers; the down file is optional. cutover reads the
 * `.sql` ones; a `.sql` file the pattern rejects is an error where
 * golang-migrate would skip it silently, and a down file without its up file
 * is an error where golang-migrate would record an empty step.
 *
 * golang-migrate sends each file to Postgres as one multi-statement query,
 * without a transaction of its own, so its files often bring their own
 * `BEGIN; … COMMIT;`, and a `CREATE INDEX CONCURRENTLY` sits alone in its
 * file. cutover runs each migration in a transaction together with its
 * ledger row, so, unless the file asks for no transaction:
 * - a file whose first statement is `BEGIN` (or `START TRANSACTION`) and
 *   whose last is `COMMIT` runs its body in cutover's transaction: the two
 *   statements are blanked out, so line and column numbers still match, and
 *   the checksum stays the file's;
 * - a file whose every statement cannot run in a transaction block
 *   (`CREATE INDEX CONCURRENTLY` …) runs without one, as golang-migrate
 *   runs it (Postgres refuses it inside the implicit transaction of a
 *   multi-statement query anyway).
 */
import { parseDirectives } from '../directives.js';
import { numericOrder } from './order.js';
import { pairFiles, type FlatNameResult } from './pairs.js';
import { refusingTransaction } from './no-transaction.js';
import { scanStatements } from './scan-statements.js';
import type { FoundScript, MigrationFormat } from './types.js';

/** golang-migrate's `source.Regex`. */
const PATTERN = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;
const UINT64_MAX = 18446744073709551615n;

/**
 * Take a file name apart as golang-migrate does; the version is the integer (`000042` → `42`).
 *
 * @example
 * parseGolangMigrateName('000042_add users.up.sql'); // { version: '42', name: 'add users', kind: 'up' }
 */
export function parseGolangMigrateName(file: string): FlatNameResult {
  if (file.includes('/') || !file.toLowerCase().endsWith('.sql')) return 'ignored';
  const match = PATTERN.exec(file);
  if (!match) {
    return { problem: `${file}: not a golang-migrate migration name (expected <version>_<name>.up.sql or <version>_<name>.down.sql); golang-migrate would skip it without a word` };
  }
  const version = BigInt(match[1]!);
  if (version > UINT64_MAX) return { problem: `${file}: version ${match[1]} does not fit in a uint64 (golang-migrate would skip the file)` };
  return { version: version.toString(), name: match[2]!, kind: match[3] as 'up' | 'down' };
}

/** The plain transaction control a file may wrap itself in; with options (an isolation level) it stays, and the checker refuses it. */
const BEGIN = /^(BEGIN( WORK| TRANSACTION)?|START TRANSACTION)$/i;
const COMMIT = /^COMMIT( WORK| TRANSACTION)?$/i;

/** Blank a range of the text, keeping its line breaks (so positions after it do not move). */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n]/g, ' ') + text.slice(end);
}

/**
 * How cutover runs a golang-migrate script: its own `BEGIN; … COMMIT;`
 * dropped in favour of cutover's transaction, or no transaction when every
 * statement needs none. A file with a no-transaction directive is left as it is.
 *
 * @example
 * asGolangMigrateRuns({ file: '1_a.up.sql', text: 'BEGIN;\nCREATE TABLE a ();\nCOMMIT;\n' }).text;
 * // '      \nCREATE TABLE a ();\n       \n'
 */
export function asGolangMigrateRuns(script: FoundScript): FoundScript {
  // Only a file holding one of these words can change: the others are not scanned (every file is read on every load).
  const outside = /\b(CONCURRENTLY|VACUUM|DATABASE|TABLESPACE|SYSTEM|SUBSCRIPTION|DISCARD)\b/i.test(script.text);
  const wrapped = /\b(BEGIN|START)\b/i.test(script.text);
  if ((!outside && !wrapped) || !parseDirectives(script.text, script.file).directives.transaction) return script;
  if (outside) {
    const refusing = refusingTransaction(script.text);
    if (refusing.length > 0 && refusing.every(Boolean)) return { ...script, transaction: false };
  }
  if (!wrapped) return script;
  const statements = scanStatements(script.text);
  const [first] = statements;
  const last = statements.at(-1);
  if (!first || !last || first === last || !BEGIN.test(first.code) || !COMMIT.test(last.code)) return script;
  return { ...script, text: blank(blank(script.text, last.start, last.end), first.start, first.end), original: script.text };
}

/** The golang-migrate layout. */
export const golangMigrateFormat: MigrationFormat = {
  id: 'golang-migrate',
  layout: '<version>_<name>.up.sql, with an optional .down.sql (golang-migrate)',
  order: numericOrder,
  async collect(paths, read) {
    const { found, problems } = await pairFiles(
      paths, parseGolangMigrateName, read,
      'Rename it to <version>_<name>.up.sql (or .down.sql), e.g. 000042_add_users.up.sql, or give it another extension if it is not a migration.',
      { downOptional: true },
    );
    return {
      found: found.map((m) => ({ ...m, up: asGolangMigrateRuns(m.up), ...(m.down ? { down: asGolangMigrateRuns(m.down) } : {}) })),
      problems,
    };
  },
};
