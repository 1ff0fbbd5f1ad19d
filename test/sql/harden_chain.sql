-- Hardening, issue 12 item 2: chain paths are capped, and each hop is a
-- semi-join, so that the cost is linear in hops and rows and each final
-- row is produced once.  Before: relorm_chain('author', repeat('books.author.',
-- 2000) || 'books', ...) took 7.6 GB and ignored statement_timeout; 30
-- cyclic hops over 3 authors and 4 books took over 60 s.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA hc;
SET search_path = hc, public;
CREATE TABLE author (id int PRIMARY KEY, name text);
CREATE TABLE book (id int PRIMARY KEY, author_id int REFERENCES author, title text);
CREATE TABLE tag (id int PRIMARY KEY, label text);
CREATE TABLE book_tags (book_id int REFERENCES book, tag_id int REFERENCES tag,
                        PRIMARY KEY (book_id, tag_id));
INSERT INTO author VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
INSERT INTO book VALUES (1, 1, 'b1'), (2, 1, 'b2'), (3, 2, 'b3'), (4, 3, 'b4');
INSERT INTO tag VALUES (1, 'red'), (2, 'blue'), (3, 'green');
INSERT INTO book_tags VALUES (1, 1), (1, 2), (2, 2), (3, 2), (3, 3);
SELECT relorm_has_many('author', 'books', 'book');
SELECT relorm_belongs_to('book', 'author', 'author');
SELECT relorm_many_to_many('book', 'tags', 'tag', 'book_tags');
SELECT relorm_many_to_many('tag', 'books', 'book', 'book_tags');
SET statement_timeout = '10s';

-- the issue's repro: 4001 relations is past the limit of 32 (54001), at once
SELECT relorm_chain('author', repeat('books.author.', 2000) || 'books', '{"of": 3}');
:e
-- 33 relations: past the limit; 32 (the limit) works
SELECT relorm_chain('author', repeat('books.author.', 16) || 'books', '{}');
:e
SELECT count(*) FROM relorm_chain('author', 'books' || repeat('.author.books', 15) || '.author', '{}');
-- nested in a select the limit names where
SELECT relorm_select('author', jsonb_build_object('select', jsonb_build_array(
    jsonb_build_object('x', jsonb_build_object('chain', repeat('books.author.', 16) || 'books')))));
:e

-- 31 cyclic hops (the issue's 30-hop case) answer at once, each row once:
-- from author 3 only book 4 is reached; from all authors, the 4 books
SELECT string_agg(j->>'id', ',') FROM relorm_chain('author', repeat('books.author.', 15) || 'books', '{"of": 3}') j;
SELECT string_agg(j->>'id', ',') FROM relorm_chain('author', repeat('books.author.', 15) || 'books', '{}') j;
-- through the junction both ways: the tags of books of Ann's tags' books
SELECT string_agg(j->>'label', ',' ORDER BY j->>'id') FROM relorm_chain('author', 'books.tags.books.tags', '{"of": 1}') j;

-- the SQL: one semi-join (EXISTS) per hop and no DISTINCT ON when where
-- and order name only the final table or one earlier table each
SELECT relorm_sql('author', '{"select": [{"t": {"chain": "books.tags", "where": {"label": "red", "books.title": "b1"}}}]}') ~ 'DISTINCT ON' AS distinct_on,
       (SELECT count(*) FROM regexp_matches(relorm_sql('author', '{"select": [{"t": {"chain": "books.tags.books.author"}}]}'), 'EXISTS', 'g')) AS exists_count;
-- an order on an earlier table's column needs the paths from that table
-- on: the first row per final key in that order (DISTINCT ON)
SELECT relorm_sql('author', '{"select": [{"t": {"chain": "books.tags", "order": ["books.title"]}}]}') ~ 'DISTINCT ON' AS distinct_on;

-- results: conditions on each table of the path
-- tags of Ann's books titled b2: blue
SELECT relorm_chain('author', 'books.tags', '{"of": 1, "where": {"books.title": "b2"}}');
-- a condition naming the start table: tags of Bob's books
SELECT relorm_chain('author', 'books.tags', '{"where": {"author.name": "Bob"}, "order": ["id"]}');
-- a condition naming two tables (an or): tags of book b1, or tags labelled green
SELECT relorm_chain('author', 'books.tags',
    '{"where": {"or": [{"books.title": "b1"}, {"label": "green"}]}, "order": ["id"]}');
-- order by an earlier table: each tag once, at the first place reached
-- (blue is on b1, b2 and b3: it sorts by b3, the first title in this order)
SELECT relorm_chain('author', 'books.tags', '{"order": ["-books.title", "id"]}');
-- nested chains, from each author: its books' tags, filtered at each level
SELECT relorm_select('author', '{"select": ["name",
    {"tags": {"chain": "books.tags", "select": ["label"], "order": ["label"]}},
    {"red_b1": {"chain": "books.tags", "select": ["label"], "where": {"books.title": "b1", "label": "red"}}},
    {"by_title": {"chain": "books.tags", "select": ["label"], "order": ["books.title", "label"]}},
    {"of_ann": {"chain": "books.tags", "select": ["label"], "where": {"author.name": "Ann"}}}],
  "order": ["id"]}');
-- a nested chain whose first step is a junction, filtered two hops back
SELECT relorm_select('tag', '{"select": ["label",
    {"authors": {"chain": "books.author", "select": ["name"], "where": {"tag.label": {"ne": "green"}}}}],
  "order": ["id"]}');

RESET statement_timeout;
DROP SCHEMA hc CASCADE;
