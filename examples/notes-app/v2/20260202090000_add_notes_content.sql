-- Release 2 renames notes.body to notes.content, the expand/contract way.
-- Expand: the new column, kept in sync with the old one by a trigger while
-- both versions run (v1 writes body, v2 writes content).
ALTER TABLE notes ADD COLUMN content text;
CREATE FUNCTION notes_sync_content() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.content := COALESCE(NEW.content, NEW.body);
    NEW.body := COALESCE(NEW.body, NEW.content);
  ELSIF NEW.content IS DISTINCT FROM OLD.content THEN
    NEW.body := NEW.content;
  ELSIF NEW.body IS DISTINCT FROM OLD.body THEN
    NEW.content := NEW.body;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER notes_sync_content BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION notes_sync_content();
-- v2 inserts content only: body's NOT NULL would refuse it before v1 is gone,
-- so the trigger fills body (BEFORE triggers run before the constraint check).
