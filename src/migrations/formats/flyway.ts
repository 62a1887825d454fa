/**
 * Flyway's SQL layout with its default names (ResourceNameParser,
 * MigrationInfoHelper, MigrationVersion): `V<version>__<description>.sql`
 * versioned migrations, `R__<description>.sql` repeatables,
 * `U<version>__<description>.sql` undo scripts, and per-script
 * `<script>.sql.conf` settings. A version is dot- or underscore-separated
 * whole numbers (`1_2` is `1.2`, as flyway_schema_history shows it),
 * compared part by part with trailing zeros ignored, so `1.0` and `1` are
 * the same version. Locations are scanned recursively (sub-folders).
 * Flyway skips a name it cannot place (validateMigrationNaming is off by
 * default): cutover skips it too and lists it (`plan --verbose`), and says
 * so on every run for a name that looks meant as a migration (`v1__x.sql`,
 * `V1__x.SQL`) and for a Java migration, which is a gap in the sequence.
 * A comment-only script is a no-op, as in Flyway. Callbacks, placeholders
 * and Teams-only settings are refused with a hint.
 */
import { CutoverError } from '../../errors.js';
import { refusingTransaction } from './no-transaction.js';
import { flywayOrder, REPEATABLE_PREFIX } from './order.js';
import type { Collected, FoundMigration, FoundScript, FormatNotice, MigrationFormat, ReadText } from './types.js';

/** A script name taken apart as Flyway does. */
export interface FlywayName {
  kind: 'versioned' | 'undo' | 'repeatable';
  /** As flyway_schema_history shows it (`1.2`); a repeatable's is `R__` and its description as in the file name. */
  version: string;
  /** The part after `__`, underscores turned into spaces. */
  description: string;
}

/** A name Flyway leaves alone (`warn`: one that looks meant as a migration, said on every run). */
export interface FlywayIgnored {
  ignored: string;
  warn?: boolean;
}

/** A name Flyway cannot place, and what to do. */
export interface FlywayNameProblem {
  problem: string;
  hint: string;
}

const RENAME = 'Name it V<version>__<description>.sql (versioned), R__<description>.sql (repeatable) or U<version>__<description>.sql (undo). Flyway would skip this file without a word; cutover never skips a .sql file: move it out of the directory, or give it another extension if it is not a migration.';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Take a script name apart as Flyway does with its default prefixes (`V`,
 * `R`, `U`), separator (`__`) and suffix (`.sql`). The version is shown as
 * Flyway stores it (`1_2` → `1.2`); a repeatable's version is `R__` and its
 * description as written in the file name.
 *
 * @example
 * parseFlywayName('V1_2__add_users.sql'); // { kind: 'versioned', version: '1.2', description: 'add users' }
 * parseFlywayName('R__users_view.sql');   // { kind: 'repeatable', version: 'R__users_view', description: 'users view' }
 */
