-- Through relations (SPEC §2): relorm_has_many_through and
-- relorm_has_one_through follow two relations in a row (an author's
-- reviews through books; a post's tags' categories), read-only, in every
-- read of SPEC §5, each far row once.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA thr;
SET search_path = thr, public;
CREATE TABLE author (id int PRIMARY KEY, name text);
CREATE TABLE profile (id int PRIMARY KEY, author_id int UNIQUE REFERENCES author, bio text);
CREATE TABLE book (id int PRIMARY KEY, title text, author_id int REFERENCES author);
CREATE TABLE review (id int PRIMARY KEY, book_id int REFERENCES book, stars int);
CREATE TABLE category (id int PRIMARY KEY, name text);
CREATE TABLE tag (id int PRIMARY KEY, name text, category_id int REFERENCES category);
CREATE TABLE post (id int PRIMARY KEY, title text);
CREATE TABLE post_tags (post_id int REFERENCES post, tag_id int REFERENCES tag,
                        PRIMARY KEY (post_id, tag_id));
INSERT INTO author VALUES (1, 'Asimov'), (2, 'Clarke'), (3, 'Nobody');
INSERT INTO profile VALUES (1, 1, 'robots'), (2, 2, 'space');
INSERT INTO book VALUES (10, 'Foundation', 1), (11, 'I, Robot', 1), (12, 'Rama', 2);
INSERT INTO review VALUES (100, 10, 5), (101, 10, 3), (102, 11, 4), (103, 12, 2);
INSERT INTO category VALUES (1, 'fiction'), (2, 'science');
INSERT INTO tag VALUES (1, 'sf', 1), (2, 'space opera', 1), (3, 'physics', 2);
INSERT INTO post VALUES (1, 'Why read SF'), (2, 'Orbits'), (3, 'Untagged');
-- post 1's two tags are both fiction: one category, reached twice
INSERT INTO post_tags VALUES (1, 1), (1, 2), (2, 2), (2, 3);
SELECT relorm_has_many('author', 'books', 'book', options => '{"inverse": "author"}');
SELECT relorm_has_many('book', 'reviews', 'review', options => '{"inverse": "book"}');
SELECT relorm_has_one('author', 'profile', 'profile');
SELECT relorm_many_to_many('post', 'tags', 'tag');
SELECT relorm_belongs_to('tag', 'category', 'category');

-- author -> books -> reviews; post -> tags -> category; review -> book ->
-- author (to-one all the way); book -> author -> profile
SELECT relorm_has_many_through('author', 'reviews', 'books', 'reviews');
SELECT relorm_has_many_through('post', 'categories', 'tags', 'category');
SELECT relorm_has_one_through('review', 'author', 'book', 'author');
SELECT relorm_has_one_through('book', 'author_profile', 'author', 'profile');
SELECT source, name, kind, target, junction AS through_table, options
  FROM relorm_relations WHERE kind LIKE '%through' ORDER BY source::text, name;

-- select: nested, to-many as an array, to-one as an object, aggregates
SELECT relorm_select('author', '{"select": ["name",
    {"reviews": {"select": ["id", "stars"], "order": ["id"]}},
    {"n": {"relation": "reviews", "count": true}},
    {"best": {"relation": "reviews", "max": "stars"}}], "order": ["id"]}');
-- each far row once: post 1 reaches "fiction" through two tags
SELECT relorm_select('post', '{"select": ["title",
    {"categories": {"select": ["name"], "order": ["name"]}},
    {"n": {"relation": "categories", "count": true}}], "order": ["id"]}');
SELECT relorm_select('review', '{"select": ["id", {"author": {"select": ["name"]}}],
                                 "order": ["id"]}');
SELECT relorm_select('book', '{"select": ["title", {"author_profile": {"select": ["bio"]}}],
                               "order": ["id"]}');
-- filters through them: some / none
SELECT relorm_select('author', '{"select": ["name"],
    "where": {"reviews": {"some": {"stars": {"lte": 2}}}}}');
