-- Expand: a nullable column. The previous app version, which does not know
-- it, keeps working while this one rolls out.
ALTER TABLE notes ADD COLUMN author text;
