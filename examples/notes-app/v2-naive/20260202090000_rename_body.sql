-- The same change done naively: a rename in one pre migration. Every v1
-- instance still running fails on every request until it is replaced.
ALTER TABLE notes RENAME COLUMN body TO content;
