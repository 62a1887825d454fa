/** In a no-transaction file a retry re-runs statements that already succeeded, or half-succeeded (an INVALID index). */
import type { AstNode } from '../../sql/statements.js';
import type { Rule } from '../types.js';

function idempotent(kind: string, node: AstNode): boolean {
  switch (kind) {
    case 'IndexStmt': return Boolean(node.if_not_exists);
    case 'DropStmt': return Boolean(node.missing_ok);
    case 'CreateStmt': return Boolean(node.if_not_exists);
    case 'AlterTableStmt': return (node.cmds ?? []).every((c: AstNode) => Boolean(c.AlterTableCmd?.missing_ok));
    case 'CreateExtensionStmt': case 'CreateSchemaStmt': case 'CreateSeqStmt': return Boolean(node.if_not_exists);
    default: return true; // VACUUM, REINDEX, SET, DML … re-run safely or are the author's call
  }
}

export default {
  id: 'non-idempotent-no-transaction',
  summary: 'a statement in a no-transaction migration that fails when re-run after a partial failure',
  severity: 'error',
  check(context) {
    if (context.script.transaction) return;
    const { kind, node } = context.statement;
    if (idempotent(kind, node)) return;
    const concurrently = kind === 'IndexStmt' && node.concurrent;
    context.report({
      message: `not idempotent in a no-transaction migration: if a later statement fails, the re-run fails here${concurrently ? '; and a failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind' : ''}`,
      help: concurrently
        ? 'Write DROP INDEX CONCURRENTLY IF EXISTS <name>; then CREATE INDEX CONCURRENTLY IF NOT EXISTS <name> … (IF NOT EXISTS alone would keep an INVALID leftover).'
        : 'Use IF NOT EXISTS / IF EXISTS so a retry after a partial failure succeeds.',
    });
  },
} as const satisfies Rule;
