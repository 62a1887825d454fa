/**
 * Every statement node type the parser can return, classified — the list
 * is libpg-query's own (`Node` in @pgsql/types, the parser's protobuf), so
 * a parser upgrade that adds a statement kind fails the type check here
 * until someone says what it locks. A kind is either read by classify()
 * (`'tree'`: what it does depends on the statement), always one action of
 * the facts table, or never a top-level statement. A kind missing at run
 * time (a parser newer than these types) is `unclassified`, which the
 * `unknown-locks` rule reports; nothing is silently assumed safe.
 */
import type { Node } from 'libpg-query';
import type { AstNode } from '../../sql/statements.js';
import { relationName } from '../catalog.js';
import type { ActionId } from './actions.js';
import type { ActionUse } from './classify.js';

type NodeName<N = Node> = N extends N ? keyof N : never;

/** A statement node type, as the parser's own type definitions name it (`CreateStmt`, `MergeStmt` …). */
export type StatementKind = Extract<NodeName, `${string}Stmt`>;

/** How the facts table treats a statement kind. */
export type StatementClass = 'tree' | 'not-a-statement' | ActionId;

/**
 * Every statement kind's class.
 *
 * @example
 * STATEMENT_KINDS.CreateFunctionStmt; // 'no-table-lock'
 */
export const STATEMENT_KINDS = {
  // Read by classify(): the statement decides the action and its relations.
  AlterTableStmt: 'tree', CreateStmt: 'tree', CreateForeignTableStmt: 'tree', CreateTableAsStmt: 'tree', IndexStmt: 'tree', DropStmt: 'tree',
  ReindexStmt: 'tree', RenameStmt: 'tree', VacuumStmt: 'tree', ClusterStmt: 'tree', RefreshMatViewStmt: 'tree', TruncateStmt: 'tree',
  UpdateStmt: 'tree', DeleteStmt: 'tree', InsertStmt: 'tree', MergeStmt: 'tree', CopyStmt: 'tree', SelectStmt: 'tree', ExplainStmt: 'tree',
  PrepareStmt: 'tree', DeclareCursorStmt: 'tree', CreateTrigStmt: 'tree', CommentStmt: 'tree', SecLabelStmt: 'tree', CreateStatsStmt: 'tree',
  ViewStmt: 'tree', AlterEnumStmt: 'tree', LockStmt: 'tree', CreatePolicyStmt: 'tree', AlterPolicyStmt: 'tree', RuleStmt: 'tree',
  AlterObjectSchemaStmt: 'tree', AlterSeqStmt: 'tree', CreatePublicationStmt: 'tree', AlterPublicationStmt: 'tree', AlterDomainStmt: 'tree',
  AlterObjectDependsStmt: 'tree', DiscardStmt: 'tree', CreateSubscriptionStmt: 'tree',
  // New objects, or objects that are not tables: no lock on an existing table (reads take ACCESS SHARE only).
  CreateFunctionStmt: 'no-table-lock', AlterFunctionStmt: 'no-table-lock', CreateEnumStmt: 'no-table-lock', CompositeTypeStmt: 'no-table-lock',
  CreateRangeStmt: 'no-table-lock', DefineStmt: 'no-table-lock', CreateDomainStmt: 'no-table-lock', AlterTypeStmt: 'no-table-lock',
  CreateSeqStmt: 'no-table-lock', CreateSchemaStmt: 'no-table-lock', CreateExtensionStmt: 'no-table-lock', AlterExtensionContentsStmt: 'no-table-lock',
  VariableSetStmt: 'no-table-lock', VariableShowStmt: 'no-table-lock', TransactionStmt: 'no-table-lock', ConstraintsSetStmt: 'no-table-lock',
  GrantStmt: 'no-table-lock', GrantRoleStmt: 'no-table-lock', AlterDefaultPrivilegesStmt: 'no-table-lock', AlterOwnerStmt: 'no-table-lock',
  CreateRoleStmt: 'no-table-lock', AlterRoleStmt: 'no-table-lock', AlterRoleSetStmt: 'no-table-lock', DropRoleStmt: 'no-table-lock',
  CreateCastStmt: 'no-table-lock', CreateConversionStmt: 'no-table-lock', CreateTransformStmt: 'no-table-lock', CreatePLangStmt: 'no-table-lock',
  CreateAmStmt: 'no-table-lock', CreateOpClassStmt: 'no-table-lock', CreateOpFamilyStmt: 'no-table-lock', AlterOpFamilyStmt: 'no-table-lock',
  AlterOperatorStmt: 'no-table-lock', AlterCollationStmt: 'no-table-lock', AlterTSDictionaryStmt: 'no-table-lock', AlterTSConfigurationStmt: 'no-table-lock',
  AlterStatsStmt: 'no-table-lock', CreateEventTrigStmt: 'no-table-lock', AlterEventTrigStmt: 'no-table-lock', CreateFdwStmt: 'no-table-lock',
  AlterFdwStmt: 'no-table-lock', CreateForeignServerStmt: 'no-table-lock', AlterForeignServerStmt: 'no-table-lock', CreateUserMappingStmt: 'no-table-lock',
  AlterUserMappingStmt: 'no-table-lock', DropUserMappingStmt: 'no-table-lock', ImportForeignSchemaStmt: 'no-table-lock', AlterDatabaseStmt: 'no-table-lock',
  AlterDatabaseSetStmt: 'no-table-lock', AlterDatabaseRefreshCollStmt: 'no-table-lock', AlterTableSpaceOptionsStmt: 'no-table-lock',
  NotifyStmt: 'no-table-lock', ListenStmt: 'no-table-lock', UnlistenStmt: 'no-table-lock', LoadStmt: 'no-table-lock', CheckPointStmt: 'no-table-lock',
  DeallocateStmt: 'no-table-lock', FetchStmt: 'no-table-lock', ClosePortalStmt: 'no-table-lock',
  // Refused inside a transaction block.
  CreatedbStmt: 'no-transaction-command', DropdbStmt: 'no-transaction-command', AlterSystemStmt: 'no-transaction-command',
  CreateTableSpaceStmt: 'no-transaction-command', DropTableSpaceStmt: 'no-transaction-command',
  // Code or objects the statement does not name: locks unknown (reported, never assumed none).
  DoStmt: 'opaque', CallStmt: 'opaque', ExecuteStmt: 'opaque', AlterExtensionStmt: 'opaque', DropOwnedStmt: 'opaque', ReassignOwnedStmt: 'opaque',
  AlterTableMoveAllStmt: 'opaque', AlterSubscriptionStmt: 'opaque', DropSubscriptionStmt: 'opaque',
  // Never a top-level statement: the wrapper of one, analyser output, parts of other statements, PL/pgSQL and SQL-function bodies.
  RawStmt: 'not-a-statement', SetOperationStmt: 'not-a-statement', ReplicaIdentityStmt: 'not-a-statement', ReturnStmt: 'not-a-statement',
  PLAssignStmt: 'not-a-statement',
} as const satisfies Record<StatementKind, StatementClass>;

