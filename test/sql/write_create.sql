-- Writing through relations, creates (SPEC §6 relorm_create and
-- relorm_create_related): every create example of seed 003 ("create
-- update delete", "connect and disconnect") as relorm calls, with the
-- table contents after each call.
--
-- Coverage of relorm_create (operation x relation kind), in this file:
--               create   connect   connect_or_create
--  belongs_to    yes       yes        yes
--  has_one       yes       yes        yes
--  has_many      yes       yes        yes
--  many_to_many  yes       yes        yes
-- relorm_create_related: has_one, has_many, many_to_many; belongs_to 42809.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA wc;
SET search_path = wc, public;

CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL UNIQUE,
                     email text DEFAULT 'none');
CREATE TABLE account (id serial PRIMARY KEY, login text NOT NULL,
                      author_id int UNIQUE REFERENCES author);
CREATE TABLE book (id serial PRIMARY KEY, title text NOT NULL,
                   author_id int REFERENCES author);
CREATE TABLE post (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text);
CREATE TABLE tag (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE post_tag (post_id int REFERENCES post ON DELETE CASCADE,
                       tag_id int REFERENCES tag ON DELETE CASCADE,
                       PRIMARY KEY (post_id, tag_id));
SELECT relorm_belongs_to('book', 'author', 'author', options => '{"inverse": "books"}');
SELECT relorm_has_one('author', 'account', 'account', options => '{"inverse": "author"}');
SELECT relorm_many_to_many('post', 'tags', 'tag', options => '{"inverse": "posts"}');

-- Nested create, belongs_to (seed: a book with a new author): the author
-- is inserted first and its key fills book.author_id.
SELECT relorm_create('book', '{"title": "Book title", "author": {"create": {"name": "Author"}}}');
SELECT * FROM author ORDER BY id;
SELECT * FROM book ORDER BY id;

-- Nested create, has_many (seed: an author with three books).
SELECT relorm_create('author', '{"name": "Author 2", "books": {"create": [{"title": "Book 1"}, {"title": "Book 2"}, {"title": "Book 3"}]}}');
SELECT * FROM book ORDER BY id;

-- Nested create when creating many (seed: createMany, each book with its
-- own new author): one statement per level, keys matched by position.
SELECT relorm_create('book', '[{"title": "Book 4", "author": {"create": {"name": "Author 3"}}},
                               {"title": "Book 5", "author": {"create": {"name": "Author 4"}}}]');
SELECT b.title, a.name FROM book b JOIN author a ON a.id = b.author_id ORDER BY b.id;

-- Post with tags, many_to_many create: the tags, then the junction rows.
-- post.id is GENERATED ALWAYS: relorm takes its keys from the identity
-- sequence before inserting (OVERRIDING SYSTEM VALUE).
SELECT relorm_create('post', '{"title": "Post title", "tags": {"create": [{"name": "js"}, {"name": "sql"}]}}');
SELECT * FROM tag ORDER BY id;
SELECT * FROM post_tag ORDER BY 1, 2;

-- has_one create: the account gets the new author's key.
SELECT relorm_create('author', '{"name": "Author 5", "account": {"create": {"login": "a5"}}}');
SELECT * FROM account ORDER BY id;

-- connect, belongs_to (seed: a book connected to the author named "Author").
SELECT relorm_create('book', '{"title": "Book 6", "author": {"connect": {"name": "Author"}}}');
-- connect, has_many (seed: an author connected to Book 1 and Book 2,
-- which move from Author 2).
SELECT relorm_create('author', '{"name": "Author 6", "books": {"connect": [{"title": "Book 1"}, {"title": "Book 2"}]}}');
SELECT b.title, a.name FROM book b JOIN author a ON a.id = b.author_id ORDER BY b.id;
-- connect, has_one and many_to_many.
SELECT relorm_create('author', '{"name": "Author 7", "account": {"connect": {"login": "a5"}}}');
SELECT relorm_create('post', '{"title": "Post 2", "tags": {"connect": {"name": {"in": ["js", "sql"]}}}}');
SELECT * FROM account ORDER BY id;
SELECT * FROM post_tag ORDER BY 1, 2;

-- connect_or_create, belongs_to (seed): "Author" exists and is connected;
-- "Author 8" does not and is created.
SELECT relorm_create('book', '[{"title": "Book 7", "author": {"connect_or_create": {"where": {"name": "Author"}, "create": {"name": "Author"}}}},
                               {"title": "Book 8", "author": {"connect_or_create": {"where": {"name": "Author 8"}, "create": {"name": "Author 8"}}}},
                               {"title": "Book 9", "author": {"connect_or_create": {"where": {"name": "Author 8"}, "create": {"name": "Author 8"}}}}]');
-- the same new author twice in one call is created once
SELECT a.name, count(*) AS books FROM author a JOIN book b ON b.author_id = a.id
 WHERE b.title IN ('Book 7', 'Book 8', 'Book 9') GROUP BY a.name ORDER BY 1;
SELECT count(*) AS author_8_rows FROM author WHERE name = 'Author 8';
-- connect_or_create, has_many (seed) and many_to_many.
SELECT relorm_create('author', '{"name": "Author 9", "books": {"connect_or_create": [
    {"where": {"title": "Book 9"}, "create": {"title": "Book 9"}},
    {"where": {"title": "Book 10"}, "create": {"title": "Book 10"}}]}}');
