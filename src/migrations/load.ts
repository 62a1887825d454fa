/**
 * Turn a {@link MigrationSource} into migrations: the layout (cutover's own
 * or another tool's, src/migrations/formats), pairs, directives, checksums.
 * Every problem in every file is collected and thrown together (exit 2),
 * before anything touches a database. SQL parsing is separate (src/sql) and
 * happens only for pending migrations.
 */
import { CutoverError, throwAll } from '../errors.js';
import { normalizeText, scriptChecksums } from './checksum.js';
import { controlCharacterProblem } from './control-characters.js';
import { parseDirectives } from './directives.js';
import { checkSum, SUM_FILE } from './sum.js';
import { sqlxChecksum, sqlxFormatProblem, sqlxTransactionProblem } from './sqlx-rules.js';
import { detectFormat, type Detection } from './formats/detect.js';
import { MIGRATION_FORMATS, versionOrder } from './formats/index.js';
import type { FormatId, FormatNotice, FormatOption, FoundScript, MigrationFormat } from './formats/types.js';
import type { Migration, MigrationScript, MigrationSource } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Keeps a BOM, as Rust's read_to_string does (sqlx's `-- no-transaction` test sees it). */
const rawText = new TextDecoder('utf-8', { ignoreBOM: true });

function decode(bytes: Uint8Array | string, file: string): string | CutoverError {
  if (typeof bytes === 'string') return bytes;
  try {
    return utf8.decode(bytes);
  } catch {
    return new CutoverError('NOT_UTF8', `${file}: not valid UTF-8`, {
      hint: 'Save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`).',
      details: { file },
    });
  }
}

/**
 * Build one script from a file's contents.
 *
 * @example
 * readScript('1_a.sql', 'CREATE TABLE a ();\n');
 */
export function readScript(file: string, contents: Uint8Array | string, transaction?: boolean, original?: string, emptyFiles: MigrationFormat['emptyFiles'] = 'refuse'): MigrationScript | CutoverError[] {
  const text = decode(contents, file);
  if (text instanceof CutoverError) return [text];
  const sql = normalizeText(text);
  const control = controlCharacterProblem(file, sql);
  if (control) return [control];
  if (sql.trim() === '' && emptyFiles === 'refuse') {
    return [new CutoverError('EMPTY_FILE', `${file}: the file is empty`, { hint: 'Write the migration, or delete the file.', details: { file } })];
  }
  const { directives, problems } = parseDirectives(sql, file);
  if (problems.length > 0) return problems;
  // The layout's own "no transaction" (diesel's metadata.toml, dbmate's transaction:false) and the directive both count.
  if (transaction === false) directives.transaction = false;
  // A layout that rewrote the text (golang-migrate's own BEGIN/COMMIT) keeps the file's checksum.
  return { file, sql, ...scriptChecksums(original ?? sql), ...directives, ...(emptyFiles === 'no-op' ? { emptyIsNoOp: true } : {}) };
}

/** Options of {@link loadMigrations}. */
export interface LoadOptions {
  /** The layout, or `auto` (the default): detected from the paths. */
  format?: FormatOption;
  /** Told which layout `auto` chose, and why. */
  onDetect?: (detection: Detection & { location: string }) => void;
  /**
   * Told of each file the layout's tool skips (`ignored`) and each migration
   * in another language that cutover cannot run (`gap`): never skipped silently.
   */
  onNotice?: (notice: FormatNotice & { location: string }) => void;
  /**
   * The checksum rule: `cutover` (default: SHA-256 of the normalised text) or
   * `sqlx` (SHA-384 of the file's raw contents, for `--ledger sqlx`, which
   * also requires a numeric layout and sqlx's own `-- no-transaction` marker:
   * docs/sqlx-ledger.md).
   */
  checksum?: 'cutover' | 'sqlx';
  /**
   * Check the directory against its `cutover.sum`, when it has one (SUM_* errors, exit 2);
   * `strict` (lint, the CI check) also refuses files whose content is not recorded yet.
   */
  sum?: boolean | 'strict';
}

