/**
 * The statement-facts table: for each kind of schema change a migration can
 * make, the lock it takes on each relation it touches, whether it rewrites
 * the table (a new relfilenode), whether it reads the whole table (a
 * validation scan or an index build, under that lock), and whether it can
 * run inside a transaction block — for PostgreSQL 12 to 18. This is data:
 * `classify.ts` maps parse trees to these ids, rules and `plan` read them,
 * and test/lint/facts-server.test.ts proves every entry on a real server.
 * Source: https://www.postgresql.org/docs/current/explicit-locking.html and
 * each command's reference page (linked per entry).
 */
import type { LockMode } from './lock-modes.js';

/** The relations an action touches besides its target. */
export type Role = 'referenced' | 'parent' | 'partition' | 'table' | 'default-partition';

/** What Postgres does for one kind of change. */
export interface ActionFacts {
  /** What it is, in SQL words. */
  summary: string;
  /** Lock on the target relation (the table altered, the index's table for CREATE INDEX); null: none on an existing relation. */
  lock: LockMode | null;
  /** Locks on other relations, by role. */
  others?: Partial<Record<Role, LockMode>>;
  /** The target gets a new relfilenode: every row is copied, indexes rebuilt. */
  rewrite?: boolean;
  /** The whole target is read, under `lock` (validation, index build). */
  scan?: boolean;
  /** The relation in role `partition` is read (ATTACH PARTITION's constraint check). */
  scanPartition?: boolean;
  /** The referenced table is read too (a foreign key's validation joins both tables). */
  scanReferenced?: boolean;
  /** Postgres refuses it inside a transaction block. */
  noTransaction?: boolean;
  /** First major that has it (older ones reject the syntax). */
  since?: number;
  /** Not proven by the server suite: a conservative guess for what the table does not know. */
  assumed?: boolean;
  /** The reference page. */
  docs: string;
}

const ALTER = 'https://www.postgresql.org/docs/current/sql-altertable.html';
const INDEX = 'https://www.postgresql.org/docs/current/sql-createindex.html';

