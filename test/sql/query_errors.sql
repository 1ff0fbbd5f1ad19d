-- Queries (SPEC §5) that go wrong (SPEC §7): malformed input is an error
-- with its SQLSTATE, never a crash; values and names cannot inject SQL;
-- and the plans of the generated statements use the foreign-key indexes.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA qerr;
SET search_path = qerr, public;

CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id int PRIMARY KEY, title text NOT NULL,
                   author_id int REFERENCES author, year_published int);
CREATE TABLE category (id int PRIMARY KEY, name text NOT NULL,
                       parent_id int REFERENCES category);
-- a table whose column name holds a quote and a semicolon
CREATE TABLE oddity (id int PRIMARY KEY, "x""; DROP TABLE author; --" text);

-- 1000 authors with 5 books each, one more author without books
INSERT INTO author SELECT g, 'Author ' || g FROM generate_series(1, 1000) g;
INSERT INTO author VALUES (1001, 'O''Brien');
INSERT INTO book SELECT g, 'Book ' || g, 1 + (g - 1) % 1000, 1900 + g % 120
  FROM generate_series(1, 5000) g;
-- a category tree 12 deep: 1 <- 2 <- ... <- 12
INSERT INTO category SELECT g, 'level ' || g, nullif(g - 1, 0) FROM generate_series(1, 12) g;
INSERT INTO oddity VALUES (1, 'safe');
CREATE INDEX book_author_id_idx ON book (author_id);
CREATE INDEX category_parent_id_idx ON category (parent_id);
ANALYZE author, book, category, oddity;

SELECT relorm_belongs_to('book', 'author', 'author', options => '{"inverse": "books"}');
SELECT relorm_belongs_to('category', 'parent', 'category', options => '{"inverse": "children"}');

------------------------------------------------------------------------------
-- Unknown columns (42703)
------------------------------------------------------------------------------

-- in select
SELECT relorm_select('book', '{"select": ["id", "isbn"]}');
:e
-- in a nested select
SELECT relorm_select('author', '{"select": ["id", {"books": {"select": ["isbn"]}}]}');
:e
-- in where
SELECT relorm_select('book', '{"where": {"isbn": "123"}}');
:e
-- in a nested where
SELECT relorm_select('author', '{"select": [{"books": {"where": {"isbn": "123"}}}]}');
:e
-- in order, both forms
SELECT relorm_select('book', '{"order": ["-isbn"]}');
:e
SELECT relorm_select('book', '{"order": [{"isbn": "asc"}]}');
:e
-- a prefixed name whose column does not exist
SELECT relorm_select('book', '{"where": {"author.age": 40}}');
:e
-- a prefix that names no earlier table and no relation
SELECT relorm_select('book', '{"where": {"publisher.name": "x"}}');
:e
-- a key of a filter that is no column, relation or aggregate
SELECT relorm_select('book', '{"where": {"publisher": {"exists": true}}}');
:e
-- the column of an aggregate
SELECT relorm_select('author', '{"select": [{"pages": {"relation": "books", "sum": "pages"}}]}');
:e
-- in a chain's where and order
SELECT relorm_chain('author', 'books', '{"where": {"isbn": "1"}}');
:e
SELECT relorm_chain('author', 'books', '{"order": ["author.age"]}');
:e
-- in a join's select
SELECT relorm_join('book', 'author', '{"select": ["title", "author.age"]}');
:e
-- in a related query, a count's and a where_exists' filter
SELECT relorm_query_related('author', 'books', 1, '{"select": ["isbn"]}');
:e
SELECT relorm_count_related('author', 'books', 1, '{"isbn": "1"}');
:e
SELECT relorm_where_exists('author', 'books', '{"isbn": "1"}');
:e

------------------------------------------------------------------------------
-- Unknown tables (42P01) and relations (42704)
------------------------------------------------------------------------------

-- an unknown table
SELECT relorm_select('publisher', '{}');
:e
-- a relation in select, under its own name and under an alias
SELECT relorm_select('book', '{"select": [{"publisher": true}]}');
:e
SELECT relorm_select('book', '{"select": [{"p": {"relation": "publisher"}}]}');
:e
-- an aggregate over an unknown relation
SELECT relorm_select('author', '{"select": [{"n": {"relation": "novels", "count": true}}]}');
:e
-- the relation argument of each function
SELECT relorm_query_related('book', 'publisher', 1);
:e
SELECT relorm_count_related('author', 'novels', 1);
:e
SELECT relorm_exists_related('author', 'novels', 1);
:e
SELECT relorm_where_exists('book', 'publisher');
:e
SELECT relorm_join('book', 'publisher');
:e
-- a step of a chain path, out of select and in select
SELECT relorm_chain('author', 'books.publisher', '{}');
:e
SELECT relorm_select('author', '{"select": [{"x": {"chain": "books.publisher"}}]}');
:e