export function parseFlywayName(path: string): FlywayName | 'ignored' | FlywayNameProblem | FlywayIgnored {
  const file = baseName(path);
  if (!file.toLowerCase().endsWith('.sql')) return 'ignored';
  if (!file.endsWith('.sql')) return { ignored: 'Flyway reads only names ending in .sql (lower case)', warn: true };
  const stem = file.slice(0, -'.sql'.length);
  if (/^(before|after)[A-Z]\w*?(__.*)?$|^createSchema(__.*)?$/.test(stem)) {
    return {
      problem: `${path}: a Flyway callback script (${stem.split('__')[0]}); cutover does not run callbacks`,
      hint: 'Move it out of the migrations directory. If its SQL must run once, make it a versioned migration; if it must run whenever it changes, a repeatable (R__<description>.sql).',
    };
  }
  const prefix = stem[0];
  if (prefix !== 'V' && prefix !== 'U' && prefix !== 'R') {
    if (/^B\d/.test(stem)) return { problem: `${path}: a Flyway baseline migration (B prefix), which cutover does not read`, hint: 'Baseline the database with `cutover adopt --baseline <version>` (docs/adopt.md), and move the file out of the directory.' };
    if (/^[vur](\d|__)/.test(stem)) return { ignored: 'not a Flyway migration name: the prefix is upper case (V, R or U)', warn: true };
    return { ignored: 'not a Flyway migration name (V<version>__, R__ or U<version>__)' };
  }
  const rest = stem.slice(1);
  const separator = rest.indexOf('__');
  // No separator: the whole rest is the version and the description is empty, as in Flyway.
  const version = separator < 0 ? rest : rest.slice(0, separator);
  const rawDescription = separator < 0 ? '' : rest.slice(separator + 2);
  const description = rawDescription.replace(/_/g, ' ');
  if (prefix === 'R') {
    if (version !== '') return { problem: `${path}: a repeatable migration has no version ("${version}" before the __)`, hint: `Rename it to R__${rawDescription || 'description'}.sql.` };
    return { kind: 'repeatable', version: `${REPEATABLE_PREFIX}${rawDescription}`, description };
  }
  const kind = prefix === 'V' ? 'versioned' : 'undo';
  // Flyway's own rule: a name after V/U that does not start with a digit or the separator is no migration (a file called Views.sql).
  if (version !== '' && !/^\d/.test(version)) return { ignored: 'not a Flyway migration name (V<version>__, R__ or U<version>__)' };
  if (version === '') return { problem: `${path}: a ${kind} migration needs a version`, hint: `Rename it like ${prefix}1.2__${rawDescription || 'description'}.sql.` };
  if (!/^\d+([._]\d+)*$/.test(version)) {
    return { problem: `${path}: "${version}" is not a Flyway version (whole numbers separated by . or _)`, hint: 'A Flyway version is whole numbers separated by . or _ (1, 1.2, 1_2, 20260101120000): rename the file.' };
  }
  return { kind, version: version.replace(/_/g, '.'), description };
}

/** A script's settings from its `.sql.conf`. */
export interface ScriptConfig {
  /** `executeInTransaction`, when set. */
  transaction?: boolean;
  /** `placeholderReplacement` (default true, as in Flyway). */
  placeholders: boolean;
}

/**
 * Read a Flyway script config file (`key=value` lines, `#` or `!` comments).
 * Flyway knows `executeInTransaction`, `encoding`, `placeholderReplacement`
 * and the Teams-only `shouldExecute`, and refuses any other key ("Unknown
 * configuration property"); cutover does the same, and also refuses what it
 * cannot honour: an encoding other than UTF-8, and `shouldExecute`.
 *
 * @example
 * parseScriptConfig('executeInTransaction=false\n', 'V2__index.sql.conf'); // { transaction: false, placeholders: true }
 */
export function parseScriptConfig(text: string, file: string): ScriptConfig | CutoverError {
  const config: ScriptConfig = { placeholders: true };
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const bad = (message: string, hint: string, key?: string) => new CutoverError('BAD_METADATA', `${file}:${index + 1}: ${message}`, {
      hint, details: { file, line: index + 1, ...(key ? { key } : {}) },
    });
    const cut = line.search(/[=:]/);
    if (cut < 0) return bad(`"${line}" is not a key=value setting`, 'Write settings as key=value, e.g. executeInTransaction=false.');
    const key = line.slice(0, cut).trim();
    const value = line.slice(cut + 1).trim();
    const boolean = () => (value === 'true' ? true : value === 'false' ? false : undefined);
    if (key === 'executeInTransaction' || key === 'placeholderReplacement') {
      const flag = boolean();
      if (flag === undefined) return bad(`${key} must be true or false, not "${value}" (Flyway refuses it too)`, `Write ${key}=true or ${key}=false.`, key);
      if (key === 'executeInTransaction') config.transaction = flag;
      else config.placeholders = flag;
    } else if (key === 'encoding') {
      if (!/^utf-?8$/i.test(value)) return bad(`encoding=${value}: cutover reads scripts as UTF-8 only`, 'Convert the script to UTF-8 (iconv -f <encoding> -t utf-8) and remove the encoding line.', key);
    } else if (key === 'shouldExecute') {
      return bad('shouldExecute (Flyway Teams) makes a migration conditional; cutover runs every migration', 'Remove the setting, and move a migration that must not run here out of the directory.', key);
    } else {
      return bad(`unknown setting "${key}" (Flyway refuses it too: "Unknown configuration property")`, 'A script config knows executeInTransaction, encoding and placeholderReplacement.', key);
    }
  }
  return config;
}

