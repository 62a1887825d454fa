/**
 * A file's verdict: what parsing its bytes said — the statements with their
 * boundaries, kinds, positions and text, what cannot run in a transaction
 * block and, for the linter, the parse trees. It depends only on the bytes
 * and the versions of cutover and the parser, so it is computed once and
 * kept (issue 19.1, DESIGN §3 "Verdicts"). What depends on the database
 * (table sizes, existing objects) or on the layout (the file's transaction
 * mode) is judged at run time from the verdict, as from a fresh parse.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageVersion } from '../version.js';
import type { AstNode, Statement } from '../sql/statements.js';

/** The verdict layout's own version: raised whenever what a verdict holds, or how it is computed, changes. */
export const VERDICT_FORMAT = 1;

/** What a verdict is valid for: its layout, cutover's version and the parser's. */
export interface VerdictVersions {
  format: number;
  cutover: string;
  parser: string;
}

/** A verdict as stored (in the cache, or embedded in a bundle). */
export interface Verdict extends VerdictVersions {
  /** SHA-256 (hex) of the parsed text (UTF-8). */
  sha: string;
  /** The statements without parse trees. */
  statements: Omit<Statement, 'node'>[];
  /** Each statement's parse tree (the linter reads them), when the parse kept them. */
  trees?: AstNode[];
}

/** libpg-query's version, from its package.json: found where `import('libpg-query')` would load it from, without loading it. */
function parserVersion(): string {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve('libpg-query'));
    for (let up = 0; up < 4; up++, dir = dirname(dir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === 'libpg-query' && manifest.version) return manifest.version;
      } catch {
        // not here: go up
      }
    }
  } catch {
    // not installed: no verdict can match
  }
  return 'unknown';
}

/**
 * The versions a verdict must have been made with to be used here.
 *
 * @example
 * verdictVersions(); // { format: 1, cutover: '0.1.0', parser: '18.1.5' }
 */
export function verdictVersions(): VerdictVersions {
  return { format: VERDICT_FORMAT, cutover: packageVersion(), parser: parserVersion() };
}

/**
 * SHA-256 (hex) of a text as UTF-8.
 *
 * @example
 * textSha('SELECT 1'); // 'e004ebd5…'
 */
export function textSha(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * The cache key of a text's verdict: its hash together with every version the verdict depends on.
 *
 * @example
 * verdictKey(textSha(sql), verdictVersions());
 */
export function verdictKey(sha: string, versions: VerdictVersions): string {
  return createHash('sha256').update(`${versions.format}\0${versions.cutover}\0${versions.parser}\0${sha}`).digest('hex');
}

/**
 * The verdict of a parse: `statements` as {@link splitStatements} gave them for `sql`.
 * With `trees`, their parse trees are kept too.
 *
 * @example
 * const verdict = toVerdict(sql, await splitStatements(script), true, verdictVersions());
 */
export function toVerdict(sql: string, statements: readonly Statement[], trees: boolean, versions: VerdictVersions, sha = textSha(sql)): Verdict {
  return {
    ...versions, sha,
    statements: statements.map(({ node: _node, ...rest }) => rest),
    ...(trees ? { trees: statements.map((s) => s.node) } : {}),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether one stored statement has the shape of a {@link Statement}'s (a foreign or damaged file must not be trusted). */
function isStatement(value: unknown, index: number): boolean {
  if (!isObject(value)) return false;
  const numbers = ['start', 'end', 'line', 'column'].every((key) => Number.isInteger(value[key]));
  const reason = value.needsNoTransaction === undefined || typeof value.needsNoTransaction === 'string';
  const build = value.indexBuild === undefined || (isObject(value.indexBuild) && typeof value.indexBuild.shape === 'string');
  return numbers && value.index === index && typeof value.text === 'string' && typeof value.kind === 'string' && reason && build;
}

/**
 * The statements of a verdict, when it is one for `sql` made with `versions`
 * (and holds the parse trees, when `trees` is asked for); else undefined:
 * a verdict whose key differs, or that is not whole, is never used.
 * Without trees, `node` is empty: what it told ({@link needsNoTransaction}) is kept.
 *
 * @example
 * const statements = fromVerdict(JSON.parse(text), sql, { trees: false, versions });
 */
export function fromVerdict(verdict: unknown, sql: string, options: { trees: boolean; versions: VerdictVersions; sha?: string }): Statement[] | undefined {
  if (!isObject(verdict)) return undefined;
  const { versions } = options;
  if (verdict.format !== versions.format || verdict.cutover !== versions.cutover || verdict.parser !== versions.parser) return undefined;
  if (verdict.sha !== (options.sha ?? textSha(sql))) return undefined;
  const statements = verdict.statements;
  if (!Array.isArray(statements) || !statements.every(isStatement)) return undefined;
  const trees = verdict.trees;
  if (options.trees && !(Array.isArray(trees) && trees.length === statements.length && trees.every(isObject))) return undefined;
  return (statements as Omit<Statement, 'node'>[]).map((statement, i) => ({ ...statement, node: options.trees ? (trees as AstNode[])[i]! : {} }));
}
