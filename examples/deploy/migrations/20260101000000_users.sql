CREATE TABLE users (id bigint PRIMARY KEY, fullname text);
