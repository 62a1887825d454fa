/**
 * What the linter knows about the database: relations, their columns,
 * constraints and sizes. Offline it is a model built from the statements
 * linted so far (a table created in the same file is new and empty); with a
 * connection (`lint --url`) the live catalog is its base (see live-catalog.ts).
 */
import type { AstNode } from '../sql/statements.js';

/** A column's type, normalised: `varchar` with `[10]`, `numeric` with `[10, 2]`. */
export interface ColumnType {
  name: string;
  mods: number[];
}

/** A constraint as the catalog knows it. */
export interface ConstraintInfo {
  name: string;
  /** pg_constraint.contype: c check, f foreign key, p primary key, u unique, x exclusion, n not null. */
  type: string;
  validated: boolean;
  /** For a foreign key: the referenced table. */
  references?: string;
  /** For a check: its expression's text (`pg_get_constraintdef`), or the parse tree offline. */
  definition?: string;
  /** Columns a CHECK (col IS NOT NULL) proves not null. */
  notNullColumns?: string[];
}

/** A table, partitioned table, view, materialized view or index. */
export interface RelationInfo {
  name: string;
  /** pg_class.relkind. */
  kind: string;
  /** Estimated rows (`reltuples`; for a never-analyzed table, the most its size on disk can hold; undefined offline). */
  rows?: number;
  /** Pages (`relpages`). */
  pages?: number;
  /** Created by the file being linted: new, empty, not yet used by the application. */
  created?: boolean;
  columns: Map<string, ColumnType>;
  constraints: ConstraintInfo[];
  /** For an index: its table. */
  table?: string;
  /** Tables with a foreign key to this one. */
  referencedBy?: string[];
  defaultPartition?: string;
}

/** Lookups the facts and rules need. */
export interface Catalog {
  /** The server's major version, when connected. */
  serverMajor?: number;
  /** Whether the data is the live database's (else: offline, be conservative). */
  live: boolean;
  relation(name: string): RelationInfo | undefined;
}

const ALIASES: Record<string, string> = {
  'character varying': 'varchar', character: 'bpchar', char: 'bpchar', integer: 'int4', int: 'int4', smallint: 'int2', bigint: 'int8',
  'timestamp without time zone': 'timestamp', 'timestamp with time zone': 'timestamptz', 'time without time zone': 'time',
  'time with time zone': 'timetz', 'double precision': 'float8', real: 'float4', boolean: 'bool', 'bit varying': 'varbit',
  decimal: 'numeric', serial: 'int4', bigserial: 'int8', smallserial: 'int2',
};

/**
 * A type from the parse tree (`TypeName`).
 *
 * @example
 * typeFromAst(columnDef.typeName); // { name: 'varchar', mods: [10] }
 */
export function typeFromAst(typeName: AstNode | undefined): ColumnType {
  const names = (typeName?.names ?? []).map((n: AstNode) => n.String?.sval as string);
  const last = String(names[names.length - 1] ?? 'unknown');
  const mods = (typeName?.typmods ?? []).map((m: AstNode) => Number(m.A_Const?.ival?.ival ?? 0));
  const array = (typeName?.arrayBounds ?? []).length > 0 ? '[]' : '';
  return { name: (ALIASES[last] ?? last) + array, mods };
}

/**
 * A type from `format_type()`: `character varying(10)` → `{ varchar, [10] }`.
 *
 * @example
 * typeFromCatalog('numeric(10,2)'); // { name: 'numeric', mods: [10, 2] }
 */
export function typeFromCatalog(text: string): ColumnType {
  const array = text.endsWith('[]') ? '[]' : '';
  const base = array ? text.slice(0, -2) : text;
  const match = /^(.*?)(?:\(([\d, ]+)\))?( with(?:out)? time zone)?$/.exec(base)!;
  const name = `${match[1]!.trim()}${match[3] ?? ''}`;
  const mods = match[2] ? match[2].split(',').map((m) => Number(m.trim())) : [];
  return { name: (ALIASES[name] ?? name) + array, mods };
}

/**
 * Whether changing a column from `from` to `to` keeps every stored byte
 * (Postgres skips the rewrite): varchar(n) → varchar(m ≥ n) / varchar / text,
 * text ↔ varchar, numeric(p, s) → numeric(p' ≥ p, s) / numeric, varbit(n) →
 * varbit(m ≥ n), cidr → inet. See the Notes of
 * https://www.postgresql.org/docs/current/sql-altertable.html
 *
 * @example
 * binaryCoercible({ name: 'varchar', mods: [10] }, { name: 'text', mods: [] }); // true
 */
export function binaryCoercible(from: ColumnType, to: ColumnType): boolean {
  const same = from.name === to.name;
  const widened = (a: number[], b: number[]) => b.length === 0 || (a.length > 0 && b[0]! >= a[0]! && (a[1] ?? 0) === (b[1] ?? 0));
  if (same && from.mods.join() === to.mods.join()) return true;
  if (same && ['varchar', 'varbit', 'numeric'].includes(from.name)) return widened(from.mods, to.mods);
  if ((from.name === 'varchar' || from.name === 'text') && to.name === 'text') return true;
  if (from.name === 'text' && to.name === 'varchar' && to.mods.length === 0) return true;
  if (from.name === 'cidr' && to.name === 'inet') return true;
  return false;
}

/** Relation name as a statement names it (schema-qualified only when written so). */
export function relationName(rangeVar: AstNode | undefined): string {
  if (!rangeVar) return '?';
  return rangeVar.schemaname ? `${rangeVar.schemaname}.${rangeVar.relname}` : String(rangeVar.relname);
}

/**
 * The catalog as the statements linted so far change it, over a base
 * (the live catalog, or nothing offline). Rules read it; the engine updates it.
 *
 * @example
 * const model = new SchemaModel(liveCatalog);
 */
export class SchemaModel implements Catalog {
  private readonly relations = new Map<string, RelationInfo | null>();
  readonly live: boolean;
  readonly serverMajor?: number;

  constructor(private readonly base?: Catalog) {
    this.live = base?.live ?? false;
    if (base?.serverMajor !== undefined) this.serverMajor = base.serverMajor;
  }

  relation(name: string): RelationInfo | undefined {
    const key = name.replace(/^public\./, '');
    if (!this.relations.has(key)) {
      const found = this.base?.relation(key);
      this.relations.set(key, found ? { ...found, columns: new Map(found.columns), constraints: [...found.constraints] } : null);
    }
    return this.relations.get(key) ?? undefined;
  }

  /** Record a relation (a CREATE in the file being linted). */
  set(info: RelationInfo): void {
    this.relations.set(info.name.replace(/^public\./, ''), info);
  }

  /** The relation, or a stub for one the statements assume exists (offline: unknown size). */
  ensure(name: string): RelationInfo {
    const found = this.relation(name);
    if (found) return found;
    const stub: RelationInfo = { name, kind: 'r', columns: new Map(), constraints: [] };
    this.set(stub);
    return stub;
  }

  /**
   * Whether an unqualified relation is missing from the live catalog (it does not exist yet:
   * a statement on it runs on a table this run creates, or fails). False offline.
   */
  isAbsent(name: string): boolean {
    return this.live && !name.replace(/^public\./, '').includes('.') && this.base?.relation(name.replace(/^public\./, '')) === undefined;
  }

  /** Forget a relation (DROP). */
  drop(name: string): void {
    this.relations.set(name.replace(/^public\./, ''), null);
  }

  /** Mark every relation as existing before the next file (created ones are no longer new). */
  nextFile(): void {
    for (const info of this.relations.values()) if (info) delete info.created;
  }
}