/** Flyway's default placeholder syntax, `${name}`: replaced by Flyway, never by cutover. */
const PLACEHOLDER = /\$\{[^}\n]*\}/;

function placeholderProblem(file: string, text: string): CutoverError | undefined {
  const match = PLACEHOLDER.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split('\n').length;
  return new CutoverError('PLACEHOLDER', `${file}:${line}: ${match[0]} is a Flyway placeholder, and cutover does not replace placeholders`, {
    hint: 'Write the value itself (cutover pins search_path to the target schema, so `${flyway:defaultSchema}.` can usually go). If the text is meant literally, add placeholderReplacement=false to the script\'s .sql.conf.',
    details: { file, line, placeholder: match[0] },
  });
}

/** One script read with its config: what the planner needs, or the problems. */
async function readFlywayScript(file: string, conf: string | undefined, read: ReadText): Promise<FoundScript | CutoverError[]> {
  const [text, confText] = await Promise.all([read(file), conf ? read(conf) : undefined]);
  const problems = [text, confText].filter((x): x is CutoverError => x instanceof CutoverError);
  if (problems.length > 0 || typeof text !== 'string') return problems;
  const config = typeof confText === 'string' ? parseScriptConfig(confText, conf!) : { placeholders: true };
  if (config instanceof CutoverError) return [config];
  const placeholder = config.placeholders ? placeholderProblem(file, text) : undefined;
  if (placeholder) return [placeholder];
  // As Flyway: an explicit executeInTransaction wins; otherwise a statement PostgreSQL refuses in a transaction turns it off.
  const transaction = config.transaction ?? (refusingTransaction(text).some(Boolean) ? false : undefined);
  return { file, text, ...(transaction === undefined ? {} : { transaction }) };
}

interface Entry {
  file: string;
  name: FlywayName;
}

function duplicate(entry: Entry, other: Entry, what: string): CutoverError {
  return new CutoverError('DUPLICATE_VERSION', `${entry.file}: ${what} ${entry.name.kind === 'repeatable' ? `"${entry.name.description}"` : entry.name.version} is also used by ${other.file}`, {
    hint: entry.name.kind === 'repeatable'
      ? 'Flyway refuses two repeatables with one description too (underscores count as spaces): rename one.'
      : 'Flyway compares versions as numbers, part by part, so 1.0 and 1, 01 and 1 are the same version (it refuses them too): renumber one.',
    details: { file: entry.file, other: other.file, version: entry.name.version },
  });
}

/** Entries sorted in Flyway's order; each one equal to its predecessor is a problem. */
function sortUnique(entries: Entry[], what: string, problems: CutoverError[]): Entry[] {
  const key = (entry: Entry) => (entry.name.kind === 'repeatable' ? `${REPEATABLE_PREFIX}${entry.name.description}` : entry.name.version);
  const sorted = [...entries].sort((a, b) => flywayOrder.compare(key(a), key(b)) || (a.file < b.file ? -1 : 1));
  return sorted.filter((entry, index) => {
    const previous = sorted[index - 1];
    if (previous && flywayOrder.compare(key(previous), key(entry)) === 0) {
      problems.push(duplicate(entry, previous, what));
      return false;
    }
    return true;
  });
}

/** A Java (or other JVM) migration's file: it shares the version sequence, and cutover cannot run it. */
const JVM_MIGRATION = /^(V(\d+(?:[._]\d+)*)|R)__[^/]*\.(java|class|kt|scala|groovy)$/;

