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
  /** For no-transaction statements with no lock to catch them waiting on: refused inside a transaction block (SQLSTATE 25001). */
  refused?: boolean;
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
  // Statement kinds beyond ALTER TABLE and friends: one at least for each kind of statement-kinds.ts.
  { action: 'reindex-schema', sql: 'REINDEX SCHEMA public', refused: true },
  { action: 'reindex-schema', sql: 'REINDEX DATABASE {database}', refused: true },
  { action: 'cluster-all', sql: 'CLUSTER', refused: true },
  { action: 'vacuum', sql: 'VACUUM', refused: true },
  { action: 'merge', sql: 'MERGE INTO t USING ref ON t.id = ref.id WHEN MATCHED THEN UPDATE SET c = ref.id::text', since: 15, sources: ['ref', 't'] },
  { action: 'copy-from', sql: "COPY t FROM '/dev/null'" },
  { action: 'no-table-lock', sql: "COPY t TO '/dev/null'", sources: ['t'] },
  { action: 'select-for-update', sql: 'SELECT * FROM t WHERE id = 1 FOR UPDATE' },
  { action: 'no-table-lock', sql: 'SELECT count(*) FROM t', sources: ['t'] },
  { action: 'update', sql: "EXPLAIN UPDATE t SET c = 'z' WHERE id = 1" },
  { action: 'update', sql: "PREPARE upd AS UPDATE t SET c = 'z' WHERE id = 1" },
  { action: 'no-table-lock', sql: 'DECLARE cur CURSOR FOR SELECT * FROM t; FETCH 1 FROM cur; CLOSE cur', sources: ['t'] },
  { action: 'create-table', sql: 'CREATE TABLE n AS SELECT * FROM t', sources: ['t'] },
  { action: 'create-table', sql: 'CREATE MATERIALIZED VIEW n AS SELECT * FROM t', sources: ['t'] },
  { action: 'policy', sql: 'CREATE POLICY pol ON t USING (true)' },
  { action: 'policy', setup: 'CREATE POLICY pol ON t USING (true);', sql: 'ALTER POLICY pol ON t USING (false)' },
  { action: 'policy', setup: 'CREATE POLICY pol ON t USING (true);', sql: 'ALTER POLICY pol ON t RENAME TO pol2' },
  { action: 'policy', setup: 'CREATE POLICY pol ON t USING (true);', sql: 'DROP POLICY pol ON t' },
  { action: 'rule', sql: 'CREATE RULE ru AS ON INSERT TO t WHERE false DO NOTHING' },
  { action: 'rule', setup: 'CREATE RULE ru AS ON INSERT TO t WHERE false DO NOTHING;', sql: 'ALTER RULE ru ON t RENAME TO ru2' },
  { action: 'rule', setup: 'CREATE RULE ru AS ON INSERT TO t WHERE false DO NOTHING;', sql: 'DROP RULE ru ON t' },
  { action: 'set-schema', setup: 'CREATE SCHEMA elsewhere_{i};', sql: 'ALTER TABLE t SET SCHEMA elsewhere_{i}' },
  { action: 'alter-sequence', setup: 'CREATE SEQUENCE sq;', sql: 'ALTER SEQUENCE sq INCREMENT BY 2' },
  { action: 'alter-sequence', setup: 'CREATE SEQUENCE sq;', sql: 'ALTER SEQUENCE sq RESTART WITH 10' },
  { action: 'rename-sequence', setup: 'CREATE SEQUENCE sq;', sql: 'ALTER SEQUENCE sq RENAME TO sq2' },
  { action: 'drop-sequence', setup: 'CREATE SEQUENCE sq;', sql: 'DROP SEQUENCE sq' },
  { action: 'rename-constraint', setup: 'ALTER TABLE t ADD CONSTRAINT t_id_positive CHECK (id > 0);', sql: 'ALTER TABLE t RENAME CONSTRAINT t_id_positive TO t_id_pos' },
  { action: 'rename-trigger', setup: `${TRIGGER_FN} CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tr_fn();`, sql: 'ALTER TRIGGER tr ON t RENAME TO tr2' },
  { action: 'no-table-lock', setup: 'ALTER TABLE t ADD CONSTRAINT t_id_positive CHECK (id > 0);', sql: "COMMENT ON CONSTRAINT t_id_positive ON t IS 'positive'" },
  { action: 'no-table-lock', setup: `${TRIGGER_FN} CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tr_fn();`, sql: "COMMENT ON TRIGGER tr ON t IS 'a trigger'" },
  { action: 'comment', setup: 'CREATE VIEW vw AS SELECT id FROM t;', sql: "COMMENT ON VIEW vw IS 'a view'" },
  { action: 'no-table-lock', sql: "COMMENT ON FUNCTION tr_fn() IS 'a function'", setup: TRIGGER_FN },
  { action: 'publication', sql: 'CREATE PUBLICATION pub_{i} FOR TABLE t' },
  { action: 'publication', setup: 'CREATE PUBLICATION pub_{i};', sql: 'ALTER PUBLICATION pub_{i} ADD TABLE t' },
  { action: 'no-table-lock', sql: 'CREATE PUBLICATION pub_{i}' },
  { action: 'no-table-lock', setup: 'CREATE DOMAIN posint AS int;', sql: 'ALTER DOMAIN posint SET DEFAULT 1' },
  { action: 'no-table-lock', sql: 'ALTER FUNCTION tr_fn() STABLE', setup: TRIGGER_FN },
  { action: 'no-table-lock', sql: 'ALTER FUNCTION tr_fn() OWNER TO CURRENT_USER', setup: TRIGGER_FN },
  { action: 'no-table-lock', sql: "CREATE TYPE mood2 AS ENUM ('a')" },
  { action: 'no-table-lock', sql: 'CREATE TYPE pair AS (a int, b int)' },
  { action: 'no-table-lock', sql: 'CREATE TYPE floatrange AS RANGE (subtype = float8)' },
  { action: 'no-table-lock', sql: 'CREATE AGGREGATE mysum(int) (sfunc = int4pl, stype = int)' },
  { action: 'no-table-lock', sql: 'CREATE DOMAIN posint AS int CHECK (VALUE > 0)' },
  { action: 'no-table-lock', sql: 'CREATE SEQUENCE sq' },
  { action: 'no-table-lock', sql: 'CREATE SCHEMA fresh_{i} CREATE TABLE inside (id int)' },
  { action: 'no-table-lock', sql: 'CREATE EXTENSION citext SCHEMA public', setup: TRIGGER_FN },
  { action: 'no-table-lock', sql: 'CREATE EXTENSION citext SCHEMA public; ALTER EXTENSION citext ADD FUNCTION tr_fn()', setup: TRIGGER_FN },
  { action: 'no-table-lock', sql: "SET lock_timeout = '5s'; SHOW lock_timeout; SAVEPOINT a; SET CONSTRAINTS ALL DEFERRED" },
  { action: 'no-table-lock', sql: 'GRANT SELECT, INSERT ON t TO PUBLIC' },
  { action: 'no-table-lock', sql: 'GRANT pg_monitor TO CURRENT_USER' },
  { action: 'no-table-lock', sql: 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC' },
  { action: 'no-table-lock', sql: 'CREATE ROLE cutover_facts_role_{i}; ALTER ROLE cutover_facts_role_{i} CONNECTION LIMIT 3; ALTER ROLE cutover_facts_role_{i} SET work_mem = \'8MB\'; DROP ROLE cutover_facts_role_{i}' },
  { action: 'no-table-lock', setup: 'CREATE TYPE pair AS (a int, b int);', sql: 'CREATE CAST (pair AS text) WITH INOUT' },
  { action: 'no-table-lock', sql: "CREATE CONVERSION conv_{i} FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8" },
  { action: 'no-table-lock', sql: 'CREATE OR REPLACE TRUSTED LANGUAGE plpgsql HANDLER plpgsql_call_handler' },
  { action: 'no-table-lock', sql: 'CREATE ACCESS METHOD am_{i} TYPE INDEX HANDLER bthandler' },
  { action: 'no-table-lock', sql: 'CREATE OPERATOR FAMILY fam USING btree; ALTER OPERATOR FAMILY fam USING btree ADD FUNCTION 1 (int4, int4) btint4cmp(int4, int4)' },
  { action: 'no-table-lock', sql: 'CREATE OPERATOR CLASS ops FOR TYPE int4 USING btree AS OPERATOR 1 <, FUNCTION 1 btint4cmp(int4, int4)' },
  { action: 'no-table-lock', setup: 'CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);', sql: 'ALTER OPERATOR === (int, int) SET (RESTRICT = eqsel)' },
  { action: 'no-table-lock', setup: "CREATE COLLATION coll (locale = 'C');", sql: 'ALTER COLLATION coll REFRESH VERSION' },
  { action: 'no-table-lock', setup: 'CREATE TEXT SEARCH DICTIONARY dict (TEMPLATE = simple); CREATE TEXT SEARCH CONFIGURATION cfg (COPY = english);', sql: 'ALTER TEXT SEARCH DICTIONARY dict (Accept = false); ALTER TEXT SEARCH CONFIGURATION cfg DROP MAPPING FOR email' },
  { action: 'no-table-lock', setup: 'CREATE STATISTICS st ON id, v FROM t;', sql: 'ALTER STATISTICS st SET STATISTICS 100' },
  { action: 'no-table-lock', setup: "CREATE FUNCTION et_fn() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';", sql: 'CREATE EVENT TRIGGER et_{i} ON ddl_command_start EXECUTE FUNCTION et_fn(); ALTER EVENT TRIGGER et_{i} DISABLE' },
  {
    action: 'create-table',
    sql: "CREATE FOREIGN DATA WRAPPER fdw_{i}; ALTER FOREIGN DATA WRAPPER fdw_{i} OPTIONS (ADD a '1'); CREATE SERVER srv_{i} FOREIGN DATA WRAPPER fdw_{i}; ALTER SERVER srv_{i} OPTIONS (ADD b '2'); CREATE USER MAPPING FOR CURRENT_USER SERVER srv_{i}; ALTER USER MAPPING FOR CURRENT_USER SERVER srv_{i} OPTIONS (ADD c '3'); DROP USER MAPPING FOR CURRENT_USER SERVER srv_{i}; CREATE FOREIGN TABLE ft (id int) SERVER srv_{i}",
  },
  { action: 'no-table-lock', sql: "ALTER DATABASE {database} CONNECTION LIMIT -1; ALTER DATABASE {database} SET work_mem = '8MB'" },
  { action: 'no-table-lock', sql: 'ALTER DATABASE {database} REFRESH COLLATION VERSION', since: 15 },
  { action: 'no-table-lock', sql: 'ALTER TABLESPACE pg_default SET (random_page_cost = 1.1)' },
  { action: 'no-table-lock', sql: "NOTIFY chan; LISTEN chan; UNLISTEN *; LOAD 'plpgsql'; CHECKPOINT; DEALLOCATE ALL; DISCARD PLANS" },
  { action: 'no-transaction-command', sql: 'CREATE DATABASE cutover_facts_never', refused: true },
  { action: 'no-transaction-command', sql: 'DROP DATABASE cutover_facts_never', refused: true },
  { action: 'no-transaction-command', sql: "ALTER SYSTEM SET work_mem = '8MB'", refused: true },
  { action: 'no-transaction-command', sql: "CREATE TABLESPACE cutover_facts_never LOCATION '/nonexistent'", refused: true },
  { action: 'no-transaction-command', sql: 'DROP TABLESPACE cutover_facts_never', refused: true },
  { action: 'no-transaction-command', sql: 'DISCARD ALL', refused: true },
  { action: 'no-transaction-command', sql: "CREATE SUBSCRIPTION sub_{i} CONNECTION 'dbname=cutover_facts_never' PUBLICATION p", refused: true },
];

