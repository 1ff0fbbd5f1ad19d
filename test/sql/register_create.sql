-- The create option (SPEC §2): what a relation needs is created in the
-- layout of the seed's tables (TypeORM's "Relations" page), only what is
-- missing, all or nothing; and the accessor option: a function named
-- after the relation, so that SQL's attribute notation reads it.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA cre;
SET search_path = cre, public;

-- The seed's tables without their relations.
CREATE TABLE question (id serial PRIMARY KEY, title varchar(255));
CREATE TABLE category (id serial PRIMARY KEY, name varchar(255));
CREATE TABLE profile (id serial PRIMARY KEY, gender varchar(255), photo varchar(255));
CREATE TABLE "user" (id serial PRIMARY KEY, name varchar(255));
CREATE TABLE photo (id serial PRIMARY KEY, url varchar(255));

-- @ManyToMany + @JoinTable: the junction question_categories, a primary
-- key over both columns, both foreign keys ON DELETE CASCADE, an index on
-- the second column.
SELECT relorm_many_to_many('question', 'categories', 'category',
                           options => '{"create": true, "inverse": "questions"}');
\d question_categories
-- @OneToOne + @JoinColumn: user.profile_id, typed like profile.id,
-- indexed (not unique, so the inverse "user" is a has_many), with on_delete
SELECT relorm_belongs_to('user', 'profile', 'profile',
                         options => '{"create": true, "on_delete": "set null", "inverse": "user"}');
\d "user"
-- @OneToMany / @ManyToOne: photo.user_id, here NOT NULL ("nullable": false)
SELECT relorm_has_many('user', 'photos', 'photo',
                       options => '{"create": true, "nullable": false, "on_delete": "cascade"}');
-- has_one: the created column is UNIQUE
SELECT relorm_has_one('profile', 'avatar', 'photo', options => '{"create": true}');
\d photo
-- "junction_name" names the junction (@JoinTable({name})); a
-- self-referencing one names its second column after the relation
SELECT relorm_many_to_many('category', 'related', 'category',
                           options => '{"create": true, "junction_name": "category_links"}');
\d category_links
-- the relations work
INSERT INTO question (title) VALUES ('Why?');
INSERT INTO category (name) VALUES ('animals'), ('zoo');
INSERT INTO "user" (name) VALUES ('Timber');
SELECT relorm_attach('question', 'categories', 1, ARRAY[1, 2]);
INSERT INTO photo (url, user_id) VALUES ('me.jpg', 1);
SELECT relorm_select('question', '{"select": ["title", {"categories": {"select": ["name"]}}]}');

-- Only what is missing: an existing column only gets the constraint (no
-- index, no type change) ...
ALTER TABLE photo ADD COLUMN question_id int;
SELECT relorm_has_many('question', 'photos', 'photo', options => '{"create": true}');
\d photo
-- ... an existing junction is used as it is, and registering the same
-- relation again creates nothing and is a no-op.
SELECT relorm_many_to_many('question', 'categories', 'category',
                           options => '{"create": true, "inverse": "questions"}');
SELECT count(*) FROM pg_constraint WHERE conrelid = 'question_categories'::regclass;

-- All or nothing: a NOT NULL column cannot be added to a table with rows
-- (23502), so neither the column nor its constraint is created ...
SELECT relorm_has_many('category', 'photos', 'photo',
                       options => '{"create": true, "nullable": false}');
:e
SELECT attname FROM pg_attribute WHERE attrelid = 'photo'::regclass AND attname = 'category_id';
-- ... and when registration fails after the junction was created (the
-- inverse's name is taken), the junction is gone too.
SELECT relorm_many_to_many('user', 'categories', 'category',
                           options => '{"create": true, "inverse": "questions"}');
:e
SELECT to_regclass('user_categories');
-- option errors (22023), and a composite key create cannot reference (0A000)
SELECT relorm_has_many('question', 'x', 'photo', options => '{"on_delete": "cascade"}');
:e
SELECT relorm_has_many('question', 'x', 'photo', options => '{"create": true, "on_delete": "explode"}');
:e
SELECT relorm_has_many('question', 'x', 'photo', options => '{"create": "yes"}');
:e
CREATE TABLE pair (a int, b int, PRIMARY KEY (a, b));
SELECT relorm_belongs_to('photo', 'pair', 'pair', options => '{"create": true}');
:e

-- The accessor option: <relation>(<source table>), SECURITY INVOKER,
-- returning json: an object or NULL (to-one), an array in the relation's
-- order, never NULL (to-many).
SELECT relorm_has_many('user', 'pictures', 'photo', foreign_key => ARRAY['user_id'],
                       options => '{"accessor": true, "order": ["-id"]}');
SELECT relorm_belongs_to('photo', 'owner', 'user', foreign_key => ARRAY['user_id'],
                         options => '{"accessor": true}');
SELECT relorm_many_to_many('category', 'questions_of', 'question', junction => 'question_categories',
                           options => '{"accessor": true}');
SELECT p.proname, pg_get_function_arguments(p.oid) AS args, p.prorettype::regtype,
       p.prosecdef AS security_definer
  FROM pg_proc p WHERE p.pronamespace = 'cre'::regnamespace ORDER BY 1;
INSERT INTO "user" (name) VALUES ('Nobody');
INSERT INTO photo (url, user_id) VALUES ('me2.jpg', 1);
SELECT u.name, u.pictures FROM "user" u ORDER BY u.id;
SELECT ph.url, ph.owner FROM photo ph ORDER BY ph.id;
SELECT c.name, c.questions_of FROM category c ORDER BY c.id;
-- over many rows: 300 users, each with its photos
INSERT INTO "user" (name) SELECT 'u' || g FROM generate_series(1, 300) g;
INSERT INTO photo (url, user_id) SELECT 'p' || u.id || '-' || k || '.jpg', u.id
  FROM "user" u, generate_series(1, 3) k WHERE u.name LIKE 'u%';
SELECT count(*) AS users, sum(json_array_length(u.pictures)) AS pictures,
       count(*) FILTER (WHERE json_array_length(u.pictures) = 3) AS with_three
  FROM "user" u WHERE u.name LIKE 'u%';
-- one call per row: the accessor is a function, so the plan calls it for
-- each row (relorm_select loads a relation for many rows in one statement)
SET compute_query_id = off;
EXPLAIN (VERBOSE, COSTS OFF) SELECT u.name, u.pictures FROM "user" u;
RESET compute_query_id;
-- a function of that signature exists: 42723, nothing registered
CREATE FUNCTION tags(question) RETURNS int LANGUAGE sql AS 'SELECT 1';
SELECT relorm_many_to_many('question', 'tags', 'category', junction => 'question_categories',
                           options => '{"accessor": true}');
:e
SELECT count(*) FROM relorm_relations WHERE name = 'tags';
-- dropping the relation drops its accessor
SELECT relorm_drop_relation('user', 'pictures');
SELECT to_regprocedure('cre.pictures(cre."user")') AS pictures, to_regprocedure('cre.owner(cre.photo)') AS owner;
-- and so does dropping what the relation uses
ALTER TABLE question_categories RENAME COLUMN category_id TO cat_id;
ALTER TABLE question_categories DROP COLUMN cat_id;
SELECT to_regprocedure('cre.questions_of(cre.category)');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA cre CASCADE;
RESET client_min_messages;
