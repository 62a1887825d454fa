/**
 * goose's SQL layout (pressly/goose: provider_collect.go, migration.go
 * `NumericComponent`, internal/sqlparser/parser.go). Files `*.sql` and
 * `*.go` at the top of the directory whose name is `<int64 ≥ 1>_<anything>`
 * are migrations, ordered by that number and sharing one version sequence;
 * any other name is skipped (listed by `plan --verbose`), `*_test.go` too.
 *
 * A SQL file holds `-- +goose Up` (required, first), an optional
 * `-- +goose Down`, `-- +goose StatementBegin` / `StatementEnd` around
 * statements holding semicolons, and `-- +goose NO TRANSACTION` anywhere,
 * which runs both directions without a transaction, statement by statement
 * (as cutover runs any no-transaction file). Annotations are matched as goose
 * matches them: case-insensitively, on lines with no leading whitespace.
 * What goose refuses, cutover refuses with the line (BAD_SECTIONS). Each
 * section becomes a script with the file's line numbers (the other
 * section's lines blanked), so errors point into the file.
 *
 * A Go migration cannot be run by cutover: it is reported as a gap (a
 * notice naming its version) and never skipped silently.
 */
import { CutoverError } from '../../errors.js';
import { numericOrder } from './order.js';
import { collectFiles, type FileKind } from './collect-files.js';
import type { FoundMigration, MigrationFormat, ReadText } from './types.js';

const INT64_MAX = 9223372036854775807n;

/** goose's supported annotations, in the spelling its messages use. */
const ANNOTATIONS = ['Up', 'Down', 'StatementBegin', 'StatementEnd', 'NO TRANSACTION', 'ENVSUB ON', 'ENVSUB OFF'] as const;
type Annotation = (typeof ANNOTATIONS)[number];

/**
 * goose's `NumericComponent`: the version of `<n>_<name>.sql|.go`, or why it is not a migration name.
 *
 * @example
 * gooseVersion('00042_add_users.sql'); // 42n
 */
export function gooseVersion(file: string): bigint | string {
  if (!file.endsWith('.sql') && !file.endsWith('.go')) return 'not a .sql or .go file';
  const cut = file.indexOf('_');
  if (cut < 0) return "no '_' after the version";
  const prefix = file.slice(0, cut);
  // strconv.ParseInt takes an optional sign.
  if (!/^[+-]?\d+$/.test(prefix)) return `"${prefix}" is not a number`;
  const version = BigInt(prefix);
  if (version > INT64_MAX) return `${prefix} does not fit in an int64`;
  if (version < 1n) return 'the version must be greater than zero';
  return version;
}

/** goose's `extractAnnotation`: the annotation of a `-- +goose …` line, or what is wrong with it. */
function annotationOf(line: string): Annotation | string {
  if (line.startsWith(' ') || line.startsWith('\t')) return 'an annotation must not be indented';
  const command = line.replaceAll('--', '').replace('+goose', '');
  if (command.includes('+goose')) return 'more than one "+goose" on the line';
  const word = command.trim();
  if (word === '') return 'an empty annotation';
  return ANNOTATIONS.find((a) => a.toLowerCase() === word.toLowerCase()) ?? `"${word}" is not a goose annotation`;
}

type State = 'start' | 'up' | 'up-block' | 'down' | 'down-block';

/** Go's `strings.TrimSpace` / `bufio.ScanWords` blanks. */
const isBlank = (text: string) => /^[\t\n\v\f\r \u0085\u00a0]*$/.test(text);

/** goose's `endsWithSemicolon`: the last word before a `--` word ends with `;`. */
function endsWithSemicolon(line: string): boolean {
  let previous = '';
  for (const word of line.split(/[\t\n\v\f\r \u0085\u00a0]+/).filter(Boolean)) {
    if (word.startsWith('--')) break;
    previous = word;
  }
  return previous.endsWith(';');
}

/** A goose file taken apart: where its sections start, whether it runs in a transaction, or what goose says is wrong. */
export interface GooseSections {
  /** Index (0-based) of the `-- +goose Down` line, if any. */
  downLine?: number;
  transaction: boolean;
}

