-- Order by a column of a to-one related row (SPEC §5): "author.name"
-- (PostgREST order=author(name), Prisma orderBy: {author: {name}}), over
-- paths of to-one relations and at any depth of a select.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA rorder;
SET search_path = rorder, public;

CREATE TABLE country (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL,
                     country_id int REFERENCES country);
CREATE TABLE book (id int PRIMARY KEY, title text NOT NULL,
                   author_id int REFERENCES author);
CREATE TABLE reader (id int PRIMARY KEY, name text NOT NULL,
                     country_id int REFERENCES country);
CREATE TABLE review (id int PRIMARY KEY, book_id int NOT NULL REFERENCES book,
                     reader_id int REFERENCES reader, stars int NOT NULL);
SELECT relorm_belongs_to('author', 'country', 'country');
SELECT relorm_has_many('country', 'authors', 'author');
SELECT relorm_has_many('author', 'books', 'book', options => '{"inverse": "author"}');
SELECT relorm_has_many('book', 'reviews', 'review', options => '{"inverse": "book"}');
SELECT relorm_belongs_to('review', 'reader', 'reader');
SELECT relorm_belongs_to('reader', 'country', 'country');
INSERT INTO country VALUES (1, 'Zembla'), (2, 'Arcadia');
-- Cy has no country; book 4 has no author
INSERT INTO author VALUES (1, 'Bob', 1), (2, 'Ann', 1), (3, 'Cy', NULL), (4, 'Dee', 2);
INSERT INTO book VALUES (1, 'b1', 1), (2, 'b2', 2), (3, 'b3', 3), (4, 'b4', NULL),
                        (5, 'b5', 1), (6, 'b6', 4);
INSERT INTO reader VALUES (1, 'Xia', 2), (2, 'Yan', 1), (3, 'Wu', 1), (4, 'Vo', NULL);
-- book 1 has four reviews, by readers of both countries and none
INSERT INTO review VALUES (1, 1, 1, 5), (2, 1, 2, 4), (3, 1, 3, 3), (4, 1, 4, 2),
                          (5, 2, 2, 1), (6, 2, 3, 2), (7, 5, NULL, 3), (8, 5, 1, 1);

-- books by their author's name, then by id descending; a book without an
-- author sorts last (NULLS LAST, as ORDER BY does)
SELECT relorm_select('book', '{"select": ["id"], "order": ["author.name", "-id"]}');
-- descending puts NULLs first unless told otherwise
SELECT relorm_select('book', '{"select": ["id"], "order": [{"author.name": "desc nulls last"}, "id"]}');
-- two relations deep: by the author's country's name
SELECT relorm_select('book', '{"select": ["id"], "order": ["author.country.name", "-id"]}');
-- with a page: the related value is part of the page's order
SELECT relorm_select('book', '{"select": ["id"], "order": ["author.name", "id"], "limit": 2, "offset": 1}');
-- in relorm_query_related and relorm_load_many
SELECT relorm_query_related('author', 'books', 1, '{"select": ["id"], "order": ["-author.name", "-id"]}');
SELECT relorm_load_many('country', 'authors', 1, '{"select": ["id"], "order": ["country.name", "name"]}');

-- At depth 2 of a select: authors -> books -> reviews, the reviews ordered
-- by their reader's country's name (two to-one relations from the review),
-- then by the reader's name descending.
SELECT relorm_select('author', '{"select": ["id", {"books": {"select": ["id",
    {"reviews": {"select": ["id", {"reader": {"select": ["name"]}}],
                 "order": ["reader.country.name", "-reader.name", "id"]}}],
    "order": ["id"]}}], "where": {"id": {"in": [1, 2]}}, "order": ["id"]}');
-- and a page of them at depth 2
SELECT relorm_select('author', '{"select": ["id", {"books": {"select": ["id",
    {"reviews": {"select": ["id"], "order": ["-reader.name"], "limit": 1}}],
    "order": ["id"]}}], "where": {"id": 2}}');
-- the same table at two depths, each ordered by its own related column
SELECT relorm_select('author', '{"select": ["id", {"books": {"select": ["id"],
    "order": ["-author.country.name", "-id"]}}], "order": ["country.name", "name"]}');

-- Keyset pages (read_pages.sql) over a related column's order: the second
-- page continues after the first, the book without an author last.
SELECT relorm_select('book', '{"select": ["id"], "order": ["author.name"], "cursor": true, "limit": 3}');
SELECT relorm_select('book', jsonb_build_object('select', '["id"]'::jsonb,
    'order', '["author.name"]'::jsonb, 'limit', 3,
    'after', (SELECT r->>'cursor' FROM relorm_select('book',
        '{"order": ["author.name"], "cursor": true, "limit": 3}') r OFFSET 2)));
-- ... and over an aggregate's order
SELECT relorm_select('author', jsonb_build_object(
    'select', '["id", {"n": {"relation": "books", "count": true}}]'::jsonb,
    'order', '["-n"]'::jsonb, 'limit', 2,
    'after', (SELECT r->>'cursor' FROM relorm_select('author',
        '{"select": ["id", {"n": {"relation": "books", "count": true}}], "order": ["-n"],
          "cursor": true, "limit": 2}') r OFFSET 1)));

-- The statement: a scalar subquery per related value, in the page's order.
SELECT relorm_sql('book', '{"select": ["id"], "order": ["author.country.name"]}');

-- Errors
-- a to-many relation orders nothing (42809; the hint names the way)
SELECT relorm_select('author', '{"order": ["books.title"]}');
:e
SELECT relorm_select('country', '{"order": ["authors.country.name"]}');
:e
-- an unknown column of the related table (42703)
SELECT relorm_select('book', '{"order": ["author.nope"]}');
:e
-- an unknown relation after the first (42704)
SELECT relorm_select('book', '{"order": ["author.nope.name"]}');
:e
-- neither a column, a relation nor an earlier table (42703)
SELECT relorm_select('book', '{"order": ["nope.name"]}');
:e
-- a relation option's order does not follow relations
SELECT relorm_has_many('author', 'books_by_country', 'book', '{author_id}',
                       options => '{"order": ["author.name"]}');
:e
