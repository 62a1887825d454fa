-- cutover:phase post
-- Contract: once every instance runs the version that writes `author`, fill
-- the old rows and make the column required. Run after the rollout with
-- `cutover migrate --phase post` (the pre phase leaves this pending).
UPDATE notes SET author = 'anonymous' WHERE author IS NULL;
ALTER TABLE notes ALTER COLUMN author SET NOT NULL;