/** Why an opaque statement's locks are unknown. */
const OPAQUE: Partial<Record<StatementKind, string>> = {
  DoStmt: 'DO runs code the linter cannot read', CallStmt: 'CALL runs a procedure the linter cannot read', ExecuteStmt: 'EXECUTE runs a statement prepared elsewhere',
  AlterExtensionStmt: 'ALTER EXTENSION … UPDATE runs the extension\'s update script', DropOwnedStmt: 'DROP OWNED drops every object of a role, tables included',
  ReassignOwnedStmt: 'REASSIGN OWNED changes the owner of every object of a role (ACCESS EXCLUSIVE on each table)',
  AlterTableMoveAllStmt: 'ALTER TABLE ALL IN TABLESPACE moves (rewrites) every table there under ACCESS EXCLUSIVE',
  AlterSubscriptionStmt: 'ALTER SUBSCRIPTION may connect to the publisher and copy tables', DropSubscriptionStmt: 'DROP SUBSCRIPTION connects to the publisher to drop its slot',
};

const opaque = (reason: string): ActionUse[] => [{ id: 'opaque', unsure: reason }];

function rangeVars(items: AstNode[] | undefined): string[] {
  return (items ?? []).flatMap((item: AstNode) => (item.RangeVar ? [relationName(item.RangeVar)] : []));
}

/**
 * The actions of a statement kind that classify() does not read itself: the
 * newer kinds read here, a fixed action, or `unclassified`.
 *
 * @example
 * classifyKind('MergeStmt', node, (k, n) => classify(k, n, catalog)); // [{ id: 'merge', relation: 't' }]
 */