SELECT b.title, a.name FROM book b JOIN author a ON a.id = b.author_id
 WHERE b.title IN ('Book 9', 'Book 10') ORDER BY b.id;
SELECT relorm_create('post', '{"title": "Post 3", "tags": {"connect_or_create": [
    {"where": {"name": "js"}, "create": {"name": "js"}},
    {"where": {"name": "pg"}, "create": {"name": "pg"}}]}}');
SELECT p.title, t.name FROM post p JOIN post_tag pt ON pt.post_id = p.id
  JOIN tag t ON t.id = pt.tag_id WHERE p.title = 'Post 3' ORDER BY t.name;
-- connect_or_create, has_one.
SELECT relorm_create('author', '{"name": "Author 10", "account": {"connect_or_create": {"where": {"login": "a10"}, "create": {"login": "a10"}}}}');
SELECT login, (SELECT name FROM author WHERE id = author_id) FROM account ORDER BY id;

-- Three levels: an author with books, each book created with... its
-- author's account is a sibling; depth shown with author -> books and
-- post -> tags -> posts.
SELECT relorm_create('tag', '{"name": "deep", "posts": {"create": [{"title": "P1", "tags": {"create": {"name": "deeper"}}}]}}');
SELECT p.title, t.name FROM post p JOIN post_tag pt ON pt.post_id = p.id
  JOIN tag t ON t.id = pt.tag_id WHERE p.title = 'P1' ORDER BY t.name;

-- A json(b) column takes the value itself: an object, a string, a number.
CREATE TABLE note (id serial PRIMARY KEY, body jsonb, author_id int REFERENCES author);
SELECT relorm_has_many('author', 'notes', 'note');
SELECT relorm_create('author', '{"name": "J", "notes": {"create": [{"body": {"a": [1, 2]}}, {"body": "text"}, {"body": 3}]}}');
SELECT body FROM note ORDER BY id;

-- An array column takes a json array (values travel as text, cast back).
CREATE TABLE shelf (id serial PRIMARY KEY, labels text[], sizes int[] DEFAULT '{0}',
                    author_id int REFERENCES author);
SELECT relorm_has_many('author', 'shelves', 'shelf');
SELECT relorm_create('author', '{"name": "S", "shelves": {"create": [{"labels": ["a", "b \"q\""], "sizes": [1, 2]},
                                                                    {"labels": null}]}}');
SELECT labels, sizes FROM shelf ORDER BY id;

-- A column absent from some rows of a list gets its DEFAULT in those rows.
SELECT relorm_create('author', '[{"name": "D1", "email": "d1@x"}, {"name": "D2"}]');

-- relorm_create_related (seed "create in a chain"): has_many, many_to_many
-- (one row or several), has_one.
SELECT relorm_create_related('author', 'books', 1, '{"title": "Chained"}');
SELECT relorm_create_related('post', 'tags', 1, '[{"name": "first tag"}, {"name": "second tag"}]');
SELECT t.name FROM tag t JOIN post_tag pt ON pt.tag_id = t.id WHERE pt.post_id = 1 ORDER BY 1;
SELECT relorm_create_related('author', 'account', 2, '{"login": "a2"}');

