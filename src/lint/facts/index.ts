/**
 * Statement facts: what a statement does to the tables it touches — the
 * lock on each (target, referenced table of a foreign key, parent of a
 * partition …), whether it rewrites or scans them, whether it can run in a
 * transaction block — for a target PostgreSQL major. Used by the lint
 * rules, by `plan` (the lock each pending statement takes) and, later, by
 * rehearsal.
 */
import type { AstNode } from '../../sql/statements.js';
import type { Catalog } from '../catalog.js';
import { ACTIONS, factsFor, type ActionId, type Role } from './actions.js';
import { classify, type ActionUse } from './classify.js';
import { LOCK_MODES, strongest, type LockMode } from './lock-modes.js';

export { ACTIONS, factsFor, type ActionFacts, type ActionId, type Role } from './actions.js';
export { classify, isVolatile, type ActionUse } from './classify.js';
export { track } from './track.js';
export * from './lock-modes.js';

/** The lock a statement takes on one relation. */
export interface RelationLock {
  relation: string;
  mode: LockMode;
  role: 'target' | Role;
  /** The action that takes it. */
  action: ActionId;
}

/** Everything the facts table says about one statement. */
export interface StatementFacts {
  actions: ActionUse[];
  /** The strongest lock per relation, strongest first. */
  locks: RelationLock[];
  /** Relations rewritten (new relfilenode). */
  rewrites: string[];
  /** Relations read in full, and under which lock. */
  scans: { relation: string; mode: LockMode }[];
  /** Postgres refuses it in a transaction block. */
  noTransaction: boolean;
  /** Actions the target major lacks (a syntax or feature error there). */
  unsupported: ActionId[];
}

/**
 * The facts of one statement for a target major (default: the newest).
 *
 * @example
 * statementFacts('IndexStmt', node, catalog, 15).locks; // [{ relation: 'users', mode: 'Share', … }]
 */
export function statementFacts(kind: string, node: AstNode, catalog: Catalog, major?: number): StatementFacts {
  const actions = classify(kind, node, catalog);
  const locks = new Map<string, RelationLock>();
  const result: StatementFacts = { actions, locks: [], rewrites: [], scans: [], noTransaction: false, unsupported: [] };
  const lock = (relation: string, mode: LockMode, role: RelationLock['role'], action: ActionId) => {
    const held = locks.get(relation);
    if (!held || strongest(held.mode, mode) !== held.mode) locks.set(relation, { relation, mode, role, action });
  };
  for (const use of actions) {
    const facts = factsFor(use.id, major);
    if (!facts) {
      result.unsupported.push(use.id);
      continue;
    }
    const mode = use.mode ?? facts.lock;
    if (mode && use.relation) lock(use.relation, mode, 'target', use.id);
    for (const other of use.others ?? []) {
      const otherMode = facts.others?.[other.role];
      if (otherMode) lock(other.relation, otherMode, other.role, use.id);
    }
    if (facts.rewrite && use.relation && !result.rewrites.includes(use.relation)) result.rewrites.push(use.relation);
    if (facts.scan && use.relation && mode) result.scans.push({ relation: use.relation, mode });
    if (facts.scanPartition) {
      for (const other of use.others ?? []) {
        const otherMode = facts.others?.[other.role];
        if (otherMode && (other.role === 'partition' || other.role === 'default-partition')) result.scans.push({ relation: other.relation, mode: otherMode });
      }
    }
    if (facts.scanReferenced) {
      for (const other of use.others ?? []) if (other.role === 'referenced') result.scans.push({ relation: other.relation, mode: facts.others?.referenced ?? 'AccessShare' });
    }
    if (facts.noTransaction) result.noTransaction = true;
  }
  result.locks = [...locks.values()].sort((a, b) => LOCK_MODES.indexOf(b.mode) - LOCK_MODES.indexOf(a.mode));
  return result;
}

/** Every action id, for the coverage tests. */
export const ACTION_IDS = Object.keys(ACTIONS) as ActionId[];
