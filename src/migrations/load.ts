/**
 * Turn a {@link MigrationSource} into migrations: the layout (cutover's own
 * or another tool's, src/migrations/formats), pairs, directives, checksums.
 * Every problem in every file is collected and thrown together (exit 2),
 * before anything touches a database. SQL parsing is separate (src/sql) and
 * happens only for pending migrations.
 */
import { CutoverError, throwAll } from '../errors.js';
import { checksum, normalizeText } from './checksum.js';
import { parseDirectives } from './directives.js';
import { detectFormat, type Detection } from './formats/detect.js';
import { MIGRATION_FORMATS, versionOrder } from './formats/index.js';
import type { FormatId, FormatOption, FoundScript } from './formats/types.js';
import type { Migration, MigrationScript, MigrationSource } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

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
export function readScript(file: string, contents: Uint8Array | string, transaction?: boolean): MigrationScript | CutoverError[] {
  const text = decode(contents, file);
  if (text instanceof CutoverError) return [text];
  const sql = normalizeText(text);
  if (sql.trim() === '') {
    return [new CutoverError('EMPTY_FILE', `${file}: the file is empty`, { hint: 'Write the migration, or delete the file.', details: { file } })];
  }
  const { directives, problems } = parseDirectives(sql, file);
  if (problems.length > 0) return problems;
  // The layout's own "no transaction" (diesel's metadata.toml, dbmate's transaction:false) and the directive both count.
  if (transaction === false) directives.transaction = false;
  return { file, sql, checksum: checksum(sql), ...directives };
}

/** Options of {@link loadMigrations}. */
export interface LoadOptions {
  /** The layout, or `auto` (the default): detected from the paths. */
  format?: FormatOption;
  /** Told which layout `auto` chose, and why. */
  onDetect?: (detection: Detection & { location: string }) => void;
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
  const read = (path: string) => {
    let text = texts.get(path);
    if (!text) {
      text = Promise.resolve(source.read(path)).then((bytes) => {
        const decoded = decode(bytes, path);
        return decoded instanceof CutoverError ? decoded : normalizeText(decoded);
      });
      texts.set(path, text);
    }
    return text;
  };

  let formatId: FormatId;
  if (options.format === undefined || options.format === 'auto') {
    const detection = await detectFormat(paths, read);
    formatId = detection.format;
    options.onDetect?.({ ...detection, location: source.location });
  } else formatId = options.format;
  const format = MIGRATION_FORMATS[formatId];
  if (!format) throw unknownFormat(formatId, source.location);

  const { found, problems } = await format.collect(paths, read);
  const script = (found: FoundScript) => readScript(found.file, found.text, found.transaction);
  const migrations: Migration[] = [];
  for (const entry of found) {
    const up = script(entry.up);
    const down = entry.down ? script(entry.down) : undefined;
    if (Array.isArray(up)) problems.push(...up);
    if (Array.isArray(down)) problems.push(...down);
    if (Array.isArray(up) || Array.isArray(down)) continue;
    migrations.push({
      ...up, version: entry.version, name: entry.name, format: formatId,
      ...(entry.repeatable ? { repeatable: true } : {}), ...(down ? { down } : {}),
    });
  }
  throwAll(problems);
  const order = versionOrder(formatId);
  return migrations.sort((a, b) => order.compare(a.version, b.version));
}
