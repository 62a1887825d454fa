/**
 * golang-migrate's layout (source/parse.go): `<uint>_<name>.up.<ext>` and
 * `.down.<ext>`, matched by `^([0-9]+)_(.*)\.(down|up)\.(.*)$`; versions are
 * uint64, compared as numbers; the down file is optional. cutover reads the
 * `.sql` ones; a `.sql` file the pattern rejects golang-migrate skips, and so
 * does cutover (listed by `plan --verbose`); a down file without its up file
 * is an error where golang-migrate would record an empty step.
 *
 * golang-migrate sends each file to Postgres as one multi-statement query,
 * without a transaction of its own, so its files often bring their own
 * `BEGIN; … COMMIT;`, and a `CREATE INDEX CONCURRENTLY` sits alone in its
 * file. cutover runs each migration in a transaction together with its
 * ledger row, so, unless the file asks for no transaction:
 * - a file's own `BEGIN; … COMMIT;` pairs are blanked out and its body runs
 *   in cutover's transaction (own-transaction.ts): line and column numbers
 *   still match, and the checksum stays the file's;
 * - a file whose every statement cannot run in a transaction block
 *   (`CREATE INDEX CONCURRENTLY` …) runs without one, as golang-migrate
 *   runs it (Postgres refuses it inside the implicit transaction of a
 *   multi-statement query anyway), and so does a file that is one `CALL`
 *   (a procedure may commit, as it can in golang-migrate's one-statement query);
 * - an empty (0-byte) or comment-only file is a no-op, as golang-migrate
 *   runs it (it recommends empty down files for irreversible steps).
 */
import { parseDirectives } from '../directives.js';
import { numericOrder } from './order.js';
import { pairFiles, type FlatNameResult } from './pairs.js';
import { aloneInOneQuery, refusingTransaction } from './no-transaction.js';
import { withoutOwnTransaction } from './own-transaction.js';
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
    return { skipped: 'not a golang-migrate migration name (<version>_<name>.up.sql or .down.sql): golang-migrate skips it' };
  }
  const version = BigInt(match[1]!);
  if (version > UINT64_MAX) return { skipped: `version ${match[1]} does not fit in a uint64: golang-migrate skips the file` };
  return { version: version.toString(), name: match[2]!, kind: match[3] as 'up' | 'down' };
}

/**
 * How cutover runs a golang-migrate script: no transaction when every
 * statement needs none; otherwise its own `BEGIN; … COMMIT;` dropped in
 * favour of cutover's transaction (own-transaction.ts). A file with a
 * no-transaction directive is left as it is.
 *
 * @example
 * asGolangMigrateRuns({ file: '1_a.up.sql', text: 'BEGIN;\nCREATE TABLE a ();\nCOMMIT;\n' }).text;
 * // '      \nCREATE TABLE a ();\n       \n'
 */
export function asGolangMigrateRuns(script: FoundScript): FoundScript {
  // Only a file holding one of these words can change: the others are not scanned (every file is read on every load).
  if (/\b(CONCURRENTLY|VACUUM|DATABASE|TABLESPACE|SYSTEM|SUBSCRIPTION|DISCARD|CALL)\b/i.test(script.text) && parseDirectives(script.text, script.file).directives.transaction) {
    if (aloneInOneQuery(script.text)) return { ...script, transaction: false };
    const refusing = refusingTransaction(script.text);
    if (refusing.length > 0 && refusing.every(Boolean)) return { ...script, transaction: false };
  }
  return withoutOwnTransaction(script, 'one-query');
}

/** The golang-migrate layout. */
export const golangMigrateFormat: MigrationFormat = {
  id: 'golang-migrate',
  layout: '<version>_<name>.up.sql, with an optional .down.sql (golang-migrate)',
  order: numericOrder,
  emptyFiles: 'no-op',
  async collect(paths, read) {
    const { found, problems, notices } = await pairFiles(
      paths, parseGolangMigrateName, read,
      'Rename it to <version>_<name>.up.sql (or .down.sql), e.g. 000042_add_users.up.sql, or give it another extension if it is not a migration.',
      { downOptional: true },
    );
    return {
      found: found.map((m) => ({ ...m, up: asGolangMigrateRuns(m.up), ...(m.down ? { down: asGolangMigrateRuns(m.down) } : {}) })),
      problems, notices,
    };
  },
};
