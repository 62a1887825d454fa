/**
 * From a parse tree to the actions of the facts table: which kinds of change
 * a statement makes, on which relations. A statement can make several
 * (`ALTER TABLE t ADD COLUMN …, ALTER COLUMN … TYPE …`). The catalog answers
 * what the statement alone cannot say: the old type of a column, whether a
 * dropped constraint is a foreign key, which table an index belongs to.
 */
import type { AstNode } from '../../sql/statements.js';
import { binaryCoercible, relationName, typeFromAst, type Catalog } from '../catalog.js';
import type { ActionId, Role } from './actions.js';
import { LOCK_MODES, type LockMode } from './lock-modes.js';
import { classifyKind } from './statement-kinds.js';

/** One action of a statement. */
export interface ActionUse {
  id: ActionId;
  /** The target relation (for CREATE INDEX: the table). */
  relation?: string;
  /** Other relations, by role (the referenced table of a foreign key …). */
  others?: { role: Role; relation: string }[];
  /** The column concerned, when there is one. */
  column?: string;
  /** The constraint or index concerned, when there is one. */
  object?: string;
  /** A fact the catalog could not settle offline (the linter then assumes the worst). */
  unsure?: string;
  /** LOCK TABLE's explicit mode. */
  mode?: LockMode;
}

/** Functions known not to be volatile: a default calling only these does not rewrite. */
const NOT_VOLATILE = new Set([
  'now', 'current_timestamp', 'transaction_timestamp', 'statement_timestamp', 'current_date', 'localtimestamp', 'lower', 'upper',
  'to_jsonb', 'jsonb_build_object', 'jsonb_build_array', 'json_build_object', 'array', 'make_interval', 'to_timestamp', 'length', 'concat', 'coalesce',
]);

/** Storage parameters changed under SHARE UPDATE EXCLUSIVE (AlterTableGetLockLevel's list). */
const LIGHT_OPTIONS = /^(fillfactor|autovacuum_.*|toast\..*|toast_tuple_target|parallel_workers|vacuum_index_cleanup|vacuum_truncate|log_autovacuum_min_duration)$/;

function walk(node: unknown, visit: (key: string, value: AstNode) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as AstNode)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) visit(key, value as AstNode);
      walk(value, visit);
    }
  }
}

/**
 * Whether an expression may be volatile (calls a function not known to be
 * stable or immutable).
 *
 * @example
 * isVolatile(parse('SELECT clock_timestamp()')); // true
 */
export function isVolatile(expression: AstNode | undefined): boolean {
  let volatile = false;
  walk(expression, (key, value) => {
    if (key === 'FuncCall') {
      const names = (value.funcname ?? []).map((n: AstNode) => n.String?.sval);
      if (!NOT_VOLATILE.has(String(names[names.length - 1]).toLowerCase())) volatile = true;
    }
  });
  return volatile;
}

function constraintsOf(column: AstNode): AstNode[] {
  return (column.constraints ?? []).map((c: AstNode) => c.Constraint as AstNode);
}

function addColumn(table: string, column: AstNode): ActionUse[] {
  const name = String(column.colname);
  const constraints = constraintsOf(column);
  const has = (type: string) => constraints.find((c) => c.contype === type);
  const uses: ActionUse[] = [];
  const base = { relation: table, column: name };
  const serial = /serial$/.test(String(column.typeName?.names?.at(-1)?.String?.sval ?? ''));
  const fallback = has('CONSTR_DEFAULT');
  if (has('CONSTR_IDENTITY') || column.identity) uses.push({ id: 'add-column-identity', ...base });
  else if (has('CONSTR_GENERATED')) {
    // PostgreSQL 18 made VIRTUAL the default: computed on read, nothing written.
    uses.push({ id: has('CONSTR_GENERATED')!.generated_kind === 'v' ? 'add-column-virtual-generated' : 'add-column-stored-generated', ...base });
  } else if (serial || (fallback && isVolatile(fallback.raw_expr))) uses.push({ id: 'add-column-volatile-default', ...base });
  if (has('CONSTR_CHECK')) uses.push({ id: 'add-column-check', ...base });
  if (has('CONSTR_NOTNULL') && !fallback && !serial && !has('CONSTR_IDENTITY') && !has('CONSTR_GENERATED')) uses.push({ id: 'add-column-not-null', ...base });
  if (has('CONSTR_PRIMARY') || has('CONSTR_UNIQUE')) uses.push({ id: 'add-column-unique', ...base });
  const fk = has('CONSTR_FOREIGN');
  if (fk) uses.push({ id: 'add-column-fk', ...base, others: [{ role: 'referenced', relation: relationName(fk.pktable) }] });
  if (uses.length === 0) uses.push({ id: 'add-column', ...base });
  return uses;
}

