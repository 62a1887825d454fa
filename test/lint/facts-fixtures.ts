/**
 * One server fixture (at least) per entry of the statement-facts table: the
 * tables it needs beyond the base ones, the statement, and — for statements
 * that cannot run in a transaction block — what a third session holds so
 * the statement can be caught while it waits, its locks visible.
 */
import type { ActionId } from '../../src/lint/facts/index.js';

/** A verification fixture. */
export interface FactsFixture {
  action: ActionId;
  sql: string;
  setup?: string;
  /** For no-transaction statements: held by a third session meanwhile. */
  blocker?: string;
  since?: number;
  /** Tables read that the statement does not name (a materialized view's sources). */
  sources?: string[];
}

/** The base: two populated tables with an index. */
export const BASE_SETUP = `
CREATE TABLE ref (id int PRIMARY KEY);
INSERT INTO ref SELECT g FROM generate_series(1, 2000) g;
CREATE TABLE t (id int PRIMARY KEY, v varchar(10), n numeric(10, 2), c text, ts timestamp);
INSERT INTO t SELECT g, 'v' || g, g, 'c', now() FROM generate_series(1, 2000) g;
CREATE INDEX t_c ON t (c);
ANALYZE ref; ANALYZE t;`;

const PARTITIONED = 'CREATE TABLE p (id int, k int) PARTITION BY RANGE (k);';
const DETACHABLE = `${PARTITIONED} CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10); INSERT INTO p SELECT g, 5 FROM generate_series(1, 500) g;`;
const ATTACHABLE = `${PARTITIONED} CREATE TABLE p1 (id int, k int); INSERT INTO p1 SELECT g, 5 FROM generate_series(1, 500) g;`;
const TRIGGER_FN = `CREATE FUNCTION tr_fn() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';`;
const MATVIEW = 'CREATE MATERIALIZED VIEW mv AS SELECT id FROM t; CREATE UNIQUE INDEX mv_id ON mv (id);';
const WRITERS = 'LOCK TABLE t IN ROW EXCLUSIVE MODE';

