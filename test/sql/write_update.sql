-- Writing through relations, updates (SPEC §6 relorm_update,
-- relorm_update_related, relorm_delete_related): every update example of
-- seed 003 ("create from update", "update", "upsert", "delete in update",
-- "connect and disconnect / when updating") as relorm calls, with the
-- table contents after each call.
--
-- Coverage of relorm_update (operation x relation kind), in this file:
--               create upsert update set disconnect delete add
--  belongs_to    yes    yes    yes   yes    yes      yes   42809
--  has_one       yes    yes    yes   yes    yes      yes   42809
--  has_many      yes   42809   yes   yes    yes      yes   yes
--  many_to_many  yes   42809   yes   yes    yes      yes   yes
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA wu;
SET search_path = wu, public;

CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE account (id serial PRIMARY KEY, login text NOT NULL,
                      author_id int UNIQUE REFERENCES author);
CREATE TABLE book (id serial PRIMARY KEY, title text NOT NULL,
                   author_id int REFERENCES author);
CREATE TABLE post (id serial PRIMARY KEY, title text);
CREATE TABLE tag (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE post_tag (post_id int REFERENCES post, tag_id int REFERENCES tag,
                       PRIMARY KEY (post_id, tag_id));
SELECT relorm_belongs_to('book', 'author', 'author', options => '{"inverse": "books"}');
SELECT relorm_has_one('author', 'account', 'account', options => '{"inverse": "author"}');
SELECT relorm_many_to_many('post', 'tags', 'tag', options => '{"inverse": "posts"}');
INSERT INTO author (name) VALUES ('A1'), ('A2'), ('A3');
INSERT INTO book (title, author_id) VALUES ('B1', 1), ('B2', 1), ('B3', 2), ('B4', NULL);
INSERT INTO post (title) VALUES ('node.js 1'), ('node.js 2'), ('other');
INSERT INTO tag (name) VALUES ('javascript'), ('programming'), ('sql');
CREATE VIEW books AS SELECT b.id, b.title, a.name AS author FROM book b
  LEFT JOIN author a ON a.id = b.author_id ORDER BY b.id;
CREATE VIEW links AS SELECT p.title, t.name FROM post_tag pt JOIN post p ON p.id = pt.post_id
  JOIN tag t ON t.id = pt.tag_id ORDER BY 1, 2;

-- ---- create from update ----
-- belongs_to create (seed: book 1 gets a new author, and its title)
SELECT relorm_update('book', '{"id": 1}', '{"title": "update book title", "author": {"create": {"name": "new author"}}}');
SELECT * FROM books;
-- has_many create (seed: author 1 renamed, two new books)
SELECT relorm_update('author', '{"id": 1}', '{"name": "update author name", "books": {"create": [{"title": "new book 1"}, {"title": "new book 2"}]}}');
SELECT * FROM books;
-- many_to_many create on several posts: every post linked to every new tag
SELECT relorm_update('post', '{"id": {"in": [1, 2, 3]}}', '{"tags": {"create": [{"name": "new tag 1"}, {"name": "new tag 2"}]}}');
SELECT * FROM links;
-- belongs_to create on several books: one new author for all of them
SELECT relorm_update('book', '{"id": {"in": [1, 2, 3]}}', '{"title": "update book title", "author": {"create": {"name": "shared author"}}}');
SELECT * FROM books;
-- has_one create: the previous account is unlinked first
INSERT INTO account (login, author_id) VALUES ('old', 2);
SELECT relorm_update('author', '{"id": 2}', '{"account": {"create": {"login": "new"}}}');
SELECT * FROM account ORDER BY id;
-- has_many create on several authors: P0003, nothing changed
SELECT relorm_update('author', '{"id": {"in": [1, 2]}}', '{"name": "x", "books": {"create": {"title": "x"}}}');
:e
SELECT count(*) AS x_rows FROM author WHERE name = 'x';

-- ---- nested update ----
-- belongs_to (seed): book 1's author renamed
SELECT relorm_update('book', '{"id": 1}', '{"author": {"update": {"name": "new name"}}}');
-- has_many with where (seed), over several authors
SELECT relorm_update('author', '{"id": {"in": [1, 2, 3]}}', '{"books": {"update": {"where": {"title": "new book 2"}, "data": {"title": "new book 2 (edited)"}}}}');
SELECT * FROM books;
-- has_one and many_to_many
SELECT relorm_update('author', '{"id": 2}', '{"account": {"update": {"login": "renamed"}}}');
SELECT relorm_update('post', '{"id": 3}', '{"tags": {"update": {"where": {"name": "new tag 2"}, "data": {"name": "tag two"}}}}');
SELECT * FROM account ORDER BY id;
SELECT * FROM links;
-- nested update two levels down: the books of author 1, their author's email
SELECT relorm_update('author', '{"id": 1}', '{"books": {"update": {"where": {"title": "new book 1"}, "data": {"author": {"update": {"email": "a@b"}}}}}}');
SELECT id, name, email FROM author ORDER BY id;

-- ---- upsert ----
-- belongs_to: book 4 has no author, so one is created; book 3's author is updated
SELECT relorm_update('book', '{"id": 4}', '{"author": {"upsert": {"update": {"name": "upd"}, "create": {"name": "created by upsert", "email": "some@email.com"}}}}');
SELECT relorm_update('book', '{"id": 3}', '{"author": {"upsert": {"update": {"email": "upserted"}, "create": {"name": "never"}}}}');
SELECT * FROM books;
SELECT id, name, email FROM author ORDER BY id;
-- has_one: author 3 has no account
SELECT relorm_update('author', '{"id": 3}', '{"account": {"upsert": {"update": {"login": "u"}, "create": {"login": "made"}}}}');
SELECT * FROM account ORDER BY id;
-- to-many upsert: 42809
SELECT relorm_update('author', '{"id": 3}', '{"books": {"upsert": {"update": {}, "create": {}}}}');
:e

-- ---- set ----
-- belongs_to set by a filter (seed: the first author with that name)
SELECT relorm_update('book', '{"id": 2}', '{"author": {"set": {"name": "A3"}}}');
-- has_many set: books of author 3 become exactly B1 and B2
SELECT relorm_update('author', '{"id": 3}', '{"books": {"set": [{"title": "update book title"}]}}');
SELECT * FROM books;
-- has_many set []: unlinks all
SELECT relorm_update('author', '{"id": 3}', '{"books": {"set": []}}');
SELECT * FROM books;
-- has_one set: the previous account is unlinked
SELECT relorm_update('author', '{"id": 3}', '{"account": {"set": {"login": "renamed"}}}');
SELECT * FROM account ORDER BY id;
-- many_to_many set: replaces the junction rows
SELECT relorm_update('post', '{"id": 1}', '{"tags": {"set": [{"name": "sql"}, {"name": "javascript"}]}}');
SELECT * FROM links;
-- has_many set on several authors: P0003
SELECT relorm_update('author', '{}', '{"books": {"set": {"id": 1}}}');
:e
-- a set filter that finds nothing: P0002, nothing unlinked
SELECT relorm_update('post', '{"id": 1}', '{"tags": {"set": [{"name": "sql"}, {"name": "nope"}]}}');
:e
SELECT * FROM links;

-- ---- add ----
-- seed: two tags added to every post whose title contains node.js
SELECT relorm_update('post', '{"title": {"contains": "node.js"}}', '{"tags": {"add": [{"name": "javascript"}, {"name": "programming"}]}}');
SELECT * FROM links;
-- has_many add (seed)
SELECT relorm_update('author', '{"id": 2}', '{"books": {"add": [{"id": 1}, {"id": 2}]}}');
SELECT * FROM books;
-- fewer matches than filters: P0002
SELECT relorm_update('post', '{"id": 3}', '{"tags": {"add": [{"name": "javascript"}, {"name": "missing"}]}}');
:e
-- add on a belongs_to or a has_one: 42809 with a hint
SELECT relorm_update('book', '{"id": 1}', '{"author": {"add": {"id": 1}}}');
:e
SELECT relorm_update('author', '{"id": 1}', '{"account": {"add": {"id": 1}}}');
:e

-- ---- disconnect ----
-- many_to_many by filter (seed), matching nothing is no error
SELECT relorm_update('post', '{"title": "other"}', '{"tags": {"disconnect": {"name": "new tag 1"}}}');
SELECT relorm_update('post', '{"title": "other"}', '{"tags": {"disconnect": [{"id": 998}, {"id": 999}]}}');
SELECT * FROM links;
-- belongs_to disconnect: true (seed)
SELECT relorm_update('book', '{"title": "new book 1"}', '{"author": {"disconnect": true}}');
-- has_many disconnect by filter
SELECT relorm_update('author', '{"id": 2}', '{"books": {"disconnect": {"id": 2}}}');
SELECT * FROM books;
-- has_one disconnect
SELECT relorm_update('author', '{"id": 3}', '{"account": {"disconnect": true}}');
SELECT * FROM account ORDER BY id;
-- a to-one disconnect that is not true: 22023
SELECT relorm_update('author', '{"id": 3}', '{"account": {"disconnect": 1}}');
:e

-- ---- delete in update ----
-- belongs_to delete (seed): the foreign key is set to NULL, then the author deleted
INSERT INTO author (name) VALUES ('doomed');
UPDATE book SET author_id = (SELECT id FROM author WHERE name = 'doomed') WHERE id = 4;
SELECT relorm_update('book', '{"id": 4}', '{"author": {"delete": true}}');
SELECT * FROM books;
SELECT count(*) AS doomed FROM author WHERE name = 'doomed';
-- has_many delete by filter, and by a list of filters (seed)
SELECT relorm_update('author', '{"id": 1}', '{"books": {"delete": {"title": "new book 2 (edited)"}}}');
SELECT relorm_update('author', '{"id": 2}', '{"books": {"delete": [{"id": 1}, {"id": 2}]}}');
SELECT * FROM books;
-- many_to_many delete: the tags and their junction rows
SELECT relorm_update('post', '{"id": 2}', '{"tags": {"delete": {"name": "new tag 1"}}}');
SELECT * FROM tag ORDER BY id;
SELECT * FROM links;
-- has_one delete
SELECT relorm_update('author', '{"id": 2}', '{"account": {"delete": true}}');
SELECT * FROM account ORDER BY id;
-- {} deletes all related
SELECT relorm_update('author', '{"id": 1}', '{"books": {"delete": {}}}');
SELECT * FROM books;

-- where matching nothing: 0, and no nested operation runs
SELECT relorm_update('author', '{"id": 999}', '{"books": {"create": {"title": "never"}}}');
SELECT count(*) AS never FROM book WHERE title = 'never';

-- ---- the *_related forms ----
INSERT INTO author (id, name) VALUES (100, 'R');
INSERT INTO book (title, author_id) VALUES ('R1', 100), ('R2', 100);
-- update the owner's related rows matching where (has_many, belongs_to, many_to_many)
SELECT relorm_update_related('author', 'books', 100, '{"title": "R1"}', '{"title": "R1!"}');
SELECT relorm_update_related('book', 'author', (SELECT id FROM book WHERE title = 'R2'), NULL, '{"email": "via book"}');
SELECT relorm_update_related('post', 'tags', 1, '{"name": "javascript"}', '{"name": "JavaScript"}');
SELECT id, title, author_id FROM book WHERE author_id = 100 ORDER BY id;
SELECT name, email FROM author WHERE id = 100;
-- delete them: by filter, then all; many_to_many deletes tags and junction rows
SELECT relorm_delete_related('author', 'books', 100, '{"title": "R2"}');
SELECT relorm_delete_related('author', 'books', 100);
SELECT count(*) AS r_books FROM book WHERE author_id = 100;
SELECT relorm_delete_related('post', 'tags', 1, '{"name": "JavaScript"}');
SELECT * FROM tag ORDER BY id;
SELECT * FROM links;
-- belongs_to: 42809; an owner that does not exist: P0002
SELECT relorm_delete_related('book', 'author', 1);
:e
SELECT relorm_update_related('author', 'books', 999, NULL, '{"title": "x"}');
:e

-- ---- shape errors, each followed by a check that nothing changed ----
CREATE TEMP TABLE before AS SELECT * FROM books;
SELECT relorm_update('book', '{"id": 3}', '{"title": "T", "author": {"set": {"id": 1}, "disconnect": true}}');
:e
SELECT relorm_update('author', '{"id": 2}', '{"name": "T", "books": {"create": [{"title": "ok"}], "delete": [1]}}');
:e
SELECT relorm_update('author', '{"id": 2}', '{"books": {"create": {"title": null}}}');
:e
SELECT relorm_update('author', '{"id": 2}', '{"books": {"connect": {"id": 1}}}');
:e
SELECT relorm_update('author', '{"idx": 2}', '{"name": "T"}');
:e
SELECT (SELECT count(*) FROM books) = (SELECT count(*) FROM before)
   AND NOT EXISTS (SELECT * FROM books EXCEPT SELECT * FROM before) AS unchanged;
SELECT count(*) AS renamed FROM author WHERE name = 'T';
-- unlinking a NOT NULL foreign key: 23502 with a hint
CREATE TABLE chapter (id serial PRIMARY KEY, book_id int NOT NULL REFERENCES book);
SELECT relorm_has_many('book', 'chapters', 'chapter');
INSERT INTO chapter (book_id) VALUES (3), (3);
SELECT relorm_update('book', '{"id": 3}', '{"chapters": {"set": []}}');
:e
SELECT count(*) AS still_linked FROM chapter WHERE book_id = 3;