function addConstraint(table: string, constraint: AstNode): ActionUse {
  const object = constraint.conname as string | undefined;
  const base = { relation: table, ...(object ? { object } : {}) };
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
      return { id: constraint.skip_validation ? 'add-fk-not-valid' : 'add-fk', ...base, others: [{ role: 'referenced', relation: relationName(constraint.pktable) }] };
    case 'CONSTR_CHECK':
      return { id: constraint.skip_validation ? 'add-check-not-valid' : 'add-check', ...base };
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE':
    case 'CONSTR_EXCLUSION':
      return { id: constraint.indexname ? 'add-unique-using-index' : 'add-unique', ...base };
    case 'CONSTR_NOTNULL':
      return { id: constraint.skip_validation ? 'add-not-null-not-valid' : 'set-not-null', ...base };
    default:
      return { id: 'alter-table-other', ...base };
  }
}

function alterTableCmd(table: string, cmd: AstNode, catalog: Catalog): ActionUse[] {
  const info = () => catalog.relation(table);
  const constraint = (name: string) => info()?.constraints.find((c) => c.name === name);
  const column = cmd.name as string | undefined;
  const base = { relation: table, ...(column ? { column } : {}) };
  const subtype = String(cmd.subtype);
  switch (subtype) {
    case 'AT_AddColumn':
      return addColumn(table, cmd.def.ColumnDef);
    case 'AT_ColumnDefault':
      return [{ id: cmd.def ? 'set-default' : 'drop-default', ...base }];
    case 'AT_DropNotNull':
      return [{ id: 'drop-not-null', ...base }];
    case 'AT_SetNotNull': {
      const proven = info()?.constraints.some((c) => c.validated && (c.notNullColumns ?? []).includes(column!));
      return [{ id: proven ? 'set-not-null-checked' : 'set-not-null', ...base }];
    }
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
      return [{ id: 'set-statistics', ...base }];
    case 'AT_SetStorage':
      return [{ id: 'set-storage', ...base }];
    case 'AT_DropColumn':
      return [{ id: 'drop-column', ...base }];
    case 'AT_AlterColumnType': {
      const def = cmd.def.ColumnDef as AstNode;
      const from = info()?.columns.get(column!);
      const to = typeFromAst(def.typeName);
      if (!def.raw_default && from && binaryCoercible(from, to)) return [{ id: 'alter-column-type-coercible', ...base }];
      return [{ id: 'alter-column-type', ...base, ...(from || def.raw_default ? {} : { unsure: `the old type of "${column}" is unknown offline: a binary-coercible change (varchar(n) → text …) would not rewrite` }) }];
    }
    case 'AT_AddConstraint':
      return [addConstraint(table, cmd.def.Constraint)];
    case 'AT_ValidateConstraint': {
      const found = constraint(column!);
      if (found?.type === 'f') return [{ id: 'validate-fk', relation: table, object: column!, others: [{ role: 'referenced', relation: found.references! }] }];
      return [{ id: 'validate-constraint', relation: table, object: column! }];
    }
    case 'AT_DropConstraint': {
      const found = constraint(column!);
      if (found?.type === 'f') return [{ id: 'drop-fk', relation: table, object: column!, others: [{ role: 'referenced', relation: found.references! }] }];
      return [{ id: 'drop-constraint', relation: table, object: column!, ...(found ? {} : { unsure: `if "${column}" is a foreign key, its referenced table is locked ACCESS EXCLUSIVE too` }) }];
    }
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      return [{ id: 'set-logged', ...base }];
    case 'AT_SetTableSpace':
      return [{ id: 'set-tablespace', ...base }];
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions': {
      const names = (cmd.def?.List?.items ?? []).map((d: AstNode) => `${d.DefElem?.defnamespace ? `${d.DefElem.defnamespace}.` : ''}${d.DefElem?.defname}`);
      return [{ id: names.every((n: string) => LIGHT_OPTIONS.test(n)) ? 'set-storage-parameter' : 'set-other-option', ...base }];
    }
    case 'AT_AttachPartition': {
      const partition = relationName(cmd.def.PartitionCmd.name);
      const others: ActionUse['others'] = [{ role: 'partition', relation: partition }];
      const fallback = info()?.defaultPartition;
      if (fallback) others.push({ role: 'default-partition', relation: fallback });
      return [{ id: 'attach-partition', relation: table, others }];
    }
    case 'AT_DetachPartition':
      return [{ id: cmd.def.PartitionCmd.concurrent ? 'detach-partition-concurrently' : 'detach-partition', relation: table, others: [{ role: 'partition', relation: relationName(cmd.def.PartitionCmd.name) }] }];
    case 'AT_ChangeOwner':
      return [{ id: 'set-owner', ...base }];
    case 'AT_ReplicaIdentity':
      return [{ id: 'replica-identity', ...base }];
    default:
      if (/^AT_(Enable|Disable)(Always|Replica)?Trig/.test(subtype)) return [{ id: 'enable-trigger', ...base }];
      if (/RowSecurity$/.test(subtype)) return [{ id: 'row-security', ...base }];
      return [{ id: 'alter-table-other', ...base }];
  }
}

