/**
 * Bundled migrations: the files of a migrations directory inside a
 * generated module, so an app built into a container without the folder
 * still migrates. `cutover bundle --out src/migrations.generated.ts` writes
 * the module; `migrate({ migrations, format })` accepts what it exports.
 * A bundle holds every file the layout reads, under its path in the
 * directory (`2017-09-23-182408_x/up.sql`, `x/metadata.toml`,
 * `V2__x.sql.conf`), so it reads exactly as the directory does.
 */
import type { FormatId } from './formats/types.js';
import { loadMigrations, type LoadOptions } from './load.js';
import type { Migration, MigrationSource } from './types.js';

/** One file in a bundle: its path in the migrations directory, and its text. */
export interface BundledFile {
  file: string;
  /** The file's text: a script's SQL, or a layout's settings file (metadata.toml, .sql.conf). */
  sql: string;
  /**
   * The verdict of its script (src/verdicts, JSON), so that a run from the bundle does not
   * parse it; one made by other versions of cutover or the parser is not used.
   */
  verdict?: string;
}

/**
 * A source over bundled files.
 *
 * @example
 * import { migrations } from './migrations.generated.js';
 * const source = bundleSource(migrations);
 */
export function bundleSource(files: readonly BundledFile[]): MigrationSource {
  const byName = new Map(files.map((entry) => [entry.file, entry.sql]));
  return {
    location: 'bundle',
    list: async () => [...byName.keys()],
    read: async (name) => byName.get(name)!,
  };
}

/** What a bundle holds: the layout, its migrations, and every file read for them. */
export interface Bundle {
  format: FormatId;
  migrations: Migration[];
  files: BundledFile[];
}

// BOM kept and CRLF kept: the bundle holds the text as on disk, so every checksum rule
// (cutover's normalised SHA-256, sqlx's raw SHA-384) gives what the directory gives.
const asOnDisk = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Files in migration order (up, down, then that migration's settings files); the rest by path. */
function inMigrationOrder(paths: readonly string[], migrations: readonly Migration[]): string[] {
  const rank = new Map<string, [number, number]>();
  migrations.forEach((m, index) => {
    if (!rank.has(m.file)) rank.set(m.file, [index, 0]);
    if (m.down && !rank.has(m.down.file)) rank.set(m.down.file, [index, 1]);
  });
  const directory = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);
  const rankOf = (path: string): [number, number] => {
    const own = rank.get(path);
    if (own) return own;
    // A script's `.conf`, or a file in a migration's own directory (metadata.toml).
    const owner = [...rank].find(([file]) => path.startsWith(`${file}.`) || (directory(path) !== '' && directory(path) === directory(file)));
    return owner ? [owner[1][0], 2] : [Number.MAX_SAFE_INTEGER, 0];
  };
  return [...paths].sort((a, b) => {
    const [x, y] = [rankOf(a), rankOf(b)];
    return x[0] - y[0] || x[1] - y[1] || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/**
 * Read a source's migrations and every file its layout read for them, for
 * a bundle. Loading the result with `bundleSource` and the same `format`
 * gives the same migrations.
 *
 * @example
 * const { format, files } = await bundleMigrations(directorySource('migrations'));
 * await writeFile('src/migrations.generated.ts', renderBundle(files, { format }));
 */
export async function bundleMigrations(source: MigrationSource, options: LoadOptions = {}): Promise<Bundle> {
  const read = new Map<string, Uint8Array | string>();
  const recording: MigrationSource = {
    location: source.location,
    list: () => source.list(),
    read: async (name) => {
      const contents = await source.read(name);
      read.set(name, contents);
      return contents;
    },
  };
  let format: FormatId = options.format && options.format !== 'auto' ? options.format : 'cutover';
  const migrations = await loadMigrations(recording, {
    ...options,
    onDetect: (detection) => {
      format = detection.format;
      options.onDetect?.(detection);
    },
  });
  const files: BundledFile[] = [];
  for (const file of inMigrationOrder([...read.keys()], migrations)) {
    const contents = read.get(file)!;
    try {
      files.push({ file, sql: typeof contents === 'string' ? contents : asOnDisk.decode(contents) });
    } catch {
      // Not UTF-8, so not a script (those were checked): a marker file nothing reads the text of.
    }
  }
  return { format, migrations, files };
}

/** Options of {@link renderBundle}. */
export interface RenderBundleOptions {
  /** The layout, exported as `format` for `migrate({ migrations, format })`. */
  format?: FormatId;
}

/**
 * The text of a generated module holding `files` (TypeScript or JavaScript:
 * the output is valid in both, typed through literal inference).
 *
 * @example
 * renderBundle([{ file: '1_init.sql', sql: 'CREATE TABLE t ();\n' }], { format: 'cutover' });
 */
export function renderBundle(files: readonly BundledFile[], options: RenderBundleOptions = {}): string {
  // A BOM inside a literal is legal but invisible: spell it out.
  const literal = (text: string) => JSON.stringify(text).replace(/\uFEFF/g, '\\ufeff');
  // A verdict is JSON in a string: an object literal of parse trees would cost the app's type checker.
  const body = files.map((entry) => `  { file: ${literal(entry.file)}, sql: ${literal(entry.sql)}${entry.verdict === undefined ? '' : `, verdict: ${literal(entry.verdict)}`} },`).join('\n');
  return [
    '// Generated by `cutover bundle`. Do not edit: change the migration files and run it again.',
    ...(options.format ? [`export const format = ${literal(options.format)};`] : []),
    'export const migrations = [',
    body,
    '];',
    '',
  ].join('\n');
}
