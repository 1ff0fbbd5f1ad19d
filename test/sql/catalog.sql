-- Registering relations (SPEC §2): inference from foreign keys and naming,
-- explicit columns, self reference, composite keys, options, errors.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA cat;
SET search_path = cat, public;

-- TypeORM's one-to-one: user.profile_id references profile.
CREATE TABLE profile (id serial PRIMARY KEY, gender text, photo text);
CREATE TABLE "user" (id serial PRIMARY KEY, name text,
                     profile_id int UNIQUE REFERENCES profile);
-- The single foreign key between the tables is found; with inverse the
-- profile's side is registered too, as has_one because the key is unique.
SELECT relorm_belongs_to('user', 'profile', 'profile', options => '{"inverse": "user"}');
SELECT name, kind, target, source_columns, target_columns, options
  FROM relorm_relations WHERE source IN ('user'::regclass, 'profile'::regclass)
 ORDER BY source::text, name;

-- Many-to-one without a constraint: the <name>_id column is used, and
-- "references" defaults to the target's primary key.
CREATE TABLE author (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE book (id serial PRIMARY KEY, title text, author_id int, cat_id int, writer text);
SELECT relorm_belongs_to('book', 'author', 'author');
-- has_many infers <source table>_id on the target.
SELECT relorm_has_many('author', 'books', 'book');
-- A custom join column (TypeORM @JoinColumn({name: "cat_id"})) and a
-- referenced column other than the key (referencedColumnName: "name").
SELECT relorm_belongs_to('book', 'writer_by_name', 'author',
                         foreign_key => ARRAY['writer'], "references" => ARRAY['name']);
SELECT name, kind, source_columns, target_columns FROM relorm_relations
 WHERE source = 'book'::regclass ORDER BY name;

-- Self reference: a category tree (adjacency list).
CREATE TABLE category (id serial PRIMARY KEY, title text,
                       parent_id int REFERENCES category);
SELECT relorm_belongs_to('category', 'parent', 'category', options => '{"inverse": "children"}');
SELECT name, kind, source_columns, target_columns FROM relorm_relations
 WHERE source = 'category'::regclass ORDER BY name;

-- Many-to-many: the junction is the one table with foreign keys to both.
CREATE TABLE question (id serial PRIMARY KEY, title text);
CREATE TABLE question_categories (
    question_id int REFERENCES question ON DELETE CASCADE,
    category_id int REFERENCES category ON DELETE CASCADE,
    PRIMARY KEY (question_id, category_id));
SELECT relorm_many_to_many('question', 'categories', 'category',
                           options => '{"inverse": "questions"}');
-- Custom junction and column names (TypeORM @JoinTable({name, joinColumn,
-- inverseJoinColumn})).
CREATE TABLE tagging ("question" int REFERENCES question, "category" int REFERENCES category,
                      PRIMARY KEY ("question", "category"));
SELECT relorm_many_to_many('question', 'tags', 'category', junction => 'tagging',
                           source_key => ARRAY['question'], target_key => ARRAY['category']);
-- Now two junctions qualify, so inference is ambiguous and says what to pass.
SELECT relorm_many_to_many('question', 'labels', 'category');
:e
SELECT name, kind, junction, source_columns, junction_source_columns,
       junction_target_columns, target_columns
  FROM relorm_relations WHERE junction IS NOT NULL ORDER BY source::text, name;

-- A self-referencing many-to-many: two foreign keys to the same table,
-- told apart by the <source>_id naming rule.
CREATE TABLE article (id serial PRIMARY KEY);
CREATE TABLE article_related (article_id int REFERENCES article,
                              related_id int REFERENCES article,
                              PRIMARY KEY (article_id, related_id));
SELECT relorm_many_to_many('article', 'related', 'article');
SELECT junction_source_columns, junction_target_columns FROM relorm_relations
 WHERE source = 'article'::regclass;

-- Composite keys (TypeORM's id maps): both sides and the junction.
CREATE TABLE cpost (first_post_id int, second_post_id int, title text,
                    PRIMARY KEY (first_post_id, second_post_id));
CREATE TABLE ccategory (first_category_id int, second_category_id int, name text,
                        PRIMARY KEY (first_category_id, second_category_id));
CREATE TABLE cpost_categories (
    first_post_id int, second_post_id int, first_category_id int, second_category_id int,
    PRIMARY KEY (first_post_id, second_post_id, first_category_id, second_category_id),
    FOREIGN KEY (first_post_id, second_post_id) REFERENCES cpost,
    FOREIGN KEY (first_category_id, second_category_id) REFERENCES ccategory);
SELECT relorm_many_to_many('cpost', 'categories', 'ccategory');
SELECT junction_source_columns, junction_target_columns FROM relorm_relations
 WHERE source = 'cpost'::regclass;

-- Errors.
-- two foreign keys between the tables and none named <name>_id (42702)
CREATE TABLE message (id serial PRIMARY KEY,
                      sender int REFERENCES "user", recipient int REFERENCES "user");
SELECT relorm_belongs_to('message', 'author', 'user');
:e
-- the hint's remedy works
SELECT relorm_belongs_to('message', 'author', 'user', foreign_key => ARRAY['sender']);
-- no foreign key and no <name>_id column (42830)
SELECT relorm_belongs_to('book', 'publisher', 'author');
:e
-- an unknown column (42703)
SELECT relorm_belongs_to('book', 'editor', 'author', foreign_key => ARRAY['nope']);
:e
-- referenced columns that are not unique (42830)
SELECT relorm_belongs_to('book', 'namesake', 'author', foreign_key => ARRAY['title'],
                         "references" => ARRAY['id', 'name']);
:e
SELECT relorm_belongs_to('book', 'namesake', 'book', foreign_key => ARRAY['writer'],
                         "references" => ARRAY['title']);
:e
-- types that cannot be compared (42883)
SELECT relorm_belongs_to('book', 'by_title', 'author', foreign_key => ARRAY['title'],
                         "references" => ARRAY['id']);
:e
-- the name is taken by another definition (42710) or is a column of the
-- source (42701)
SELECT relorm_belongs_to('book', 'author', 'author', foreign_key => ARRAY['cat_id']);
:e
SELECT relorm_belongs_to('book', 'title', 'author');
:e
-- names: empty, dotted, too long
SELECT relorm_belongs_to('book', '', 'author');
:e
SELECT relorm_belongs_to('book', 'a.b', 'author');
:e
SELECT relorm_belongs_to('book', repeat('x', 64), 'author');
:e
-- no junction can be found (42P01)
SELECT relorm_many_to_many('author', 'fans', 'profile');
:e
-- not a table (42809)
CREATE VIEW book_view AS SELECT * FROM book;
SELECT relorm_has_many('author', 'viewed', 'book_view');
:e
-- an unknown table is the regclass input's own error (42P01)
SELECT relorm_has_many('author', 'x', 'no_such_table');
:e

-- Options are validated when registered.
SELECT relorm_has_many('author', 'ordered_books', 'book',
                       options => '{"order": ["title", {"id": "desc nulls last"}], "eager": true, "cascade": ["insert", "remove"]}');
SELECT options FROM relorm_relations WHERE name = 'ordered_books';
SELECT relorm_has_many('author', 'b2', 'book', options => '{"order": ["nope"]}');
:e
SELECT relorm_has_many('author', 'b2', 'book', options => '{"order": [{"title": "sideways"}]}');
:e
SELECT relorm_belongs_to('book', 'b2', 'author', foreign_key => ARRAY['author_id'],
                         options => '{"order": ["name"]}');
:e
SELECT relorm_has_many('author', 'b2', 'book', options => '{"eager": "yes"}');
:e
SELECT relorm_has_many('author', 'b2', 'book', options => '{"cascade": ["explode"]}');
:e
SELECT relorm_has_many('author', 'b2', 'book', options => '{"colour": "red"}');
:e
SELECT relorm_has_many('author', 'b2', 'book', options => '{"create": 1}');
:e
SELECT relorm_has_many('author', 'b2', 'book', options => '[]');
:e
CREATE TABLE question_votes (question_id int REFERENCES question, category_id int REFERENCES category,
                             weight int, PRIMARY KEY (question_id, category_id));
SELECT relorm_many_to_many('question', 'voted', 'category', junction => 'question_votes',
                           options => '{"pivot": ["weight"]}');
SELECT relorm_many_to_many('question', 'voted2', 'category', junction => 'question_votes',
                           options => '{"pivot": ["colour"]}');
:e
SELECT relorm_many_to_many('question', 'voted2', 'category', junction => 'question_votes',
                           options => '{"pivot": ["question_id"]}');
:e
SELECT relorm_has_many('author', 'b2', 'book', options => '{"pivot": ["x"]}');
:e
-- a junction column set cannot be both ends of a pair (22023), even
-- between two tables whose keys it could hold
CREATE TABLE question_same (ref int, PRIMARY KEY (ref));
SELECT relorm_many_to_many('question', 'voted2', 'category', junction => 'question_same',
                           source_key => ARRAY['ref'], target_key => ARRAY['ref']);
:e
-- nothing of the failed calls was registered
SELECT count(*) FROM relorm_relations WHERE name IN ('b2', 'voted2', 'publisher', 'editor', 'namesake');

-- A relorm_catalog whose columns do not match the library is refused
-- (55000) rather than read; as it was, it is read again.
BEGIN;
ALTER TABLE relorm_catalog ADD COLUMN stray int;
SELECT relorm_sql('question', 'categories', 'add');
:e
ROLLBACK;
SELECT relorm_sql('question', 'categories', 'add') LIKE 'INSERT INTO cat.question_categories%' AS read_again;

-- Dropping a relation; its inverse forgets it.
SELECT relorm_drop_relation('category', 'children');
SELECT name, options FROM relorm_relations WHERE source = 'category'::regclass;
SELECT relorm_drop_relation('category', 'children');
:e
SELECT relorm_drop_relation('category', 'nope');
:e

-- Dropping a table or a key column removes its relations, with a NOTICE.
DROP VIEW book_view;
DROP TABLE tagging;
ALTER TABLE book DROP COLUMN writer;
SELECT name FROM relorm_relations WHERE name IN ('tags', 'writer_by_name');
-- other columns can go
ALTER TABLE book DROP COLUMN cat_id;
SELECT count(*) FROM relorm_relations WHERE source = 'book'::regclass;

RESET search_path;
DROP SCHEMA cat CASCADE;
SELECT count(*) FROM relorm_relations;