function dropStatement(node: AstNode, catalog: Catalog): ActionUse[] {
  const names = (node.objects ?? []).map((o: AstNode) => (o.List?.items ?? []).map((i: AstNode) => i.String?.sval as string));
  const qualified = (parts: string[]) => parts.join('.');
  switch (node.removeType) {
    case 'OBJECT_TABLE':
      return names.map((parts: string[]) => {
        const table = qualified(parts);
        const referenced = (catalog.relation(table)?.constraints ?? []).filter((c) => c.type === 'f').map((c) => ({ role: 'referenced' as const, relation: c.references! }));
        return { id: 'drop-table', relation: table, ...(referenced.length ? { others: referenced } : {}) };
      });
    case 'OBJECT_INDEX':
      return names.map((parts: string[]) => {
        const index = qualified(parts);
        const table = catalog.relation(index)?.table;
        return { id: node.concurrent ? 'drop-index-concurrently' : 'drop-index', relation: table ?? `(table of index ${index})`, object: index };
      });
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE': {
      const id = node.removeType === 'OBJECT_TRIGGER' ? 'drop-trigger' : node.removeType === 'OBJECT_POLICY' ? 'policy' : 'rule';
      return names.map((parts: string[]) => ({ id, relation: qualified(parts.slice(0, -1)), object: parts.at(-1) }));
    }
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      return names.map((parts: string[]) => ({ id: 'drop-view', relation: qualified(parts) }));
    case 'OBJECT_FOREIGN_TABLE':
      return names.map((parts: string[]) => ({ id: 'drop-table', relation: qualified(parts) }));
    case 'OBJECT_SEQUENCE':
      return names.map((parts: string[]) => ({ id: 'drop-sequence', relation: qualified(parts) }));
    default:
      // A type, function, schema, extension … CASCADE takes the tables and columns that use it along.
      if (node.behavior === 'DROP_CASCADE') return [{ id: 'opaque', unsure: `DROP ${String(node.removeType).replace(/^OBJECT_/, '')} … CASCADE also drops whatever depends on it (tables, columns, views)` }];
      return [{ id: 'no-table-lock' }];
  }
}

/**
 * The actions of one statement.
 *
 * @example
 * classify('IndexStmt', node, catalog); // [{ id: 'create-index', relation: 'users' }]
 */
