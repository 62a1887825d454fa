-- The notes table. Unqualified names land in the target schema:
-- cutover pins search_path to it (--schema / DB_SCHEMA, default public).
CREATE TABLE notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