------------------------------------------------------------------------------
-- Malformed queries (22023, the message gives the path)
------------------------------------------------------------------------------

-- the query is not an object
SELECT relorm_select('book', '[]');
:e
SELECT relorm_select('book', '"title"');
:e
-- an unknown key in a query, at the top and nested
SELECT relorm_select('book', '{"filter": {"id": 1}}');
:e
SELECT relorm_select('author', '{"select": [{"books": {"filter": {"id": 1}}}]}');
:e
-- select is not a list
SELECT relorm_select('book', '{"select": "title"}');
:e
-- a select item that is neither a name nor an object
SELECT relorm_select('book', '{"select": [5]}');
:e
-- a relation selected with something other than true or a query
SELECT relorm_select('book', '{"select": [{"author": 1}]}');
:e
SELECT relorm_select('book', '{"select": [{"author": false}]}');
:e
-- relation is not a name
SELECT relorm_select('book', '{"select": [{"a": {"relation": 5}}]}');
:e
-- where is not an object
SELECT relorm_select('book', '{"where": [{"id": 1}]}');
:e
SELECT relorm_select('book', '{"where": "id = 1"}');
:e
-- the where of relorm_count_related / relorm_where_exists is not an object
SELECT relorm_count_related('author', 'books', 1, '[1]');
:e
SELECT relorm_where_exists('author', 'books', '"x"');
:e
-- in takes a list
SELECT relorm_select('book', '{"where": {"id": {"in": 5}}}');
:e
-- between takes two values
SELECT relorm_select('book', '{"where": {"id": {"between": [1]}}}');
:e
SELECT relorm_select('book', '{"where": {"id": {"between": [1, 2, 3]}}}');
:e
-- an unknown operator
SELECT relorm_select('book', '{"where": {"id": {"approx": 1}}}');
:e
-- an empty object of operators
SELECT relorm_select('book', '{"where": {"id": {}}}');
:e
-- a list where a value is expected (use in)
SELECT relorm_select('book', '{"where": {"id": [1, 2]}}');
:e
-- lt with null
SELECT relorm_select('book', '{"where": {"id": {"lt": null}}}');
:e
-- text operators take strings
SELECT relorm_select('book', '{"where": {"title": {"contains": 5}}}');
:e
SELECT relorm_select('book', '{"where": {"title": {"like": ["%"]}}}');
:e
-- is_null takes a boolean
SELECT relorm_select('book', '{"where": {"title": {"is_null": "yes"}}}');
:e
-- and / or take lists of objects, not takes an object
SELECT relorm_select('book', '{"where": {"and": {"id": 1}}}');
:e
SELECT relorm_select('book', '{"where": {"or": [1]}}');
:e
SELECT relorm_select('book', '{"where": {"not": [{"id": 1}]}}');
:e
-- relation filters: exists takes a boolean; some/every/none take a filter
SELECT relorm_select('author', '{"where": {"books": {"exists": "yes"}}}');
:e
SELECT relorm_select('author', '{"where": {"books": {"some": 1}}}');
:e
SELECT relorm_select('author', '{"where": {"books": {"sometimes": {}}}}');
:e
SELECT relorm_select('author', '{"where": {"books": true}}');
:e
-- limit: negative, not a number, fractional; offset negative
SELECT relorm_select('book', '{"limit": -1}');
:e
SELECT relorm_select('book', '{"limit": "10"}');
:e
SELECT relorm_select('book', '{"limit": 1.5}');
:e
SELECT relorm_select('book', '{"offset": -5}');
:e
-- ... and in a nested relation
SELECT relorm_select('author', '{"select": [{"books": {"limit": -1}}]}');
:e
-- order: an invalid direction, a direction that is not a string, an item
-- that is neither a name nor an object, order neither a list nor a name
SELECT relorm_select('book', '{"order": [{"title": "up"}]}');
:e
SELECT relorm_select('book', '{"order": [{"title": 1}]}');
:e
SELECT relorm_select('book', '{"order": [1]}');
:e
SELECT relorm_select('book', '{"order": 5}');
:e
-- an aggregate without relation, under an alias that is no relation
SELECT relorm_select('author', '{"select": [{"n": {"count": true}}]}');
:e
-- an aggregate with two functions
SELECT relorm_select('author', '{"select": [{"n": {"relation": "books", "count": true, "max": "id"}}],
                                 "where": {"id": 1}}');