SELECT relorm_select('author', '{"select": ["name"], "where": {"reviews": {"none": {}}}}');
-- the statement: the far table alone in FROM, the path in EXISTS
SELECT relorm_sql('post', '{"select": [{"categories": {"select": ["name"]}}]}');

-- query_related (json and typed), count_related, exists_related
SELECT * FROM relorm_query_related('author', 'reviews', 1, '{"order": ["-stars"]}');
SELECT * FROM relorm_query_related(NULL::category, 'post', 'categories', 2, '{"order": ["id"]}');
SELECT * FROM relorm_query_related('review', 'author', 103);
SELECT relorm_count_related('post', 'categories', 1),
       relorm_exists_related('author', 'reviews', 3),
       relorm_count_related('author', 'reviews', 1, '{"stars": {"gte": 4}}');

-- chain: a through relation as a step, alone or after another; each row once
SELECT * FROM relorm_chain('author', 'reviews', '{"of": [1, 2], "order": ["id"]}');
SELECT * FROM relorm_chain('post', 'categories', '{"order": ["id"]}');
SELECT * FROM relorm_chain('review', 'author.books', '{"of": [100], "order": ["id"]}');

-- where_exists
SELECT * FROM relorm_where_exists('author', 'reviews', '{"stars": 5}');
SELECT * FROM relorm_where_exists('post', 'categories');

-- join: one row per (source row, far row)
SELECT * FROM relorm_join('post', 'categories',
    '{"select": ["title", "categories.name"], "order": ["id", "categories.name"]}');

-- Writes through them are 42809, with a hint naming the relations.
SELECT relorm_add('author', 'reviews', 1, 103);
:e
SELECT relorm_set('review', 'author', 100, 2);
:e
SELECT relorm_attach('post', 'categories', 1, 2);
:e
SELECT relorm_associate('author', 'reviews', 1, 103);
:e
-- ... and so are the writes of SPEC §6 (nest them through the two
-- relations instead), with nothing written
SELECT relorm_create('author', '{"name": "X", "reviews": {"create": [{"stars": 1}]}}');
:e
SELECT relorm_update('author', '{"id": 1}', '{"reviews": {"set": []}}');
:e
SELECT relorm_create_related('author', 'reviews', 1, '{"stars": 1}');
:e
SELECT relorm_update_related('author', 'reviews', 1, '{}', '{"stars": 1}');
:e
SELECT relorm_delete_related('author', 'reviews', 1);
:e
SELECT count(*) AS authors, (SELECT count(*) FROM review) AS reviews FROM author;

-- Registration errors: a has_one_through over a to-many path (42809), an
-- unknown relation (42704), a through relation followed by another (42809),
-- the same definition again (no-op) or another one (42710), read-only (25006).
SELECT relorm_has_one_through('author', 'a_review', 'books', 'reviews');
:e
SELECT relorm_has_many_through('author', 'tags', 'books', 'tags');
:e
SELECT relorm_has_many_through('author', 'stars', 'reviews', 'book');
:e
SELECT relorm_has_many_through('author', 'reviews', 'books', 'reviews');
SELECT relorm_has_many_through('author', 'reviews', 'books', 'author');
:e
BEGIN READ ONLY;
SELECT relorm_has_many_through('post', 'cats', 'tags', 'category');
:e
ROLLBACK;

-- Dropping a relation a through relation uses is 2BP01 (either of the two) ...
SELECT relorm_drop_relation('author', 'books');
:e
SELECT relorm_drop_relation('book', 'reviews');
:e
-- ... the through relation itself can go, then the relation
SELECT relorm_drop_relation('book', 'author_profile');
SELECT relorm_drop_relation('author', 'profile');
-- dropping a table or column they use removes them, with a NOTICE each
ALTER TABLE post_tags RENAME TO post_tagging;
DROP TABLE post_tagging;
ALTER TABLE review DROP COLUMN book_id;
SELECT source, name, kind FROM relorm_relations ORDER BY source::text, name;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA thr CASCADE;
RESET client_min_messages;
