-- cutover:phase post
-- Contract: once no v1 instance is live (the post-deploy guard checks the
-- instance registry), drop the sync trigger and the old column, and make
-- content required without a long ACCESS EXCLUSIVE scan: a NOT VALID check,
-- validated under SHARE UPDATE EXCLUSIVE, lets SET NOT NULL skip the scan.
DROP TRIGGER notes_sync_content ON notes;
DROP FUNCTION notes_sync_content();
ALTER TABLE notes DROP COLUMN body;
ALTER TABLE notes ADD CONSTRAINT notes_content_not_null CHECK (content IS NOT NULL) NOT VALID;
ALTER TABLE notes VALIDATE CONSTRAINT notes_content_not_null;
ALTER TABLE notes ALTER COLUMN content SET NOT NULL;
ALTER TABLE notes DROP CONSTRAINT notes_content_not_null;