:e
-- an aggregate's column is not a name; string_agg takes [column, separator]
SELECT relorm_select('author', '{"select": [{"n": {"relation": "books", "sum": 5}}]}');
:e
SELECT relorm_select('author', '{"select": [{"n": {"relation": "books", "string_agg": ["title"]}}]}');
:e
SELECT relorm_select('author', '{"select": [{"n": {"relation": "books", "string_agg": "title"}}]}');
:e
-- join takes a boolean
SELECT relorm_select('author', '{"select": [{"books": {"join": "yes"}}]}');
:e
-- chain takes a path of relations
SELECT relorm_select('author', '{"select": [{"x": {"chain": 5}}]}');
:e
SELECT relorm_select('author', '{"select": [{"x": {"chain": ""}}]}');
:e
SELECT relorm_chain('author', '', '{}');
:e
-- the keys of "of": an object without the key column, a list of lists
SELECT relorm_chain('author', 'books', '{"of": {"x": 1}}');
:e
SELECT relorm_chain('author', 'books', '{"of": [[1]]}');
:e
-- a join selects names only
SELECT relorm_join('book', 'author', '{"select": [{"author": true}]}');
:e
-- the typed form returns whole rows: no select
SELECT * FROM relorm_select(NULL::book, 'book', '{"select": ["id"]}');
:e
-- the typed form's hint must be the returned table's type (42804)
SELECT * FROM relorm_select(NULL::author, 'book', '{}');
:e
SELECT * FROM relorm_chain(NULL::book, 'book', 'author', '{"of": [1]}');
:e
-- null source and relation (22004); a null query means {}
SELECT relorm_select(NULL, '{}');
:e
SELECT relorm_query_related('author', NULL, 1);
:e
SELECT relorm_chain('author', NULL, '{}');
:e
SELECT count(*) FROM relorm_select('author', NULL);

------------------------------------------------------------------------------
-- Values the column's type rejects (its own error), and missing owners
------------------------------------------------------------------------------

-- not an integer (22P02)
SELECT relorm_select('book', '{"where": {"id": "abc"}}');
:e
SELECT relorm_select('book', '{"where": {"id": 1.5}}');
:e
SELECT relorm_select('book', '{"where": {"id": true}}');
:e
-- one bad value in a list
SELECT relorm_select('book', '{"where": {"year_published": {"in": [1990, "soon"]}}}');
:e
-- ... in between, in a nested where, in an aggregate's where
SELECT relorm_select('book', '{"where": {"year_published": {"between": [1990, "later"]}}}');
:e
SELECT relorm_select('author', '{"select": [{"books": {"where": {"id": "x"}}}]}');
:e
SELECT relorm_select('author', '{"select": [{"n": {"relation": "books", "count": true, "where": {"id": "x"}}}]}');
:e
-- out of the type's range (22003)
SELECT relorm_select('book', '{"where": {"id": 99999999999}}');
:e
-- a bad key (22P02) and a key that names no row (P0002)
SELECT relorm_query_related('author', 'books', 'abc');
:e
SELECT relorm_chain('author', 'books', '{"of": ["abc"]}');
:e
SELECT relorm_query_related('author', 'books', 9999);
:e
SELECT relorm_count_related('author', 'books', 9999);
:e
SELECT relorm_exists_related('author', 'books', 9999);
:e

------------------------------------------------------------------------------
-- Nesting and size limits
------------------------------------------------------------------------------

