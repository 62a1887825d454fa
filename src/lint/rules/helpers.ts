/** Small helpers the rules share. */
import { sqlName, blocks } from '../facts/lock-modes.js';
import type { ActionId, ActionUse } from '../facts/index.js';
import type { AstNode } from '../../sql/statements.js';
import type { RuleContext } from '../types.js';

/**
 * The column definitions of a CREATE TABLE or of ALTER TABLE … ADD COLUMN.
 *
 * @example
 * columnDefs('CreateStmt', node).map((c) => c.colname);
 */
export function columnDefs(kind: string, node: AstNode): AstNode[] {
  if (kind === 'CreateStmt') return (node.tableElts ?? []).map((e: AstNode) => e.ColumnDef).filter(Boolean);
  if (kind === 'AlterTableStmt') return (node.cmds ?? []).map((c: AstNode) => c.AlterTableCmd?.subtype === 'AT_AddColumn' && c.AlterTableCmd.def?.ColumnDef).filter(Boolean);
  return [];
}

/**
 * The statement's actions among `ids`.
 *
 * @example
 * uses(context, 'create-index'); // [{ id: 'create-index', relation: 'users' }]
 */
export function uses(context: RuleContext, ...ids: ActionId[]): ActionUse[] {
  return context.facts.actions.filter((a) => (ids as string[]).includes(a.id));
}

/** Actions among `ids` on relations that exist and are not small. */
export function onExisting(context: RuleContext, ...ids: ActionId[]): ActionUse[] {
  return uses(context, ...ids).filter((a) => a.relation !== undefined && !context.isSmall(a.relation));
}

/** `ACCESS EXCLUSIVE lock on "t" (blocks reads and writes)` for a use. */
export function lockText(context: RuleContext, relation: string): string {
  const lock = context.facts.locks.find((l) => l.relation === relation);
  return lock ? `${sqlName(lock.mode)} lock on "${relation}" (blocks ${blocks(lock.mode)})` : `no lock on "${relation}"`;
}
