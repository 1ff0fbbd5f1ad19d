-- Registering is DDL (SPEC §2): the same definition again is a no-op (a
-- migration can run twice), another definition is 42710, a read-only
-- transaction refuses it (25006), and dropping what a relation uses
-- removes the relation with a NOTICE.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA ddl;
SET search_path = ddl, public;
CREATE TABLE author (id int PRIMARY KEY, name text);
CREATE TABLE book (id int PRIMARY KEY, title text, author_id int REFERENCES author,
                   editor_id int REFERENCES author);
CREATE TABLE tag (id int PRIMARY KEY, name text);
CREATE TABLE book_tags (book_id int REFERENCES book, tag_id int REFERENCES tag,
                        PRIMARY KEY (book_id, tag_id));

SELECT relorm_has_many('author', 'books', 'book', foreign_key => ARRAY['author_id'],
                       options => '{"inverse": "author"}');
SELECT relorm_many_to_many('book', 'tags', 'tag', options => '{"order": ["name"]}');

-- The same registrations again: no-ops, nothing changes (a migration
-- that runs again succeeds).
CREATE TEMP TABLE before AS SELECT * FROM relorm_relations;
SELECT relorm_has_many('author', 'books', 'book', foreign_key => ARRAY['author_id'],
                       options => '{"inverse": "author"}');
SELECT relorm_many_to_many('book', 'tags', 'tag', options => '{"order": ["name"]}');
-- the inverse alone, as registered with the relation: also a no-op
SELECT relorm_belongs_to('book', 'author', 'author', foreign_key => ARRAY['author_id'],
                         options => '{"inverse": "books"}');
(SELECT * FROM relorm_relations EXCEPT SELECT * FROM before)
UNION ALL
(SELECT * FROM before EXCEPT SELECT * FROM relorm_relations);

-- Another definition under a taken name is 42710, whatever differs: the
-- columns, the kind, the target, the options.
SELECT relorm_has_many('author', 'books', 'book', foreign_key => ARRAY['editor_id']);
:e
SELECT relorm_has_one('author', 'books', 'book', foreign_key => ARRAY['author_id'],
                      options => '{"inverse": "author"}');
:e
SELECT relorm_many_to_many('book', 'tags', 'tag');
:e
SELECT relorm_many_to_many('book', 'tags', 'tag', options => '{"order": ["-name"]}');
:e
-- the relation is new but its inverse's name is taken by another definition:
-- nothing is registered
SELECT relorm_has_many('author', 'edited', 'book', foreign_key => ARRAY['editor_id'],
                       options => '{"inverse": "author"}');
:e
SELECT count(*) FROM relorm_relations WHERE name = 'edited';

-- A read-only transaction refuses every registration and drop (25006),
-- and nothing is written (before 0.2.0 the catalog row was committed).
BEGIN READ ONLY;
SELECT relorm_has_many('author', 'edited', 'book', foreign_key => ARRAY['editor_id']);
:e
ROLLBACK;
BEGIN READ ONLY;
SELECT relorm_drop_relation('book', 'tags');
:e
ROLLBACK;
BEGIN READ ONLY;
SELECT * FROM relorm_infer('ddl');
:e
ROLLBACK;
SET default_transaction_read_only = on;
SELECT relorm_many_to_many('tag', 'books', 'book');
:e
RESET default_transaction_read_only;
SELECT source, name FROM relorm_relations ORDER BY 1::text, 2;
-- reads still work in a read-only transaction
INSERT INTO author VALUES (1, 'Asimov');
INSERT INTO book VALUES (1, 'Foundation', 1, NULL);
BEGIN READ ONLY;
SELECT relorm_relation_ids('author', 'books', 1);
ROLLBACK;

-- Dropping what relations use removes them, with a NOTICE naming each:
-- a foreign-key column ...
SELECT relorm_has_many('author', 'edited', 'book', foreign_key => ARRAY['editor_id'],
                       options => '{"inverse": "editor"}');
ALTER TABLE book DROP COLUMN editor_id;
-- ... a junction ...
DROP TABLE book_tags;
-- ... a table ...
CREATE TABLE review (id int PRIMARY KEY, book_id int REFERENCES book);
SELECT relorm_has_many('book', 'reviews', 'review');
DROP TABLE review;
SELECT source, name FROM relorm_relations ORDER BY 1::text, 2;
-- ... and a schema (each relation of its tables, and those of other
-- schemas' tables that point into it)
CREATE SCHEMA other;
CREATE TABLE other.fan (id int PRIMARY KEY, author_id int REFERENCES author);
SELECT relorm_belongs_to('other.fan', 'author', 'author', options => '{"inverse": "fans"}');
SET client_min_messages = notice;
DROP SCHEMA ddl CASCADE;
SELECT source, name FROM relorm_relations ORDER BY 1::text, 2;
SET client_min_messages = warning;
DROP SCHEMA other CASCADE;
RESET client_min_messages;
RESET search_path;