/** Every action the linter knows, by id. */
export const ACTIONS = {
  'create-table': { summary: 'CREATE TABLE', lock: null, docs: 'https://www.postgresql.org/docs/current/sql-createtable.html' },
  'create-table-fk': { summary: 'CREATE TABLE with a FOREIGN KEY', lock: null, others: { referenced: 'ShareRowExclusive' }, docs: 'https://www.postgresql.org/docs/current/sql-createtable.html' },
  'create-table-partition-of': { summary: 'CREATE TABLE … PARTITION OF', lock: null, others: { parent: 'AccessExclusive' }, docs: 'https://www.postgresql.org/docs/current/sql-createtable.html' },
  'create-index': { summary: 'CREATE INDEX', lock: 'Share', scan: true, docs: INDEX },
  'create-index-concurrently': { summary: 'CREATE INDEX CONCURRENTLY', lock: 'ShareUpdateExclusive', scan: true, noTransaction: true, docs: INDEX },
  'drop-index': { summary: 'DROP INDEX', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-dropindex.html' },
  'drop-index-concurrently': { summary: 'DROP INDEX CONCURRENTLY', lock: 'ShareUpdateExclusive', noTransaction: true, docs: 'https://www.postgresql.org/docs/current/sql-dropindex.html' },
  'reindex-table': { summary: 'REINDEX TABLE', lock: 'Share', scan: true, docs: 'https://www.postgresql.org/docs/current/sql-reindex.html' },
  'reindex-index': { summary: 'REINDEX INDEX', lock: 'Share', scan: true, docs: 'https://www.postgresql.org/docs/current/sql-reindex.html' },
  'reindex-concurrently': { summary: 'REINDEX … CONCURRENTLY', lock: 'ShareUpdateExclusive', scan: true, noTransaction: true, docs: 'https://www.postgresql.org/docs/current/sql-reindex.html' },
  'add-column': { summary: 'ADD COLUMN', lock: 'AccessExclusive', docs: ALTER },
  'add-column-volatile-default': { summary: 'ADD COLUMN with a volatile default', lock: 'AccessExclusive', rewrite: true, docs: ALTER },
  'add-column-stored-generated': { summary: 'ADD COLUMN … GENERATED ALWAYS AS (…) STORED', lock: 'AccessExclusive', rewrite: true, docs: ALTER },
  'add-column-virtual-generated': { summary: 'ADD COLUMN … GENERATED ALWAYS AS (…) VIRTUAL (computed on read)', lock: 'AccessExclusive', since: 18, docs: ALTER },
  'add-column-identity': { summary: 'ADD COLUMN … GENERATED AS IDENTITY', lock: 'AccessExclusive', rewrite: true, docs: ALTER },
  'add-column-check': { summary: 'ADD COLUMN … CHECK', lock: 'AccessExclusive', scan: true, docs: ALTER },
  'add-column-not-null': { summary: 'ADD COLUMN … NOT NULL without a default', lock: 'AccessExclusive', scan: true, docs: ALTER },
  'add-column-unique': { summary: 'ADD COLUMN … UNIQUE / PRIMARY KEY', lock: 'AccessExclusive', scan: true, docs: ALTER },
  'add-column-fk': { summary: 'ADD COLUMN … REFERENCES', lock: 'AccessExclusive', others: { referenced: 'ShareRowExclusive' }, docs: ALTER },
  'drop-column': { summary: 'DROP COLUMN', lock: 'AccessExclusive', docs: ALTER },
  'set-default': { summary: 'ALTER COLUMN … SET DEFAULT', lock: 'AccessExclusive', docs: ALTER },
  'drop-default': { summary: 'ALTER COLUMN … DROP DEFAULT', lock: 'AccessExclusive', docs: ALTER },
  'set-not-null': { summary: 'ALTER COLUMN … SET NOT NULL', lock: 'AccessExclusive', scan: true, docs: ALTER },
  'set-not-null-checked': { summary: 'ALTER COLUMN … SET NOT NULL with a validated CHECK (col IS NOT NULL)', lock: 'AccessExclusive', docs: ALTER },
  'drop-not-null': { summary: 'ALTER COLUMN … DROP NOT NULL', lock: 'AccessExclusive', docs: ALTER },
  'alter-column-type': { summary: 'ALTER COLUMN … TYPE (rewrite)', lock: 'AccessExclusive', rewrite: true, docs: ALTER },
  'alter-column-type-coercible': { summary: 'ALTER COLUMN … TYPE, binary-coercible (no rewrite)', lock: 'AccessExclusive', docs: ALTER },
  'set-statistics': { summary: 'ALTER COLUMN … SET STATISTICS', lock: 'ShareUpdateExclusive', docs: ALTER },
  'set-storage': { summary: 'ALTER COLUMN … SET STORAGE', lock: 'AccessExclusive', docs: ALTER },
  'add-check': { summary: 'ADD CONSTRAINT … CHECK', lock: 'AccessExclusive', scan: true, docs: ALTER },
  'add-check-not-valid': { summary: 'ADD CONSTRAINT … CHECK … NOT VALID', lock: 'AccessExclusive', docs: ALTER },
  'add-not-null-not-valid': { summary: 'ADD CONSTRAINT … NOT NULL … NOT VALID', lock: 'AccessExclusive', since: 18, docs: ALTER },
  'add-unique': { summary: 'ADD CONSTRAINT … UNIQUE / PRIMARY KEY / EXCLUDE', lock: 'AccessExclusive', scan: true, docs: ALTER },
  'add-unique-using-index': { summary: 'ADD CONSTRAINT … UNIQUE / PRIMARY KEY USING INDEX', lock: 'AccessExclusive', docs: ALTER },
  'add-fk': { summary: 'ADD CONSTRAINT … FOREIGN KEY', lock: 'ShareRowExclusive', others: { referenced: 'ShareRowExclusive' }, scan: true, scanReferenced: true, docs: ALTER },
  'add-fk-not-valid': { summary: 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID', lock: 'ShareRowExclusive', others: { referenced: 'ShareRowExclusive' }, docs: ALTER },
  'validate-constraint': { summary: 'VALIDATE CONSTRAINT', lock: 'ShareUpdateExclusive', scan: true, docs: ALTER },
  'validate-fk': { summary: 'VALIDATE CONSTRAINT (foreign key)', lock: 'ShareUpdateExclusive', others: { referenced: 'RowShare' }, scan: true, scanReferenced: true, docs: ALTER },
  'drop-constraint': { summary: 'DROP CONSTRAINT', lock: 'AccessExclusive', docs: ALTER },
  'drop-fk': { summary: 'DROP CONSTRAINT (foreign key)', lock: 'AccessExclusive', others: { referenced: 'AccessExclusive' }, docs: ALTER },
  'rename-column': { summary: 'RENAME COLUMN', lock: 'AccessExclusive', docs: ALTER },
  'rename-table': { summary: 'RENAME TO', lock: 'AccessExclusive', docs: ALTER },
  'rename-index': { summary: 'ALTER INDEX … RENAME', lock: null, others: { table: 'AccessShare' }, docs: 'https://www.postgresql.org/docs/current/sql-alterindex.html' },
  'set-logged': { summary: 'SET LOGGED / SET UNLOGGED', lock: 'AccessExclusive', rewrite: true, docs: ALTER },
  'set-tablespace': { summary: 'SET TABLESPACE', lock: 'AccessExclusive', rewrite: true, assumed: true, docs: ALTER },
  'set-storage-parameter': { summary: 'SET (fillfactor, autovacuum_…) / RESET', lock: 'ShareUpdateExclusive', docs: ALTER },
  'set-other-option': { summary: 'SET (…) of another storage parameter', lock: 'AccessExclusive', docs: ALTER },
  'attach-partition': { summary: 'ATTACH PARTITION', lock: 'ShareUpdateExclusive', others: { partition: 'AccessExclusive', 'default-partition': 'AccessExclusive' }, scanPartition: true, docs: ALTER },
  'detach-partition': { summary: 'DETACH PARTITION', lock: 'AccessExclusive', others: { partition: 'AccessExclusive' }, docs: ALTER },
  'detach-partition-concurrently': { summary: 'DETACH PARTITION … CONCURRENTLY', lock: 'ShareUpdateExclusive', others: { partition: 'AccessExclusive' }, noTransaction: true, since: 14, docs: ALTER },
  'enable-trigger': { summary: 'ENABLE / DISABLE TRIGGER', lock: 'ShareRowExclusive', docs: ALTER },
  'create-trigger': { summary: 'CREATE TRIGGER', lock: 'ShareRowExclusive', docs: 'https://www.postgresql.org/docs/current/sql-createtrigger.html' },
  'drop-trigger': { summary: 'DROP TRIGGER', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-droptrigger.html' },
  'drop-table': { summary: 'DROP TABLE', lock: 'AccessExclusive', others: { referenced: 'AccessExclusive' }, docs: 'https://www.postgresql.org/docs/current/sql-droptable.html' },
  'truncate': { summary: 'TRUNCATE', lock: 'AccessExclusive', rewrite: true, docs: 'https://www.postgresql.org/docs/current/sql-truncate.html' },
  'vacuum': { summary: 'VACUUM', lock: 'ShareUpdateExclusive', scan: true, noTransaction: true, docs: 'https://www.postgresql.org/docs/current/sql-vacuum.html' },
  'vacuum-full': { summary: 'VACUUM FULL', lock: 'AccessExclusive', rewrite: true, noTransaction: true, docs: 'https://www.postgresql.org/docs/current/sql-vacuum.html' },
  'analyze': { summary: 'ANALYZE', lock: 'ShareUpdateExclusive', docs: 'https://www.postgresql.org/docs/current/sql-analyze.html' },
  'cluster': { summary: 'CLUSTER', lock: 'AccessExclusive', rewrite: true, docs: 'https://www.postgresql.org/docs/current/sql-cluster.html' },
  'refresh-matview': { summary: 'REFRESH MATERIALIZED VIEW', lock: 'AccessExclusive', rewrite: true, docs: 'https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html' },
  'refresh-matview-concurrently': { summary: 'REFRESH MATERIALIZED VIEW CONCURRENTLY', lock: 'Exclusive', scan: true, docs: 'https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html' },
  'update': { summary: 'UPDATE with a WHERE clause', lock: 'RowExclusive', docs: 'https://www.postgresql.org/docs/current/sql-update.html' },
  'update-all': { summary: 'UPDATE of every row', lock: 'RowExclusive', scan: true, docs: 'https://www.postgresql.org/docs/current/sql-update.html' },
  'delete': { summary: 'DELETE with a WHERE clause', lock: 'RowExclusive', docs: 'https://www.postgresql.org/docs/current/sql-delete.html' },
  'delete-all': { summary: 'DELETE of every row', lock: 'RowExclusive', scan: true, docs: 'https://www.postgresql.org/docs/current/sql-delete.html' },
  'insert': { summary: 'INSERT', lock: 'RowExclusive', docs: 'https://www.postgresql.org/docs/current/sql-insert.html' },
  'comment': { summary: 'COMMENT ON TABLE / COLUMN', lock: 'ShareUpdateExclusive', docs: 'https://www.postgresql.org/docs/current/sql-comment.html' },
  'create-statistics': { summary: 'CREATE STATISTICS', lock: 'ShareUpdateExclusive', docs: 'https://www.postgresql.org/docs/current/sql-createstatistics.html' },
  'replace-view': { summary: 'CREATE OR REPLACE VIEW', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-createview.html' },
  'drop-view': { summary: 'DROP VIEW / MATERIALIZED VIEW', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-dropview.html' },
  'set-owner': { summary: 'OWNER TO', lock: 'AccessExclusive', docs: ALTER },
  'replica-identity': { summary: 'REPLICA IDENTITY', lock: 'AccessExclusive', docs: ALTER },
  'row-security': { summary: 'ENABLE / DISABLE ROW LEVEL SECURITY', lock: 'AccessExclusive', docs: ALTER },
  'alter-enum-add-value': { summary: 'ALTER TYPE … ADD VALUE', lock: null, docs: 'https://www.postgresql.org/docs/current/sql-altertype.html' },
  'lock-table': { summary: 'LOCK TABLE', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-lock.html' },
  'reindex-schema': { summary: 'REINDEX SCHEMA / DATABASE / SYSTEM (each table in turn, SHARE while its indexes are rebuilt)', lock: null, noTransaction: true, docs: 'https://www.postgresql.org/docs/current/sql-reindex.html' },
  'cluster-all': { summary: 'CLUSTER without a table (every table clustered before, one after the other)', lock: null, noTransaction: true, docs: 'https://www.postgresql.org/docs/current/sql-cluster.html' },
  'merge': { summary: 'MERGE', lock: 'RowExclusive', since: 15, docs: 'https://www.postgresql.org/docs/current/sql-merge.html' },
  'copy-from': { summary: 'COPY … FROM', lock: 'RowExclusive', docs: 'https://www.postgresql.org/docs/current/sql-copy.html' },
  'select-for-update': { summary: 'SELECT … FOR UPDATE / FOR SHARE', lock: 'RowShare', docs: 'https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE' },
  'policy': { summary: 'CREATE / ALTER / DROP / RENAME POLICY', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-createpolicy.html' },
  'rule': { summary: 'CREATE / DROP / RENAME RULE', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-createrule.html' },
  'set-schema': { summary: 'ALTER TABLE / VIEW / SEQUENCE … SET SCHEMA', lock: 'AccessExclusive', docs: ALTER },
  'alter-sequence': { summary: 'ALTER SEQUENCE (blocks nextval(), so inserts that use it; writes the one-page sequence anew)', lock: 'ShareRowExclusive', rewrite: true, docs: 'https://www.postgresql.org/docs/current/sql-altersequence.html' },
  'rename-sequence': { summary: 'ALTER SEQUENCE … RENAME', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-altersequence.html' },
  'drop-sequence': { summary: 'DROP SEQUENCE', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-dropsequence.html' },
  'rename-constraint': { summary: 'RENAME CONSTRAINT', lock: 'AccessExclusive', docs: ALTER },
  'rename-trigger': { summary: 'ALTER TRIGGER … RENAME', lock: 'AccessExclusive', docs: 'https://www.postgresql.org/docs/current/sql-altertrigger.html' },
  'publication': { summary: 'CREATE / ALTER PUBLICATION … TABLE', lock: 'ShareUpdateExclusive', docs: 'https://www.postgresql.org/docs/current/sql-createpublication.html' },
  'security-label': { summary: 'SECURITY LABEL ON a table or column', lock: 'ShareUpdateExclusive', assumed: true, docs: 'https://www.postgresql.org/docs/current/sql-security-label.html' },
  'no-transaction-command': { summary: 'CREATE / DROP DATABASE, CREATE / DROP TABLESPACE, ALTER SYSTEM, DISCARD ALL, CREATE SUBSCRIPTION (creating its slot)', lock: null, noTransaction: true, docs: 'https://www.postgresql.org/docs/current/sql-commands.html' },
  'no-table-lock': { summary: 'a statement that locks no existing table (CREATE FUNCTION, CREATE TYPE, SET, GRANT …; reads take only ACCESS SHARE)', lock: null, docs: 'https://www.postgresql.org/docs/current/explicit-locking.html' },
  'alter-table-other': { summary: 'another ALTER TABLE action (assumed ACCESS EXCLUSIVE)', lock: 'AccessExclusive', assumed: true, docs: ALTER },
  'opaque': { summary: 'runs code or reaches objects the statement does not name (DO, CALL, EXECUTE, ALTER EXTENSION … UPDATE, DROP … CASCADE …): its locks are unknown', lock: null, assumed: true, docs: 'https://www.postgresql.org/docs/current/explicit-locking.html' },
  'unclassified': { summary: 'a statement kind the facts table does not know (a newer parser?): no lock assumed', lock: null, assumed: true, docs: 'https://www.postgresql.org/docs/current/explicit-locking.html' },
} as const satisfies Record<string, ActionFacts>;

/** An action's id. */
export type ActionId = keyof typeof ACTIONS;

/**
 * An action's facts for a server major (undefined when that major lacks it).
 *
 * @example
 * factsFor('attach-partition', 15).lock; // 'ShareUpdateExclusive'
 */
export function factsFor(id: ActionId, major?: number): ActionFacts | undefined {
  const facts: ActionFacts = ACTIONS[id];
  if (major !== undefined && facts.since !== undefined && major < facts.since) return undefined;
  return facts;
}