interface Failure {
  line: number;
  reason: string;
  message: string;
}

/**
 * Read a goose file's annotations as goose's parser does, for both directions.
 *
 * @example
 * gooseSections('-- +goose Up\nCREATE TABLE a ();\n-- +goose Down\nDROP TABLE a;\n'); // { downLine: 2, transaction: true }
 */
export function gooseSections(text: string): GooseSections | Failure {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let state: State = 'start';
  let transaction = true;
  let downLine: number | undefined;
  let blockLine = 0;
  let pending = ''; // the up section's statement not yet ended by a `;` line
  let pendingLine = 0;
  const fail = (line: number, reason: string, message: string): Failure => ({ line: line + 1, reason, message });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (state === 'start' && isBlank(line)) continue;
    if (line.trim().startsWith('--') && line.includes('+goose')) {
      const annotation = annotationOf(line);
      switch (annotation) {
        case 'Up':
          if (state !== 'start') return fail(i, 'repeated-section', 'a second `-- +goose Up` annotation (goose refuses the file too)');
          state = 'up';
          continue;
        case 'Down':
          if (state !== 'up') {
            return state === 'start'
              ? fail(i, 'down-before-up', '`-- +goose Down` before `-- +goose Up` (goose refuses the file too)')
              : fail(i, state.endsWith('block') ? 'unbalanced-statement-begin' : 'repeated-section', state.endsWith('block')
                ? `\`-- +goose Down\` inside the StatementBegin block opened on line ${blockLine + 1} (goose refuses the file too)`
                : 'a second `-- +goose Down` annotation (goose refuses the file too)');
          }
          if (!isBlank(pending)) return fail(pendingLine, 'missing-semicolon', 'the up section ends in a statement without a final `;` (goose refuses the file too: "missing semicolon?")');
          state = 'down';
          downLine = i;
          continue;
        case 'StatementBegin':
          if (state !== 'up' && state !== 'down') {
            return state === 'start'
              ? fail(i, 'statement-before-up', '`-- +goose StatementBegin` before `-- +goose Up` (goose refuses the file too)')
              : fail(i, 'unbalanced-statement-begin', `\`-- +goose StatementBegin\` inside the block opened on line ${blockLine + 1}, which has no StatementEnd yet (goose refuses the file too)`);
          }
          state = state === 'up' ? 'up-block' : 'down-block';
          blockLine = i;
          continue;
        case 'StatementEnd':
          if (state !== 'up-block' && state !== 'down-block') return fail(i, 'unbalanced-statement-end', '`-- +goose StatementEnd` without a `-- +goose StatementBegin` before it (goose refuses the file too)');
          if (state === 'up-block') pending = '';
          state = state === 'up-block' ? 'up' : 'down';
          continue;
        case 'NO TRANSACTION':
          transaction = false;
          continue;
        case 'ENVSUB ON':
          return fail(i, 'envsub', '`-- +goose ENVSUB ON`: cutover does not substitute environment variables into SQL');
        case 'ENVSUB OFF':
          continue;
        default:
          return fail(i, 'bad-annotation', `${annotation} (goose refuses the file too)`);
      }
    }
    if (pending === '' && (line.trim().startsWith('--') || line === '')) continue;
    if (state === 'start') return fail(i, 'statement-before-up', 'SQL before the `-- +goose Up` annotation (goose refuses the file too)');
    if (pending === '') pendingLine = i;
    if (state === 'up') pending = endsWithSemicolon(line) ? '' : `${pending}${line}\n`;
    else if (state === 'up-block') pending = `${pending}${line}\n`;
  }
  if (state === 'start') return fail(0, 'missing-up', 'no `-- +goose Up` annotation (goose refuses the file too)');
  if (state === 'up-block' || state === 'down-block') {
    return fail(blockLine, 'unbalanced-statement-begin', '`-- +goose StatementBegin` without a `-- +goose StatementEnd` after it (goose refuses the file too)');
  }
  if (state === 'up' && !isBlank(pending)) return fail(pendingLine, 'missing-semicolon', 'the up section ends in a statement without a final `;` (goose refuses the file too: "missing semicolon?")');
  return { ...(downLine === undefined ? {} : { downLine }), transaction };
}