export function classifyKind(kind: string, node: AstNode, inner: (kind: string, node: AstNode) => ActionUse[]): ActionUse[] {
  const nested = (statement: AstNode | undefined) => {
    const innerKind = statement ? Object.keys(statement)[0] : undefined;
    return innerKind ? inner(innerKind, statement![innerKind]) : [{ id: 'no-table-lock' as const }];
  };
  switch (kind) {
    case 'MergeStmt':
      return [{ id: 'merge', relation: relationName(node.relation) }];
    case 'CopyStmt':
      return node.is_from && node.relation ? [{ id: 'copy-from', relation: relationName(node.relation) }] : [{ id: 'no-table-lock' }];
    case 'SelectStmt': {
      if (!node.lockingClause) return [{ id: 'no-table-lock' }];
      const relations = rangeVars(node.fromClause);
      return relations.length ? relations.map((relation) => ({ id: 'select-for-update' as const, relation })) : [{ id: 'no-table-lock' }];
    }
    // EXPLAIN and PREPARE analyse the query, taking its locks (EXPLAIN ANALYZE also runs it); DECLARE reads.
    case 'ExplainStmt':
    case 'PrepareStmt':
    case 'DeclareCursorStmt':
      return nested(node.query);
    case 'CreateTableAsStmt':
      return [{ id: 'create-table', relation: relationName(node.into?.rel) }];
    case 'CreateForeignTableStmt':
      return [{ id: 'create-table', relation: relationName(node.base?.relation) }];
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return [{ id: 'policy', relation: relationName(node.table), object: node.policy_name }];
    case 'RuleStmt':
      return [{ id: 'rule', relation: relationName(node.relation), object: node.rulename }];
    case 'AlterObjectSchemaStmt':
      return node.relation ? [{ id: 'set-schema', relation: relationName(node.relation) }] : [{ id: 'no-table-lock' }];
    case 'AlterSeqStmt':
      return [{ id: 'alter-sequence', relation: relationName(node.sequence) }];
    case 'CreatePublicationStmt':
    case 'AlterPublicationStmt': {
      const tables = (node.pubobjects ?? []).flatMap((o: AstNode) => (o.PublicationObjSpec?.pubtable?.relation ? [relationName(o.PublicationObjSpec.pubtable.relation)] : []));
      return tables.length ? tables.map((relation: string) => ({ id: 'publication' as const, relation })) : [{ id: 'no-table-lock' }];
    }
    case 'AlterDomainStmt': {
      // C: ADD CONSTRAINT, V: VALIDATE CONSTRAINT, O: SET NOT NULL — each reads every column of the domain's type.
      const validates = node.subtype === 'V' || node.subtype === 'O' || (node.subtype === 'C' && !node.def?.Constraint?.skip_validation);
      return validates ? opaque('the tables that use the domain are read under SHARE (writes blocked); which they are is unknown to the linter') : [{ id: 'no-table-lock' }];
    }
    case 'AlterObjectDependsStmt':
      return node.relation ? [{ id: 'alter-table-other', relation: relationName(node.relation) }] : [{ id: 'no-table-lock' }];
    case 'SecLabelStmt': {
      const parts = (node.object?.List?.items ?? []).map((i: AstNode) => i.String?.sval as string);
      if (node.objtype === 'OBJECT_TABLE') return [{ id: 'security-label', relation: parts.join('.') }];
      if (node.objtype === 'OBJECT_COLUMN') return [{ id: 'security-label', relation: parts.slice(0, -1).join('.') }];
      return [{ id: 'no-table-lock' }];
    }
    case 'DiscardStmt':
      return [{ id: node.target === 'DISCARD_ALL' ? 'no-transaction-command' : 'no-table-lock' }];
    case 'CreateSubscriptionStmt': {
      // Without `connect = false` or `create_slot = false` it creates a slot on the publisher: refused in a transaction block.
      const off = (node.options ?? []).some((o: AstNode) => ['connect', 'create_slot'].includes(o.DefElem?.defname) && /^(false|off|0)$/i.test(String(o.DefElem?.arg?.String?.sval ?? o.DefElem?.arg?.Boolean?.boolval ?? o.DefElem?.arg?.A_Const?.boolval?.boolval ?? '')));
      return [{ id: off ? 'no-table-lock' : 'no-transaction-command' }];
    }
  }
  const known = (STATEMENT_KINDS as Record<string, StatementClass>)[kind];
  if (known === undefined || known === 'tree' || known === 'not-a-statement') return [{ id: 'unclassified', unsure: `the linter does not know what ${kind} locks` }];
  if (known === 'opaque') return opaque(OPAQUE[kind as StatementKind] ?? `${kind} reaches objects it does not name`);
  return [{ id: known }];
}
