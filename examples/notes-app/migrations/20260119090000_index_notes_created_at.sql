-- cutover:no-transaction
-- CREATE INDEX CONCURRENTLY does not block writes, but cannot run inside a
-- transaction block. If it fails half-way it leaves an INVALID index, so the
-- migration is recorded `failed` and `cutover resolve` is required; IF NOT
-- EXISTS makes a rerun after `resolve --rolled-back` safe.
CREATE INDEX CONCURRENTLY IF NOT EXISTS notes_created_at_idx ON notes (created_at DESC);
