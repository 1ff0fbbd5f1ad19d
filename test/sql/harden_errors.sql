-- Hardening, issue 12 items 3 and 5: relorm's statements run without JIT,
-- and errors that used to come out raw or without a path.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA he;
SET search_path = he, public;
CREATE TABLE author (id int PRIMARY KEY, name text);
CREATE TABLE book (id int PRIMARY KEY, author_id int REFERENCES author, title text, pages int);
CREATE TABLE tag (id int PRIMARY KEY, label text);
CREATE TABLE book_tags (book_id int REFERENCES book, tag_id int REFERENCES tag,
                        PRIMARY KEY (book_id, tag_id));
INSERT INTO author VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO book VALUES (1, 1, 'b1', 100), (2, 1, 'b2', 200), (3, 2, 'b3', 300);
INSERT INTO tag VALUES (1, 'red'), (2, 'blue');
SELECT relorm_has_many('author', 'books', 'book');
-- a has_one whose foreign key is not unique: several rows match
SELECT relorm_has_one('author', 'first_book', 'book');
SELECT relorm_many_to_many('book', 'tags', 'tag', 'book_tags');

------------------------------------------------------------------------------
-- item 3: JIT is off in relorm's statements, whatever the session says; the
-- session's setting is back after the call, also after an error
------------------------------------------------------------------------------
CREATE TABLE jit_seen (setting text);
CREATE FUNCTION note_jit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jit_seen VALUES (current_setting('jit'));
    RETURN NEW;
END $$;
-- the trigger fires inside relorm's UPDATE of book
CREATE TRIGGER book_jit BEFORE UPDATE ON book FOR EACH ROW EXECUTE FUNCTION note_jit();
CREATE TRIGGER link_jit BEFORE INSERT ON book_tags FOR EACH ROW EXECUTE FUNCTION note_jit();
SET jit = on;
SELECT relorm_add('author', 'books', 2, ARRAY[1, 2]);
SELECT relorm_add('book', 'tags', 1, ARRAY[1, 2]);
SELECT relorm_associate('author', 'books', 1, 1);
SELECT setting, count(*) FROM jit_seen GROUP BY 1;
SHOW jit;
-- after an error inside a relorm statement (the trigger fails), in a
-- subtransaction: the session's setting is back
CREATE OR REPLACE FUNCTION note_jit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'jit is %', current_setting('jit');
END $$;
DO $$
BEGIN
    PERFORM relorm_add('author', 'books', 2, ARRAY[1]);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'caught: %', SQLERRM;
END $$;
SHOW jit;
SET jit = off;
SELECT relorm_associate('author', 'books', 1, 2);
:e
SHOW jit;
RESET jit;
DROP TRIGGER book_jit ON book;
DROP TRIGGER link_jit ON book_tags;
-- a wide OR of relation filters compiles and runs in time linear in its size
SET statement_timeout = '20s';
SELECT count(*) FROM relorm_select('author', (SELECT jsonb_build_object('select', '["id"]'::jsonb,
    'where', jsonb_build_object('or', jsonb_agg(jsonb_build_object('books',
        jsonb_build_object('some', jsonb_build_object('pages', g)))))) FROM generate_series(1, 2000) g));
RESET statement_timeout;

------------------------------------------------------------------------------
-- item 5: errors
------------------------------------------------------------------------------
-- a to-one relation given a limit used to be raw 21000 "more than one row
-- returned by a subquery": a to-one relation is one row (the first by key),
-- or null with limit 0; offset 1 skips the first
SELECT relorm_select('author', '{"select": ["id", {"first_book": {"limit": 5}}], "order": ["id"]}');
SELECT relorm_select('author', '{"select": ["id", {"first_book": {"limit": 0}}], "order": ["id"]}');
SELECT relorm_select('author', '{"select": ["id", {"first_book": {"limit": 1, "offset": 1, "select": ["id"]}}], "order": ["id"]}');
-- a limit past bigint used to be 22003 without a path: 22023 with the path
SELECT relorm_select('author', '{"limit": 1e400}');
:e
SELECT relorm_select('author', '{"offset": -1e400}');
:e
SELECT relorm_select('author', '{"select": [{"books": {"limit": 9223372036854775808}}]}');
:e
-- the largest bigint is a limit
SELECT count(*) FROM relorm_select('author', '{"limit": 9223372036854775807}');
-- a select alias equal to a column name used to give two "name" keys: 42701
SELECT relorm_select('author', '{"select": ["id", "name", {"name": {"relation": "books", "count": true}}]}');
:e
-- also when the column is not selected: where and order could not tell
SELECT relorm_select('author', '{"select": ["id", {"name": {"relation": "books", "count": true}}]}');
:e
-- two items under one key
SELECT relorm_select('author', '{"select": ["id", {"n": {"relation": "books", "count": true}}, {"n": {"relation": "books", "exists": true}}]}');
:e
-- a column twice (by "*" and by name) would be two keys as well
SELECT relorm_select('author', '{"select": ["*", "name"], "where": {"id": 1}}');
:e
SELECT relorm_select('author', '{"select": ["id", "id"]}');
:e
-- sum / avg of a text column used to be 42883 from the planner, without a
-- path: the same SQLSTATE, with the path, from the parser
SELECT relorm_select('author', '{"select": [{"s": {"relation": "books", "sum": "title"}}]}');
:e
SELECT relorm_select('author', '{"select": [{"s": {"relation": "books", "avg": "title"}}]}');
:e
SELECT relorm_select('author', '{"select": ["id", {"s": {"relation": "books", "sum": "pages"}}, {"a": {"relation": "books", "avg": "pages"}}], "order": ["id"]}');
-- min / max of a type without them (boolean, json) was 42883 from the
-- planner, without a path; types that reach min / max by a cast (varchar)
-- or a polymorphic one (enum) take them
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE note (id int PRIMARY KEY, author_id int REFERENCES author,
                   done boolean, doc json, label varchar(10), feel mood);
INSERT INTO note VALUES (1, 1, true, '{}', 'b', 'ok'), (2, 1, false, '[]', 'a', 'happy');
SELECT relorm_has_many('author', 'notes', 'note');
SELECT relorm_select('author', '{"select": [{"m": {"relation": "notes", "min": "done"}}]}');
:e
SELECT relorm_select('author', '{"select": [{"m": {"relation": "notes", "max": "doc"}}]}');
:e
SELECT relorm_select('author', '{"select": ["id", {"lo": {"relation": "notes", "min": "label"}}, {"hi": {"relation": "notes", "max": "feel"}}], "where": {"id": 1}}');
SELECT relorm_select('author', '{"select": ["id", {"hi": {"relation": "notes", "max": "feel"}}], "where": {"hi": {"gt": "ok"}}}');
-- relorm_sync(..., NULL) detaches all, as Laravel's sync(null)
SELECT relorm_sync('book', 'tags', 1, NULL);
SELECT count(*) FROM book_tags WHERE book_id = 1;

DROP SCHEMA he CASCADE;
