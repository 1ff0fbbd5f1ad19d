-- Writes run with the caller's rights (SPEC §6): privileges of every
-- nested statement, row-level security in connect filters and WITH CHECK.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA ws;
SET search_path = ws, public;
CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL, owner text DEFAULT current_user);
CREATE TABLE book (id serial PRIMARY KEY, title text, author_id int REFERENCES author);
SELECT relorm_belongs_to('book', 'author', 'author', options => '{"inverse": "books"}');
INSERT INTO author (name, owner) VALUES ('mine', 'relorm_writer'), ('theirs', 'someone');
CREATE ROLE relorm_writer;
GRANT USAGE ON SCHEMA ws TO relorm_writer;
GRANT SELECT, INSERT, UPDATE ON book TO relorm_writer;
GRANT USAGE ON SEQUENCE book_id_seq TO relorm_writer;
GRANT SELECT ON author TO relorm_writer;
SET ROLE relorm_writer;
-- INSERT on book but not on author: a nested create of an author is
-- 42501 and the book is not written either
SELECT relorm_create('book', '{"title": "B", "author": {"create": {"name": "new"}}}');
:e
-- connecting an existing author needs only SELECT on it
SELECT relorm_create('book', '{"title": "B", "author": {"connect": {"name": "theirs"}}}');
RESET ROLE;
SELECT title, author_id FROM book ORDER BY id;
SELECT count(*) AS authors FROM author;

-- row-level security hides rows from connect filters: P0002, nothing written
ALTER TABLE author ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON author USING (owner = current_user);
GRANT INSERT ON author TO relorm_writer;
GRANT USAGE ON SEQUENCE author_id_seq TO relorm_writer;
SET ROLE relorm_writer;
SELECT relorm_create('book', '{"title": "C", "author": {"connect": {"name": "theirs"}}}');
:e
SELECT relorm_create('book', '{"title": "C", "author": {"connect": {"name": "mine"}}}');
-- a nested create whose row the policy's WITH CHECK rejects: 42501
SELECT relorm_create('book', '{"title": "D", "author": {"create": {"name": "spoof", "owner": "someone"}}}');
:e
-- hidden rows are not updated either: book B's author is hidden, so the
-- nested update touches nothing (book B itself matched: 1)
RESET ROLE;
GRANT UPDATE ON author TO relorm_writer;
SET ROLE relorm_writer;
SELECT relorm_update('book', '{"title": "B"}', '{"author": {"update": {"name": "renamed"}}}');
RESET ROLE;
SELECT title, author_id FROM book ORDER BY id;
SELECT id, name, owner FROM author ORDER BY id;
DROP OWNED BY relorm_writer;
DROP ROLE relorm_writer;
