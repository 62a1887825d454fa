/**
 * Where verdicts are kept: a cache directory (one JSON file per key, written
 * atomically: a temporary file, then a rename), verdicts embedded in a bundle,
 * or both. A store never fails its caller: a directory that cannot be read
 * or written just means no cache, and a file that is corrupt, truncated or
 * foreign (another shape, another version) is not used, and is rewritten by
 * the next parse of its text.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Statement } from '../sql/statements.js';
import { fromVerdict, textSha, toVerdict, verdictKey, verdictVersions, type Verdict, type VerdictVersions } from './verdict.js';

/** Verdicts by text: what the parser said about it before, or undefined. */
export interface VerdictStore {
  /** Whether a verdict for `sql` may be there (cheap: no read). */
  has(sql: string): boolean;
  /** The statements of `sql` from its verdict (with parse trees when `trees`), or undefined. */
  get(sql: string, trees: boolean): Statement[] | undefined;
  /** Keep the verdict of a parse of `sql` (`trees`: the statements' parse trees are real). */
  put(sql: string, statements: readonly Statement[], trees: boolean): void;
  /** The verdict of `sql` as stored, for a bundle to embed. */
  verdict(sql: string): Verdict | undefined;
  /** A whole run's result kept under `key` (offline lint: ../lint/report-cache.ts), or undefined. */
  result(key: string): unknown;
  /** Keep a whole run's result under `key`. */
  keepResult(key: string, value: unknown): void;
}

/**
 * Texts larger than this get no verdict: their parse trees would make a verdict many times the
 * text's size, held whole to be written (a 50 MB data load: issue 16.9); they are parsed each run.
 */
export const VERDICT_MAX_CHARS = 1 << 20;

/** Hashes are asked for the same texts several times in a run (has, get, put): computed once each. */
function shaOf(): (sql: string) => string {
  const known = new Map<string, string>();
  return (sql) => {
    let sha = known.get(sql);
    if (sha === undefined) known.set(sql, (sha = textSha(sql)));
    return sha;
  };
}

/**
 * A store in `dir` (created when first written). `onNote` hears why the
 * cache is not used, once (a read-only directory): never an error.
 *
 * @example
 * const store = directoryStore('node_modules/.cache/cutover');
 */
export function directoryStore(dir: string, options: { versions?: VerdictVersions; onNote?: (note: string) => void } = {}): VerdictStore {
  // Found when first needed: a run with nothing pending reads no package.json for them.
  let known = options.versions;
  const versions = () => (known ??= verdictVersions());
  const sha = shaOf();
  const pathOf = (sql: string) => join(dir, `${verdictKey(sha(sql), versions())}.json`);
  let writable = true;
  let made = false;
  const read = (sql: string): unknown => readJson(pathOf(sql));
  // A result's key is made by its caller from the inputs; the versions go in here.
  const resultPath = (key: string) => join(dir, `result-${verdictKey(key, versions())}.json`);
  const readJson = (path: string): unknown => {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined; // missing, unreadable, truncated or not JSON: nothing kept
    }
  };
  const write = (path: string, verdict: unknown) => {
    if (!writable) return;
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      if (!made) mkdirSync(dir, { recursive: true });
      made = true;
      writeFileSync(temporary, JSON.stringify(verdict));
      renameSync(temporary, path); // readers see the old file or the whole new one, never half of it
    } catch (error) {
      writable = false; // one note, not one per file
      try {
        unlinkSync(temporary);
      } catch {
        // never written
      }
      options.onNote?.(`verdict cache ${dir} not written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): files are parsed on every run`);
    }
  };
  return {
    has: (sql) => existsSync(pathOf(sql)),
    get: (sql, trees) => fromVerdict(read(sql), sql, { trees, versions: versions(), sha: sha(sql) }),
    put(sql, statements, trees) {
      if (sql.length > VERDICT_MAX_CHARS) return;
      // A verdict with trees serves both uses: never replaced by one without.
      if (!trees && fromVerdict(read(sql), sql, { trees: true, versions: versions(), sha: sha(sql) })) return;
      write(pathOf(sql), toVerdict(sql, statements, trees, versions(), sha(sql)));
    },
    verdict(sql) {
      const stored = read(sql) as Verdict | undefined;
      return fromVerdict(stored, sql, { trees: false, versions: versions(), sha: sha(sql) }) ? stored : undefined;
    },
    result(key) {
      const stored = readJson(resultPath(key)) as { key?: unknown; value?: unknown } | undefined;
      return stored?.key === key ? stored.value : undefined;
    },
    keepResult: (key, value) => write(resultPath(key), { key, value }),
  };
}

/**
 * A store over verdicts embedded in a bundle (read-only), in front of `next` (the cache).
 * A verdict made with other versions than these is not used.
 *
 * @example
 * const store = embeddedStore(bundle.flatMap((f) => f.verdicts ?? []), directoryStore(dir));
 */
export function embeddedStore(verdicts: readonly (Verdict | string)[], next?: VerdictStore, versions = verdictVersions()): VerdictStore {
  const bySha = new Map<string, unknown>();
  for (const entry of verdicts) {
    try {
      const verdict = (typeof entry === 'string' ? JSON.parse(entry) : entry) as { sha?: unknown };
      if (typeof verdict?.sha === 'string') bySha.set(verdict.sha, verdict);
    } catch {
      // a damaged entry: its file is parsed
    }
  }
  const sha = shaOf();
  const own = (sql: string, trees: boolean) => fromVerdict(bySha.get(sha(sql)), sql, { trees, versions, sha: sha(sql) });
  return {
    has: (sql) => bySha.has(sha(sql)) || (next?.has(sql) ?? false),
    get: (sql, trees) => own(sql, trees) ?? next?.get(sql, trees),
    put: (sql, statements, trees) => next?.put(sql, statements, trees),
    verdict: (sql) => (own(sql, false) ? (bySha.get(sha(sql)) as Verdict) : next?.verdict(sql)),
    result: (key) => next?.result(key),
    keepResult: (key, value) => next?.keepResult(key, value),
  };
}