/** A non-SQL path Flyway leaves alone, or a JVM migration that is a gap in the sequence. */
function ignoredPath(file: string): FormatNotice | undefined {
  const jvm = JVM_MIGRATION.exec(baseName(file));
  if (jvm) {
    const what = jvm[2] ? `version ${jvm[2].replace(/_/g, '.')}` : 'a repeatable';
    return { kind: 'gap', file, ...(jvm[2] ? { version: jvm[2].replace(/_/g, '.') } : {}), reason: `a Flyway ${jvm[3]} migration (${what}): cutover runs SQL scripts only, so it is a gap in the sequence; run it with Flyway or port it to SQL` };
  }
  return file.endsWith('.sql.conf') ? undefined : { kind: 'ignored', file, reason: 'Flyway reads only .sql scripts' };
}

async function collect(paths: readonly string[], read: ReadText): Promise<Collected> {
  const problems: CutoverError[] = [];
  const notices: FormatNotice[] = [];
  const entries: Record<FlywayName['kind'], Entry[]> = { versioned: [], undo: [], repeatable: [] };
  const scripts = new Set<string>();
  for (const file of [...paths].sort()) {
    const name = parseFlywayName(file);
    if (name === 'ignored') {
      const notice = ignoredPath(file);
      if (notice) notices.push(notice);
      continue;
    }
    if ('ignored' in name) {
      notices.push({ kind: name.warn ? 'gap' : 'ignored', file, reason: name.ignored });
      continue;
    }
    if ('problem' in name) {
      problems.push(new CutoverError('BAD_FILENAME', name.problem, { hint: name.hint, details: { file } }));
      continue;
    }
    scripts.add(file);
    entries[name.kind].push({ file, name });
  }
  const confs = new Set(paths.filter((path) => path.endsWith('.sql.conf')));
  for (const conf of confs) {
    if (scripts.has(conf.slice(0, -'.conf'.length))) continue;
    problems.push(new CutoverError('BAD_METADATA', `${conf}: a script config without its script ${conf.slice(0, -'.conf'.length)}`, {
      hint: 'Rename it along with its script (<script>.sql.conf), or delete it: its settings apply to nothing.', details: { file: conf },
    }));
  }

  const versioned = sortUnique(entries.versioned, 'version', problems);
  const undos = sortUnique(entries.undo, 'undo version', problems);
  const repeatables = sortUnique(entries.repeatable, 'repeatable', problems);
  const script = (file: string) => readFlywayScript(file, confs.has(`${file}.conf`) ? `${file}.conf` : undefined, read);

  const downs = new Map<Entry, Entry>();
  for (const undo of undos) {
    const target = versioned.find((entry) => flywayOrder.compare(entry.name.version, undo.name.version) === 0);
    if (target) downs.set(target, undo);
    else {
      problems.push(new CutoverError('MISSING_UP', `${undo.file}: undo script for version ${undo.name.version}, which has no V${undo.name.version}__…sql`, {
        hint: 'Add the versioned migration, or delete the stray undo script (Flyway refuses it too).', details: { file: undo.file, version: undo.name.version },
      }));
    }
  }

  const found = await Promise.all([...versioned, ...repeatables].map(async (entry): Promise<FoundMigration | undefined> => {
    const undo = downs.get(entry);
    const [up, down] = await Promise.all([script(entry.file), undo ? script(undo.file) : undefined]);
    if (Array.isArray(up)) problems.push(...up);
    if (Array.isArray(down)) problems.push(...down);
    if (Array.isArray(up) || Array.isArray(down)) return undefined;
    return {
      version: entry.name.version, name: entry.name.description, up,
      ...(down ? { down } : {}), ...(entry.name.kind === 'repeatable' ? { repeatable: true } : {}),
    };
  }));
  return { found: found.filter((entry): entry is FoundMigration => entry !== undefined), problems, notices };
}

/**
 * Flyway's layout (docs/formats.md#flyway).
 *
 * @example
 * await loadMigrations(directorySource('db/migration'), { format: 'flyway' });
 */
export const flywayFormat: MigrationFormat = {
  id: 'flyway',
  layout: 'V<version>__<description>.sql, R__<description>.sql, U<version>__<description>.sql',
  order: flywayOrder,
  collect,
  emptyFiles: 'no-op',
};
