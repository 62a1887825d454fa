/**
 * The instance protocol, version 1 (docs/instance-protocol.md): the three
 * SQL statements any app, in any language, runs against `cutover_instances`
 * to be seen by the post-deploy guard. They name the table unqualified (the
 * app's session has the target schema on its search_path, as it has for its
 * own tables). The docs' sqlx, pgx and pg snippets hold these exact strings;
 * a test runs them from the doc. Node's own registry (registry.ts) builds the
 * same table with the same columns and serialises its creation on the same
 * advisory lock key.
 */

/** The protocol's version, also in the table's comment. */
export const INSTANCE_PROTOCOL_VERSION = 1;

/** The table's columns (v1). Later versions only add columns with defaults. */
export const INSTANCE_COLUMNS = `id text PRIMARY KEY,
    host text NOT NULL,
    app_version text NOT NULL,
    known_version text NOT NULL,
    pid integer,
    application_name text,
    started_at timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    ttl_ms integer NOT NULL CHECK (ttl_ms > 0)`;

/** The table's comment: which protocol it speaks. */
export const INSTANCE_TABLE_COMMENT = `cutover instance protocol v${INSTANCE_PROTOCOL_VERSION} (docs/instance-protocol.md)`;

/**
 * The advisory lock that serialises creating the table in one schema (instances
 * starting together would race on the catalog), as SQL over a schema name expression.
 *
 * @example
 * registryLockSql("'public'"); // pg_advisory_xact_lock(hashtext('cutover_instances'), hashtext('public'))
 */
export function registryLockSql(schemaExpression: string): string {
  return `pg_advisory_xact_lock(hashtext('cutover_instances'), hashtext(${schemaExpression}))`;
}

/**
 * The protocol's statements, exactly as the docs show them.
 *
 * @example
 * await client.query(INSTANCE_PROTOCOL.heartbeat, [id, host, '2.4.0', '20260315090000', process.pid, 30_000]);
 */
export const INSTANCE_PROTOCOL = {
  /** Once at start-up: create the table in the current schema if missing (one statement, safe to race; only its creator needs CREATE rights). */
  create: `DO $$
BEGIN
  PERFORM ${registryLockSql('current_schema()')};
  IF to_regclass('cutover_instances') IS NULL THEN
    CREATE TABLE cutover_instances (
      ${INSTANCE_COLUMNS.replace(/\n/g, '\n  ')}
    );
    COMMENT ON TABLE cutover_instances IS '${INSTANCE_TABLE_COMMENT}';
  END IF;
END $$`,
  /** Register, then every heartbeat: $1 id, $2 host, $3 app_version, $4 known_version, $5 pid, $6 ttl_ms. */
  heartbeat: `INSERT INTO cutover_instances (id, host, app_version, known_version, pid, ttl_ms)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, app_version = EXCLUDED.app_version,
  known_version = EXCLUDED.known_version, pid = EXCLUDED.pid, ttl_ms = EXCLUDED.ttl_ms, last_seen = now()`,
  /** On a clean shutdown: $1 id. */
  deregister: 'DELETE FROM cutover_instances WHERE id = $1',
} as const;