export function classify(kind: string, node: AstNode, catalog: Catalog): ActionUse[] {
  switch (kind) {
    case 'AlterTableStmt': {
      const table = relationName(node.relation);
      if (node.objtype !== 'OBJECT_TABLE' && node.objtype !== 'OBJECT_MATVIEW') return [{ id: 'alter-table-other', relation: table }];
      return (node.cmds ?? []).flatMap((c: AstNode) => alterTableCmd(table, c.AlterTableCmd, catalog));
    }
    case 'CreateStmt': {
      const table = relationName(node.relation);
      if (node.partbound) return [{ id: 'create-table-partition-of', relation: table, others: (node.inhRelations ?? []).map((r: AstNode) => ({ role: 'parent', relation: relationName(r.RangeVar) })) }];
      const referenced: { role: Role; relation: string }[] = [];
      walk(node.tableElts, (key, value) => {
        if (key === 'Constraint' && value.contype === 'CONSTR_FOREIGN') referenced.push({ role: 'referenced', relation: relationName(value.pktable) });
      });
      return [referenced.length ? { id: 'create-table-fk', relation: table, others: referenced } : { id: 'create-table', relation: table }];
    }
    case 'IndexStmt':
      return [{ id: node.concurrent ? 'create-index-concurrently' : 'create-index', relation: relationName(node.relation), ...(node.idxname ? { object: node.idxname } : {}) }];
    case 'DropStmt':
      return dropStatement(node, catalog);
    case 'ReindexStmt': {
      const concurrently = (node.params ?? []).some((p: AstNode) => p.DefElem?.defname === 'concurrently');
      if (!node.relation) return [{ id: 'reindex-schema', ...(node.name ? { object: node.name } : {}) }];
      const name = relationName(node.relation);
      const table = node.kind === 'REINDEX_OBJECT_INDEX' ? catalog.relation(name)?.table ?? `(table of index ${name})` : name;
      return [{ id: concurrently ? 'reindex-concurrently' : node.kind === 'REINDEX_OBJECT_INDEX' ? 'reindex-index' : 'reindex-table', relation: table }];
    }
    case 'RenameStmt': {
      const relation = relationName(node.relation);
      if (node.renameType === 'OBJECT_COLUMN') return [{ id: 'rename-column', relation, column: node.subname }];
      if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(node.renameType)) return [{ id: 'rename-table', relation }];
      if (node.renameType === 'OBJECT_INDEX') return [{ id: 'rename-index', relation: catalog.relation(relation)?.table ?? `(table of index ${relation})`, object: relation }];
      const byType: Record<string, ActionId> = {
        OBJECT_FOREIGN_TABLE: 'rename-table', OBJECT_SEQUENCE: 'rename-sequence', OBJECT_TABCONSTRAINT: 'rename-constraint',
        OBJECT_TRIGGER: 'rename-trigger', OBJECT_POLICY: 'policy', OBJECT_RULE: 'rule',
      };
      const id = byType[node.renameType];
      if (id) return [{ id, relation, ...(node.subname ? { object: node.subname } : {}) }];
      return node.relation ? [{ id: 'alter-table-other', relation }] : [{ id: 'no-table-lock' }];
    }
    case 'VacuumStmt': {
      const full = (node.options ?? []).some((o: AstNode) => o.DefElem?.defname === 'full');
      const id = !node.is_vacuumcmd ? 'analyze' : full ? 'vacuum-full' : 'vacuum';
      const rels = (node.rels ?? []).map((r: AstNode) => relationName(r.VacuumRelation?.relation));
      return rels.length ? rels.map((relation: string) => ({ id, relation })) : [{ id }];
    }
    case 'ClusterStmt':
      return node.relation ? [{ id: 'cluster', relation: relationName(node.relation) }] : [{ id: 'cluster-all' }];
    case 'RefreshMatViewStmt':
      return [{ id: node.concurrent ? 'refresh-matview-concurrently' : 'refresh-matview', relation: relationName(node.relation) }];
    case 'TruncateStmt':
      return (node.relations ?? []).map((r: AstNode) => ({ id: 'truncate', relation: relationName(r.RangeVar) }));
    case 'UpdateStmt':
      return [{ id: node.whereClause ? 'update' : 'update-all', relation: relationName(node.relation) }];
    case 'DeleteStmt':
      return [{ id: node.whereClause ? 'delete' : 'delete-all', relation: relationName(node.relation) }];
    case 'InsertStmt':
      return [{ id: 'insert', relation: relationName(node.relation) }];
    case 'CreateTrigStmt':
      return [{ id: 'create-trigger', relation: relationName(node.relation) }];
    case 'CommentStmt': {
      // On a relation or a column: SHARE UPDATE EXCLUSIVE on it (on a constraint or trigger the server takes none, the suite shows).
      const own = ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(node.objtype);
      const part = node.objtype === 'OBJECT_COLUMN';
      if (!own && !part) return [{ id: 'no-table-lock' }];
      const parts = (node.object?.List?.items ?? []).map((i: AstNode) => i.String?.sval as string);
      return [{ id: 'comment', relation: (part ? parts.slice(0, -1) : parts).join('.') }];
    }
    case 'CreateStatsStmt':
      return (node.relations ?? []).map((r: AstNode) => ({ id: 'create-statistics', relation: relationName(r.RangeVar) }));
    case 'ViewStmt': {
      const view = relationName(node.view);
      return [node.replace && catalog.relation(view) ? { id: 'replace-view', relation: view } : { id: 'no-table-lock' }];
    }
    case 'AlterEnumStmt':
      return [{ id: node.newVal ? 'alter-enum-add-value' : 'no-table-lock', object: (node.typeName ?? []).map((n: AstNode) => n.String?.sval).join('.') }];
    case 'LockStmt':
      // LockStmt.mode is the lock number of lockdefs.h: 1 = AccessShare … 8 = AccessExclusive.
      return (node.relations ?? []).map((r: AstNode) => ({ id: 'lock-table', relation: relationName(r.RangeVar), mode: LOCK_MODES[Number(node.mode ?? 8) - 1] ?? 'AccessExclusive' }));
    default:
      return classifyKind(kind, node, (innerKind, inner) => classify(innerKind, inner, catalog));
  }
}
