/**
 * What a `CREATE INDEX CONCURRENTLY` builds, read from its parse node when the
 * file is parsed (so that it is part of the file's verdict): the executor
 * checks the index before and after the build (src/run/concurrent-index.ts)
 * without parsing the statement again.
 */
import type { AstNode } from './statements.js';

/** The index a concurrent build makes: its name (none: Postgres picks one), table, schema if named, and normalised shape. */
export interface IndexBuild {
  name?: string;
  table?: string;
  schemaname?: string;
  /** The IndexStmt, normalised for comparison with pg_get_indexdef's (`location`s, CONCURRENTLY and IF NOT EXISTS left out). */
  shape: string;
}

/**
 * Parse-tree fields that differ between a file's statement and pg_get_indexdef without changing the index.
 *
 * @example
 * indexShape(node) === indexShape(nodeOfDefinition);
 */
export function indexShape(node: AstNode): string {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'location').map(([key, v]) => [key, strip(v)]));
    }
    return value;
  };
  const { concurrent: _c, if_not_exists: _i, relation, ...rest } = node;
  return JSON.stringify(strip({ ...rest, relation: { relname: relation?.relname } }));
}

/**
 * The build of a `CREATE INDEX CONCURRENTLY` statement's IndexStmt node, or undefined for any other.
 *
 * @example
 * indexBuildOf('IndexStmt', node)?.name; // 'items_v'
 */
export function indexBuildOf(kind: string, node: AstNode): IndexBuild | undefined {
  if (kind !== 'IndexStmt' || !node.concurrent) return undefined;
  const relation = node.relation as { relname?: string; schemaname?: string } | undefined;
  return {
    ...(node.idxname ? { name: String(node.idxname) } : {}),
    ...(relation?.relname ? { table: relation.relname } : {}),
    ...(relation?.schemaname ? { schemaname: relation.schemaname } : {}),
    shape: indexShape(node),
  };
}
