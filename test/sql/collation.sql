-- Keys of different collations (the redesign's collation fix): a foreign
-- key between text COLLATE "C" and text COLLATE "POSIX" is valid, and
-- comparing the two columns needs an explicit COLLATE, as ri_triggers.c
-- writes one.  Before the fix every call below failed with "could not
-- determine which collation to use for string comparison".
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA coll;
SET search_path = coll, public;

CREATE TABLE author (code text COLLATE "C" PRIMARY KEY, name text);
CREATE TABLE book (id int PRIMARY KEY, title text,
                   author_code text COLLATE "POSIX" REFERENCES author);
CREATE TABLE tag (name text COLLATE "POSIX" PRIMARY KEY);
CREATE TABLE book_tags (book_id int REFERENCES book,
                        tag_name text COLLATE "C" REFERENCES tag,
                        PRIMARY KEY (book_id, tag_name));
CREATE TABLE review (id int PRIMARY KEY, book_id int REFERENCES book, stars int);

INSERT INTO author VALUES ('ab', 'Anne'), ('cd', 'Carl');
INSERT INTO book VALUES (1, 'One', NULL), (2, 'Two', NULL), (3, 'Three', 'cd');
INSERT INTO tag VALUES ('x'), ('y');
INSERT INTO review VALUES (10, 1, 5), (11, 3, 4);

SELECT relorm_has_many('author', 'books', 'book', options => '{"inverse": "author"}');
SELECT relorm_many_to_many('book', 'tags', 'tag', options => '{"inverse": "books"}');
SELECT relorm_has_many('book', 'reviews', 'review');

-- add (has_many): links books 1 and 2 to author 'ab'
SELECT relorm_add('author', 'books', 'ab'::text, ARRAY[1, 2]);
SELECT relorm_add('author', 'books', 'ab'::text, 1);
SELECT id, author_code FROM book ORDER BY id;

-- attach (many_to_many), one target and several
SELECT relorm_attach('book', 'tags', 1, 'x'::text);
SELECT relorm_attach('book', 'tags', 1, ARRAY['x', 'y']);
SELECT * FROM book_tags ORDER BY 1, 2;

-- load_many through both relations
SELECT * FROM relorm_load_many('author', 'books', 'ab'::text);
SELECT * FROM relorm_load_many('book', 'tags', 1);
SELECT * FROM relorm_load_many('tag', 'books', 'x'::text);

-- load_one of the inverse belongs_to
SELECT relorm_load_one('book', 'author', 3);

-- select with nested relations, a relation filter and an aggregate
SELECT * FROM relorm_select('author', '{"select": ["code", {"books": {"select": ["id", {"tags": true}]}},
                                                  {"n": {"relation": "books", "count": true}}],
                                       "where": {"books": {"some": {"tags": {"exists": true}}}}}');

-- chain across both: the tags of an author's books, and their reviews
SELECT * FROM relorm_chain('author', 'books.tags', '{"of": ["ab"]}');
SELECT * FROM relorm_chain('author', 'books.reviews', '{"where": {"author.code": "ab"}}');

-- remove and detach
SELECT relorm_remove('author', 'books', 'ab'::text, 2);
SELECT relorm_detach('book', 'tags', 1, 'y'::text);
SELECT id, author_code FROM book ORDER BY id;
SELECT * FROM book_tags ORDER BY 1, 2;

-- every other operation over both relations
SELECT relorm_sync('book', 'tags', 1, ARRAY['y']);
SELECT relorm_toggle('book', 'tags', 1, ARRAY['x', 'y']);
SELECT relorm_detach('book', 'tags', 1, ARRAY['x', 'y']);
SELECT relorm_attach('book', 'tags', 2, '{"x": {}, "y": {}}'::jsonb);
SELECT relorm_set('book', 'tags', 2, ARRAY['y']);
SELECT relorm_relation_ids('book', 'tags', 2);
SELECT relorm_set('author', 'books', 'ab'::text, ARRAY[1, 2]);
SELECT relorm_relation_ids('author', 'books', 'ab'::text);
SELECT relorm_relation_ids('book', 'author', 1);
SELECT relorm_count_related('author', 'books', 'ab'::text);
SELECT relorm_exists_related('tag', 'books', 'y'::text);
SELECT * FROM relorm_query_related('author', 'books', 'ab'::text, '{"select": ["id"]}');
SELECT * FROM relorm_where_exists('tag', 'books');
SELECT j FROM relorm_join('author', 'books', '{"select": ["code", "books.id"]}') j ORDER BY j::text;
SELECT relorm_dissociate('author', 'books', 'ab'::text, 2);
SELECT relorm_associate('author', 'books', 'cd'::text, 2);
SELECT id, author_code FROM book ORDER BY id;
SELECT * FROM book_tags ORDER BY 1, 2;

-- the statements compare the two collations explicitly
SELECT relorm_sql('author', 'books', 'add', false) LIKE '%COLLATE%' AS add_collates;
SELECT relorm_sql('author', '{"select": [{"books": true}]}') LIKE '%COLLATE%' AS select_collates;

RESET search_path;
DROP SCHEMA coll CASCADE;