const HINT = 'A goose file is `-- +goose Up` and its statements, then optionally `-- +goose Down` and its statements; statements holding `;` (PL/pgSQL bodies) go between `-- +goose StatementBegin` and `-- +goose StatementEnd`, each on its own line, not indented (https://pressly.github.io/goose/documentation/annotations/).';

/** Blank every line outside [from, to), keeping the line breaks. */
function keepLines(lines: readonly string[], from: number, to: number): string {
  return lines.map((line, i) => (i >= from && i < to ? line : '')).join('\n');
}

/** Whether lines hold nothing but blanks and `--` comments. */
const onlyComments = (lines: readonly string[]) => lines.every((line) => /^\s*(--.*)?$/.test(line));

/**
 * One goose SQL file as a migration, or the problem with it.
 *
 * @example
 * gooseMigration('00001_init.sql', 1n, '-- +goose Up\nCREATE TABLE a ();\n');
 */
export function gooseMigration(file: string, version: bigint, text: string): FoundMigration | CutoverError {
  const sections = gooseSections(text);
  if ('reason' in sections) {
    return new CutoverError('BAD_SECTIONS', `${file}:${sections.line}: ${sections.message}`, {
      hint: sections.reason === 'envsub' ? 'Write the values into the file, or run this migration with goose.' : HINT,
      details: { file, line: sections.line, reason: sections.reason },
    });
  }
  const lines = text.split('\n');
  const downLine = sections.downLine ?? lines.length;
  const transaction = sections.transaction ? {} : { transaction: false };
  const name = file.slice(file.indexOf('_') + 1, -'.sql'.length);
  const up = { file, text: keepLines(lines, 0, downLine), ...transaction };
  const down = lines.slice(downLine + 1);
  if (sections.downLine === undefined || onlyComments(down)) return { version: version.toString(), name, up };
  return { version: version.toString(), name, up, down: { file, text: keepLines(lines, downLine, lines.length), ...transaction } };
}

/** goose's file names: `.sql` migrations, `.go` ones (gaps), and the names it skips. */
function classify(file: string): FileKind {
  if (!file.endsWith('.sql') && !file.endsWith('.go')) {
    return file.toLowerCase().endsWith('.sql') ? { notice: { kind: 'ignored', file, reason: 'goose reads only names ending in .sql (lower case)' } } : undefined;
  }
  if (file.endsWith('_test.go')) return undefined;
  const version = gooseVersion(file);
  if (typeof version === 'string') {
    // A .go file without a version is Go code beside the migrations (helpers), as goose intends.
    return file.endsWith('.sql') ? { notice: { kind: 'ignored', file, reason: `not a goose migration name (<version>_<name>.sql): ${version}; goose skips it` } } : undefined;
  }
  if (file.endsWith('.go')) {
    return { notice: { kind: 'gap', file, version: version.toString(), reason: 'a Go migration: goose runs it in this place of the sequence; cutover cannot run Go code' } };
  }
  return { version: version.toString() };
}

const collect = (paths: readonly string[], read: ReadText) => collectFiles(paths, read, {
  classify,
  parse: (file, version, text) => gooseMigration(file, BigInt(version), text),
  duplicate: (file, other, version) => new CutoverError('DUPLICATE_VERSION', `${file}: version ${version} is also used by ${other} (goose refuses the directory too)`, {
    hint: 'Each version may appear once among the .sql and .go files. Renumber one of them (goose create writes timestamp versions; goose fix renumbers).', details: { file, other, version },
  }),
});

/**
 * goose's layout (docs/formats.md#goose).
 *
 * @example
 * await loadMigrations(directorySource('migrations'), { format: 'goose' });
 */
export const gooseFormat: MigrationFormat = {
  id: 'goose',
  layout: '<version>_<name>.sql with -- +goose Up / Down annotations (goose)',
  order: numericOrder,
  collect,
};
