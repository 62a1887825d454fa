-- cutover:no-transaction
-- Backfill in batches of 1,000 rows, each its own short transaction: no long
-- row locks, no long-running transaction holding back vacuum.
DO $$
DECLARE n integer;
BEGIN
  LOOP
    UPDATE notes SET content = body WHERE id IN (SELECT id FROM notes WHERE content IS NULL LIMIT 1000);
    GET DIAGNOSTICS n = ROW_COUNT;
    EXIT WHEN n = 0;
    COMMIT;
  END LOOP;
END $$;