-- ---- errors: each followed by a check that nothing changed ----
CREATE TEMP VIEW counts AS
SELECT (SELECT count(*) FROM author) AS authors, (SELECT count(*) FROM book) AS books,
       (SELECT count(*) FROM tag) AS tags, (SELECT count(*) FROM post_tag) AS links,
       (SELECT count(*) FROM account) AS accounts;
SELECT * FROM counts;
-- a connect that finds nothing: P0002 naming the path; the author and
-- the other books are not created either
SELECT relorm_create('author', '{"name": "X", "books": {"create": [{"title": "X1"}], "connect": [{"title": "Book 1"}, {"title": "nope"}]}}');
:e
-- a to-one connect matching several: P0003
SELECT relorm_create('book', '{"title": "X", "author": {"connect": {"name": {"starts_with": "Author"}}}}');
:e
-- a to-one key with two operations, a list where an object belongs, an
-- unknown operation: 22023 with the path
SELECT relorm_create('book', '{"title": "X", "author": {"create": {"name": "Y"}, "connect": {"name": "Author"}}}');
:e
SELECT relorm_create('book', '{"title": "X", "author": {"create": [{"name": "Y"}]}}');
:e
SELECT relorm_create('author', '{"name": "X", "books": {"create": [{"title": "ok"}, {"title": "X", "author": {"frobnicate": {}}}]}}');
:e
-- an operation of relorm_update inside relorm_create: 42809 with a hint
\set SHOW_CONTEXT errors
SELECT relorm_create('author', '{"name": "X", "books": {"update": {"where": {}, "data": {}}}}');
:e
\set SHOW_CONTEXT never
-- an unknown key: 42703 with the path
SELECT relorm_create('author', '{"name": "X", "books": {"create": [{"title": "ok"}, {"titel": "X"}]}}');
:e
SELECT relorm_create('author', '[{"name": "ok"}, {"nam": "X"}]');
:e
-- a value of the wrong type: the type's error, its path in the context
\set SHOW_CONTEXT errors
SELECT relorm_create('post', '{"title": "X", "tags": {"create": [{"name": "n"}]}, "id": "abc"}');
:e
-- null in a NOT NULL column: 23502 with the path
SELECT relorm_create('author', '{"name": "X", "books": {"create": [{"title": "ok"}, {"title": null}]}}');
:e
-- a NOT NULL column left out: 23502 from the INSERT, its level's path in the context
SELECT relorm_create('author', '{"name": "X", "books": {"create": [{"title": "ok"}, {}]}}');
:e
-- a unique violation deep down: 23505 with a hint, nothing written
SELECT relorm_create('author', '{"name": "X", "books": {"create": [{"title": "ok", "author": {"create": {"name": "Author"}}}]}}');
:e
\set SHOW_CONTEXT never
-- create_related on a belongs_to: 42809; on a missing owner: P0002
SELECT relorm_create_related('book', 'author', 1, '{"name": "X"}');
:e
SELECT relorm_create_related('author', 'books', 999, '{"title": "X"}');
:e
SELECT * FROM counts;

-- ---- edges ----
\set VERBOSITY terse
-- an empty list creates nothing; {} creates a row of defaults
SELECT relorm_create('tag', '[]');
SELECT relorm_create('tag', '{}');
-- children in a table without a primary key, all columns defaulted but one
CREATE TABLE log (at int DEFAULT 7, author_id int REFERENCES author);
SELECT relorm_has_many('author', 'logs', 'log');
SELECT relorm_create('author', '{"name": "L", "logs": {"create": [{}, {"at": 1}]}}');
SELECT at, (SELECT name FROM author WHERE id = author_id) FROM log ORDER BY at;
-- self-reference 32 levels deep (one statement pair per level); deeper: 54001
CREATE TABLE node (id serial PRIMARY KEY, parent_id int REFERENCES node);
SELECT relorm_has_many('node', 'children', 'node', foreign_key => '{parent_id}');
SELECT relorm_create('node', (repeat('{"children": {"create": ', 32) || '{}' || repeat('}}', 32))::jsonb);
SELECT count(*) AS nodes, count(parent_id) AS children FROM node;
SELECT relorm_create('node', (repeat('{"children": {"create": ', 40) || '{}' || repeat('}}', 40))::jsonb);
:e