function unknownFormat(format: string, location: string): CutoverError {
  return new CutoverError('CONFIG', `format "${format}" cannot be read yet (${location})`, {
    hint: `Known layouts: ${Object.keys(MIGRATION_FORMATS).join(', ')}.`, details: { format },
  });
}

/**
 * Read every migration from a source, sorted by version in its layout's
 * order. Throws a {@link CutoverError} (or several) naming each bad file.
 *
 * @example
 * const migrations = await loadMigrations(directorySource('./migrations'));
 * const dieselOnes = await loadMigrations(directorySource('./migrations'), { format: 'diesel' });
 */
export async function loadMigrations(source: MigrationSource, options: LoadOptions = {}): Promise<Migration[]> {
  const paths = await source.list();
  const texts = new Map<string, Promise<string | CutoverError>>();
  const raws = new Map<string, Promise<Uint8Array | string>>();
  const readRaw = (path: string) => {
    let raw = raws.get(path);
    if (!raw) raws.set(path, (raw = Promise.resolve(source.read(path))));
    return raw;
  };
  const read = (path: string) => {
    let text = texts.get(path);
    if (!text) {
      text = readRaw(path).then((bytes) => {
        const decoded = decode(bytes, path);
        if (decoded instanceof CutoverError) return decoded;
        const normalized = normalizeText(decoded);
        return controlCharacterProblem(path, normalized) ?? normalized;
      });
      texts.set(path, text);
    }
    return text;
  };

  let formatId: FormatId;
  if (options.format === undefined || options.format === 'auto') {
    const detection = await detectFormat(paths, read, source.location);
    formatId = detection.format;
    options.onDetect?.({ ...detection, location: source.location });
  } else formatId = options.format;
  const sqlx = options.checksum === 'sqlx';
  if (sqlx) {
    const problem = sqlxFormatProblem(formatId, source.location);
    if (problem) throw problem;
  }
  const format = MIGRATION_FORMATS[formatId];
  if (!format) throw unknownFormat(formatId, source.location);

  const { found, problems, notices = [] } = await format.collect(paths, read);
  const script = (found: FoundScript) => readScript(found.file, found.text, found.transaction, found.original, format.emptyFiles);
  const migrations: Migration[] = [];
  for (const entry of found) {
    const up = script(entry.up);
    const down = entry.down ? script(entry.down) : undefined;
    if (Array.isArray(up)) problems.push(...up);
    if (Array.isArray(down)) problems.push(...down);
    if (Array.isArray(up) || Array.isArray(down)) continue;
    if (sqlx) {
      // sqlx hashes and reads the file as it is on disk: BOM and CRLF included.
      const raw = await readRaw(entry.up.file);
      const problem = sqlxTransactionProblem(entry.up.file, typeof raw === 'string' ? raw : rawText.decode(raw), up.transaction);
      if (problem) problems.push(problem);
      up.checksum = sqlxChecksum(raw);
      delete up.fileChecksum; // sqlx's own rule: the raw file, lint-ignore lines included
    }
    migrations.push({
      ...up, version: entry.version, name: entry.name, format: formatId,
      ...(entry.repeatable ? { repeatable: true } : {}), ...(entry.toolKey === undefined ? {} : { toolKey: entry.toolKey }), ...(down ? { down } : {}),
    });
  }
  throwAll(problems);
  for (const notice of notices) options.onNotice?.({ ...notice, location: source.location });
  const order = versionOrder(formatId);
  migrations.sort((a, b) => order.compare(a.version, b.version));
  if (options.sum && paths.includes(SUM_FILE)) {
    const text = decode(await readRaw(SUM_FILE), SUM_FILE);
    throwAll(text instanceof CutoverError ? [text] : checkSum(migrations, text, source.location, { strict: options.sum === 'strict' }));
  }
  return migrations;
}
