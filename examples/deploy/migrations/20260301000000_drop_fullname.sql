-- cutover:phase post
ALTER TABLE users DROP COLUMN fullname;