/**
 * Statements no server fixture runs, classified offline only: each with the
 * action it must get and why the test server cannot prove it.
 */
export const OFFLINE_SAMPLES: { action: ActionId; sql: string; reason: string }[] = [
  { action: 'opaque', sql: "DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN x int'; END $$", reason: 'runs code: nothing to compare' },
  { action: 'opaque', sql: 'CALL refresh_everything()', reason: 'runs a procedure: nothing to compare' },
  { action: 'opaque', sql: 'EXECUTE upd', reason: 'runs a statement prepared elsewhere' },
  { action: 'opaque', sql: "ALTER EXTENSION citext UPDATE TO '1.6'", reason: 'runs the extension\'s update script' },
  { action: 'opaque', sql: 'DROP OWNED BY app', reason: 'drops every object of a role' },
  { action: 'opaque', sql: 'REASSIGN OWNED BY app TO admin', reason: 'changes the owner of every object of a role' },
  { action: 'opaque', sql: 'ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE fast', reason: 'needs a second tablespace (a directory on the server)' },
  { action: 'opaque', sql: 'ALTER SUBSCRIPTION sub REFRESH PUBLICATION', reason: 'connects to a publisher' },
  { action: 'opaque', sql: 'DROP SUBSCRIPTION sub', reason: 'connects to a publisher' },
  { action: 'opaque', sql: 'DROP TYPE mood CASCADE', reason: 'what it drops depends on the database' },
  { action: 'opaque', sql: 'ALTER DOMAIN posint ADD CONSTRAINT positive CHECK (VALUE > 0)', reason: 'reads the tables that use the domain, which the statement does not name' },
  { action: 'security-label', sql: "SECURITY LABEL ON TABLE t IS 'secret'", reason: 'needs a label provider (sepgsql) loaded in the server' },
  { action: 'no-table-lock', sql: 'IMPORT FOREIGN SCHEMA remote FROM SERVER srv INTO public', reason: 'needs a reachable foreign server' },
  { action: 'no-table-lock', sql: 'CREATE TRANSFORM FOR hstore LANGUAGE plpython3u (FROM SQL WITH FUNCTION hstore_to_plpython(internal), TO SQL WITH FUNCTION plpython_to_hstore(internal))', reason: 'needs C functions taking internal' },
  { action: 'no-table-lock', sql: 'ALTER TYPE box SET (ANALYZE = NONE)', reason: 'changes a built-in base type\'s support functions' },
  { action: 'alter-table-other', sql: 'ALTER INDEX t_c DEPENDS ON EXTENSION citext', reason: 'assumed ACCESS EXCLUSIVE (the lock is on the index)' },
];