/** Every fixture. */
export const FACTS_FIXTURES: FactsFixture[] = [
  { action: 'create-table', sql: 'CREATE TABLE n (id int)' },
  { action: 'create-table-fk', sql: 'CREATE TABLE n (id int REFERENCES ref (id))' },
  { action: 'create-table-partition-of', setup: PARTITIONED, sql: 'CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)' },
  { action: 'create-index', sql: 'CREATE INDEX t_v ON t (v)' },
  { action: 'create-index-concurrently', sql: 'CREATE INDEX CONCURRENTLY t_v ON t (v)', blocker: WRITERS },
  { action: 'drop-index', sql: 'DROP INDEX t_c' },
  { action: 'drop-index-concurrently', sql: 'DROP INDEX CONCURRENTLY t_c', blocker: WRITERS },
  { action: 'reindex-table', sql: 'REINDEX TABLE t' },
  { action: 'reindex-index', sql: 'REINDEX INDEX t_c' },
  { action: 'reindex-concurrently', sql: 'REINDEX INDEX CONCURRENTLY t_c', blocker: WRITERS },
  { action: 'add-column', sql: 'ALTER TABLE t ADD COLUMN x int NOT NULL DEFAULT 0' },
  { action: 'add-column', sql: "ALTER TABLE t ADD COLUMN x timestamptz DEFAULT now()" },
  { action: 'add-column-volatile-default', sql: 'ALTER TABLE t ADD COLUMN x timestamptz DEFAULT clock_timestamp()' },
  { action: 'add-column-volatile-default', sql: 'ALTER TABLE t ADD COLUMN x serial' },
  { action: 'add-column-stored-generated', sql: 'ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (id * 2) STORED' },
  { action: 'add-column-virtual-generated', sql: 'ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (id * 2) VIRTUAL', since: 18 },
  { action: 'add-column-identity', sql: 'ALTER TABLE t ADD COLUMN x bigint GENERATED ALWAYS AS IDENTITY' },
  { action: 'add-column-check', sql: 'ALTER TABLE t ADD COLUMN x int DEFAULT 1 CHECK (x > 0)' },
  { action: 'add-column-not-null', setup: 'CREATE TABLE e (id int); INSERT INTO e SELECT 1 WHERE false;', sql: 'ALTER TABLE e ADD COLUMN x int NOT NULL' },
  { action: 'add-column-unique', sql: 'ALTER TABLE t ADD COLUMN x int UNIQUE' },
  { action: 'add-column-fk', sql: 'ALTER TABLE t ADD COLUMN x int REFERENCES ref (id)' },
  { action: 'drop-column', sql: 'ALTER TABLE t DROP COLUMN c' },
  { action: 'set-default', sql: "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'd'" },
  { action: 'drop-default', setup: "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'd';", sql: 'ALTER TABLE t ALTER COLUMN c DROP DEFAULT' },
  { action: 'set-not-null', sql: 'ALTER TABLE t ALTER COLUMN v SET NOT NULL' },
  { action: 'set-not-null-checked', setup: 'ALTER TABLE t ADD CONSTRAINT t_v_nn CHECK (v IS NOT NULL);', sql: 'ALTER TABLE t ALTER COLUMN v SET NOT NULL' },
  { action: 'drop-not-null', setup: 'ALTER TABLE t ALTER COLUMN v SET NOT NULL;', sql: 'ALTER TABLE t ALTER COLUMN v DROP NOT NULL' },
  { action: 'alter-column-type', sql: 'ALTER TABLE t ALTER COLUMN id TYPE bigint' },
  { action: 'alter-column-type', sql: 'ALTER TABLE t ALTER COLUMN v TYPE varchar(5)' },
  { action: 'alter-column-type', sql: 'ALTER TABLE t ALTER COLUMN c TYPE varchar(20)' },
  { action: 'alter-column-type-coercible', sql: 'ALTER TABLE t ALTER COLUMN v TYPE text' },
  { action: 'alter-column-type-coercible', sql: 'ALTER TABLE t ALTER COLUMN v TYPE varchar(50)' },
  { action: 'alter-column-type-coercible', sql: 'ALTER TABLE t ALTER COLUMN n TYPE numeric(12, 2)' },
  { action: 'alter-column-type-coercible', sql: 'ALTER TABLE t ALTER COLUMN c TYPE varchar' },
  { action: 'set-statistics', sql: 'ALTER TABLE t ALTER COLUMN v SET STATISTICS 500' },
  { action: 'set-storage', sql: 'ALTER TABLE t ALTER COLUMN c SET STORAGE EXTERNAL' },
  { action: 'add-check', sql: 'ALTER TABLE t ADD CONSTRAINT t_id_positive CHECK (id > 0)' },
  { action: 'add-check-not-valid', sql: 'ALTER TABLE t ADD CONSTRAINT t_id_positive CHECK (id > 0) NOT VALID' },
  { action: 'add-not-null-not-valid', sql: 'ALTER TABLE t ADD CONSTRAINT t_v_nn NOT NULL v NOT VALID', since: 18 },
  { action: 'add-unique', sql: 'ALTER TABLE t ADD CONSTRAINT t_id_c UNIQUE (id, c)' },
  { action: 'add-unique-using-index', setup: 'CREATE UNIQUE INDEX t_u ON t (id, v);', sql: 'ALTER TABLE t ADD CONSTRAINT t_u UNIQUE USING INDEX t_u' },
  { action: 'add-fk', sql: 'ALTER TABLE t ADD CONSTRAINT t_ref FOREIGN KEY (id) REFERENCES ref (id)' },
  { action: 'add-fk-not-valid', sql: 'ALTER TABLE t ADD CONSTRAINT t_ref FOREIGN KEY (id) REFERENCES ref (id) NOT VALID' },
  { action: 'validate-constraint', setup: 'ALTER TABLE t ADD CONSTRAINT t_id_positive CHECK (id > 0) NOT VALID;', sql: 'ALTER TABLE t VALIDATE CONSTRAINT t_id_positive' },
  { action: 'validate-fk', setup: 'ALTER TABLE t ADD CONSTRAINT t_ref FOREIGN KEY (id) REFERENCES ref (id) NOT VALID;', sql: 'ALTER TABLE t VALIDATE CONSTRAINT t_ref' },
  { action: 'drop-constraint', setup: 'ALTER TABLE t ADD CONSTRAINT t_id_positive CHECK (id > 0);', sql: 'ALTER TABLE t DROP CONSTRAINT t_id_positive' },
  { action: 'drop-fk', setup: 'ALTER TABLE t ADD CONSTRAINT t_ref FOREIGN KEY (id) REFERENCES ref (id);', sql: 'ALTER TABLE t DROP CONSTRAINT t_ref' },
  { action: 'rename-column', sql: 'ALTER TABLE t RENAME COLUMN c TO c2' },
  { action: 'rename-table', sql: 'ALTER TABLE t RENAME TO t2' },
  { action: 'rename-index', sql: 'ALTER INDEX t_c RENAME TO t_c2' },
  { action: 'set-logged', sql: 'ALTER TABLE t SET UNLOGGED' },
  { action: 'set-storage-parameter', sql: 'ALTER TABLE t SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01)' },
  { action: 'set-other-option', sql: 'ALTER TABLE t SET (user_catalog_table = true)' },
  { action: 'attach-partition', setup: ATTACHABLE, sql: 'ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10)' },
  { action: 'attach-partition', setup: `${ATTACHABLE} CREATE TABLE pd PARTITION OF p DEFAULT; INSERT INTO pd VALUES (1, 50);`, sql: 'ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10)' },
  { action: 'detach-partition', setup: DETACHABLE, sql: 'ALTER TABLE p DETACH PARTITION p1' },
  { action: 'detach-partition-concurrently', setup: DETACHABLE, sql: 'ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY', blocker: 'LOCK TABLE p1 IN ACCESS SHARE MODE', since: 14 },
  { action: 'enable-trigger', setup: `${TRIGGER_FN} CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tr_fn();`, sql: 'ALTER TABLE t DISABLE TRIGGER tr' },
  { action: 'create-trigger', setup: TRIGGER_FN, sql: 'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tr_fn()' },
  { action: 'drop-trigger', setup: `${TRIGGER_FN} CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tr_fn();`, sql: 'DROP TRIGGER tr ON t' },
  { action: 'drop-table', sql: 'DROP TABLE t' },
  { action: 'drop-table', setup: 'CREATE TABLE ch (id int, ref_id int REFERENCES ref (id));', sql: 'DROP TABLE ch' },
  { action: 'truncate', sql: 'TRUNCATE t' },
  { action: 'vacuum', sql: 'VACUUM t', blocker: 'LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE' },
  { action: 'vacuum-full', sql: 'VACUUM FULL t', blocker: WRITERS },
  { action: 'analyze', sql: 'ANALYZE t' },
  { action: 'cluster', sql: 'CLUSTER t USING t_pkey' },
  { action: 'refresh-matview', setup: MATVIEW, sql: 'REFRESH MATERIALIZED VIEW mv', sources: ['t'] },
  { action: 'refresh-matview-concurrently', setup: MATVIEW, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv', sources: ['t'] },
  { action: 'update', sql: "UPDATE t SET c = 'z' WHERE id = 1" },
  { action: 'update-all', sql: "UPDATE t SET c = 'z'" },
  { action: 'delete', sql: 'DELETE FROM t WHERE id = 1' },
  { action: 'delete-all', sql: 'DELETE FROM t' },
  { action: 'insert', sql: 'INSERT INTO t (id) VALUES (5000)' },
  { action: 'comment', sql: "COMMENT ON TABLE t IS 'things'" },
  { action: 'comment', sql: "COMMENT ON COLUMN t.c IS 'a column'" },
  { action: 'create-statistics', sql: 'CREATE STATISTICS t_stats ON id, v FROM t' },
  { action: 'replace-view', setup: 'CREATE VIEW vw AS SELECT id FROM t;', sql: 'CREATE OR REPLACE VIEW vw AS SELECT id, v FROM t' },
  { action: 'drop-view', setup: 'CREATE VIEW vw AS SELECT id FROM t;', sql: 'DROP VIEW vw' },
  { action: 'drop-view', setup: MATVIEW, sql: 'DROP MATERIALIZED VIEW mv' },
  { action: 'set-owner', sql: 'ALTER TABLE t OWNER TO CURRENT_USER' },
  { action: 'replica-identity', sql: 'ALTER TABLE t REPLICA IDENTITY FULL' },
  { action: 'row-security', sql: 'ALTER TABLE t ENABLE ROW LEVEL SECURITY' },
  { action: 'alter-enum-add-value', setup: "CREATE TYPE mood AS ENUM ('sad');", sql: "ALTER TYPE mood ADD VALUE 'happy'" },
  { action: 'lock-table', sql: 'LOCK TABLE t IN SHARE MODE' },
  { action: 'lock-table', sql: 'LOCK TABLE t' },
  { action: 'no-table-lock', sql: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'" },
];