-- a select 10 deep (category, its parent, its parent's parent, ...) works
SELECT relorm_select('category',
    (repeat('{"select": ["id", {"parent": ', 10) || '{"select": ["id"]}' || repeat('}]}', 10))::jsonb
    || '{"where": {"id": 12}}');
-- a select 100 deep is refused with a clear error
SELECT relorm_select('category',
    (repeat('{"select": ["id", {"parent": ', 100) || '{"select": ["id"]}' || repeat('}]}', 100))::jsonb);
:e
-- ... also through relorm_sql and a related query
SELECT relorm_sql('category',
    (repeat('{"select": ["id", {"children": ', 100) || '{"select": ["id"]}' || repeat('}]}', 100))::jsonb);
:e
SELECT relorm_query_related('category', 'children', 1,
    (repeat('{"select": ["id", {"children": ', 100) || '{"select": ["id"]}' || repeat('}]}', 100))::jsonb);
:e
-- a filter 500 "not"s deep
SELECT relorm_select('category',
    ('{"where": ' || repeat('{"not": ', 500) || '{"id": 1}' || repeat('}', 501))::jsonb);
:e
-- relation filters 200 deep
SELECT relorm_select('category',
    ('{"where": ' || repeat('{"parent": {"some": ', 200) || '{"id": 1}' || repeat('}}', 200) || '}')::jsonb);
:e
-- a list of 10,000 values is one value (5000 books match)
SELECT count(*) FROM relorm_select('book',
    jsonb_build_object('where', jsonb_build_object('id', jsonb_build_object('in',
        (SELECT jsonb_agg(g) FROM generate_series(1, 10000) g)))));
-- 2,000 separate values are 2,000 parameters of one statement
SELECT count(*) FROM relorm_select('book',
    jsonb_build_object('select', '["id"]'::jsonb, 'where', jsonb_build_object('or',
        (SELECT jsonb_agg(jsonb_build_object('id', g)) FROM generate_series(1, 2000) g))));

------------------------------------------------------------------------------
-- Injection attempts
------------------------------------------------------------------------------

-- values with quotes and semicolons are data: they match nothing ...
SELECT count(*) FROM relorm_select('author', '{"where": {"name": "x''); DROP TABLE author; --"}}');
SELECT count(*) FROM relorm_select('book', '{"where": {"title": {"contains": "'' OR 1=1 --"}}}');
SELECT count(*) FROM relorm_select('book', '{"where": {"title": {"like": "%''; DROP TABLE book; --"}}}');
SELECT count(*) FROM relorm_select('author', '{"where": {"books": {"some": {"title": "1''); DELETE FROM book; --"}}}}');
SELECT count(*) FROM relorm_chain('author', 'books', '{"where": {"author.name": "\"; DROP TABLE book; --"}}');
SELECT count(*) FROM relorm_join('book', 'author', '{"where": {"author.name": "'' OR ''''=''"}}');
-- ... or the row that really has them
SELECT relorm_select('author', '{"select": ["id", "name"], "where": {"name": "O''Brien"}}');
-- a separator is data too
SELECT relorm_select('author',
    '{"select": ["id", {"titles": {"relation": "books", "string_agg": ["title", "''); DROP TABLE book; --"],
                                   "where": {"id": {"in": [1, 1001]}}}}],
      "where": {"id": 1}}');
-- names with quotes and semicolons are refused by name checking: columns
-- in select, where and order (42703) ...
SELECT relorm_select('author', '{"select": ["name\"; DROP TABLE author; --"]}');
:e
SELECT relorm_select('author', '{"where": {"name\" = name OR true; --": "x"}}');
:e
SELECT relorm_select('author', '{"order": ["id; DROP TABLE author"]}');
:e
SELECT relorm_join('book', 'author', '{"select": ["author.name\"; DROP TABLE book; --"]}');
:e
-- ... relations (42704)
SELECT relorm_select('book', '{"select": [{"author\"; DROP TABLE book; --": true}]}');
:e
SELECT relorm_join('book', 'author; DROP TABLE book', '{}');
:e
SELECT relorm_chain('author', 'books; DROP TABLE book', '{}');
:e
-- ... directions (22023)
SELECT relorm_select('book', '{"order": [{"title": "desc; DROP TABLE book"}]}');
:e
-- a column really named that way is quoted, and works
SELECT relorm_select('oddity',
    '{"select": ["id", "x\"; DROP TABLE author; --"],
      "where": {"x\"; DROP TABLE author; --": "safe"},
      "order": ["x\"; DROP TABLE author; --"]}');
-- every table is intact
SELECT (SELECT count(*) FROM author) AS authors, (SELECT count(*) FROM book) AS books,
       (SELECT count(*) FROM category) AS categories;

------------------------------------------------------------------------------
-- Plans: the generated statement uses the foreign-key indexes
------------------------------------------------------------------------------

-- a nested select without values: the statement has no parameters
SELECT relorm_sql('author',
    '{"select": ["name", {"books": {"select": ["title"], "order": ["year_published", "id"]}}],
      "order": ["id"]}') AS q \gset
EXPLAIN (COSTS OFF) :q;
-- a value becomes a parameter ($1), so the statement is prepared and run
-- with a value
SELECT relorm_sql('author',
    '{"select": ["name", {"n": {"relation": "books", "count": true}},
                 {"books": {"select": ["title"], "order": ["year_published", "id"]}}],
      "where": {"id": 7}}') AS q \gset
PREPARE nested AS :q;
EXPLAIN (COSTS OFF) EXECUTE nested(7);
EXECUTE nested(7);
DEALLOCATE nested;

RESET search_path;
DROP SCHEMA qerr CASCADE;
