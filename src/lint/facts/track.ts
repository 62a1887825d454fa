/**
 * Keep the schema model in step with the statements linted: a CREATE TABLE
 * adds a new (empty) table with its columns and constraints, ALTER TABLE
 * changes them, CREATE INDEX records the index's table, DROP forgets.
 */
import type { AstNode } from '../../sql/statements.js';
import { relationName, typeFromAst, type ConstraintInfo, type SchemaModel } from '../catalog.js';

function notNullColumns(expression: AstNode | undefined): string[] {
  const test = expression?.NullTest;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return [];
  const fields = test.arg?.ColumnRef?.fields ?? [];
  return [String(fields.at(-1)?.String?.sval)];
}

function constraintInfo(constraint: AstNode, fallbackName: string): ConstraintInfo {
  const types: Record<string, string> = { CONSTR_CHECK: 'c', CONSTR_FOREIGN: 'f', CONSTR_PRIMARY: 'p', CONSTR_UNIQUE: 'u', CONSTR_EXCLUSION: 'x', CONSTR_NOTNULL: 'n' };
  return {
    name: constraint.conname ?? fallbackName,
    type: types[constraint.contype] ?? '?',
    validated: !constraint.skip_validation,
    ...(constraint.pktable ? { references: relationName(constraint.pktable) } : {}),
    ...(constraint.contype === 'CONSTR_CHECK' ? { notNullColumns: notNullColumns(constraint.raw_expr) } : {}),
  };
}

function addColumnDef(model: SchemaModel, table: string, column: AstNode): void {
  const info = model.ensure(table);
  info.columns.set(String(column.colname), typeFromAst(column.typeName));
  for (const c of column.constraints ?? []) {
    const constraint = c.Constraint as AstNode;
    if (['CONSTR_CHECK', 'CONSTR_FOREIGN', 'CONSTR_PRIMARY', 'CONSTR_UNIQUE'].includes(constraint.contype)) {
      info.constraints.push(constraintInfo(constraint, `${info.name}_${column.colname}_${constraint.contype === 'CONSTR_FOREIGN' ? 'fkey' : 'check'}`));
    }
  }
}

/**
 * Apply one statement to the model.
 *
 * @example
 * track(model, 'CreateStmt', node);
 */
export function track(model: SchemaModel, kind: string, node: AstNode): void {
  switch (kind) {
    case 'CreateStmt': {
      const name = relationName(node.relation);
      // Against a live catalog a table that exists already was created by an applied file: keep the live facts.
      if (model.live && model.relation(name) && !model.relation(name)!.created) break;
      model.set({ name, kind: node.partspec ? 'p' : 'r', created: true, rows: 0, pages: 0, columns: new Map(), constraints: [] });
      for (const element of node.tableElts ?? []) {
        if (element.ColumnDef) addColumnDef(model, name, element.ColumnDef);
        if (element.Constraint) model.relation(name)!.constraints.push(constraintInfo(element.Constraint, `${name}_constraint`));
      }
      const parent = node.partbound && node.inhRelations?.[0]?.RangeVar;
      if (parent && node.partbound.is_default) {
        const info = model.relation(relationName(parent));
        if (info) info.defaultPartition = name;
      }
      break;
    }
    case 'IndexStmt':
      if (node.idxname) model.set({ name: node.idxname, kind: 'i', created: true, table: relationName(node.relation), columns: new Map(), constraints: [] });
      break;
    case 'AlterTableStmt': {
      const table = relationName(node.relation);
      const info = model.ensure(table);
      for (const item of node.cmds ?? []) {
        const cmd = item.AlterTableCmd as AstNode;
        if (cmd.subtype === 'AT_AddColumn') addColumnDef(model, table, cmd.def.ColumnDef);
        else if (cmd.subtype === 'AT_AlterColumnType') info.columns.set(cmd.name, typeFromAst(cmd.def.ColumnDef.typeName));
        else if (cmd.subtype === 'AT_DropColumn') info.columns.delete(cmd.name);
        else if (cmd.subtype === 'AT_AddConstraint') info.constraints.push(constraintInfo(cmd.def.Constraint, `${table}_constraint`));
        else if (cmd.subtype === 'AT_DropConstraint') info.constraints = info.constraints.filter((c) => c.name !== cmd.name);
        else if (cmd.subtype === 'AT_ValidateConstraint') for (const c of info.constraints) if (c.name === cmd.name) c.validated = true;
      }
      break;
    }
    case 'DropStmt':
      for (const object of node.objects ?? []) model.drop((object.List?.items ?? []).map((i: AstNode) => i.String?.sval).join('.'));
      break;
    case 'RenameStmt':
      if (node.renameType === 'OBJECT_TABLE' && node.relation) {
        const info = model.relation(relationName(node.relation));
        if (info) {
          model.drop(info.name);
          model.set({ ...info, name: node.newname });
        }
      }
      break;
  }
}
