-- ==========================================================================
-- relorm: a commented walkthrough
--
-- Run it in a fresh database:
--     psql -X -v ON_ERROR_STOP=1 -a -f test/demo.sql
-- (`make demo` does that against a throwaway server).  -a echoes these
-- comments and every statement above its result.
--
-- The schema is the one of TypeORM's "Relations" and "Working with
-- Relations" pages: users with a profile (one-to-one) and photos
-- (one-to-many), questions with categories (many-to-many), a category tree
-- (self reference), posts with an author and categories, and posts and
-- categories with composite keys.  Section 8 shows the pivot operations of
-- Laravel Orion on the posts' categories, section 10 the relation queries
-- of Orchid ORM.
-- ==========================================================================

-- Errors print without the long CONTEXT of the statement relorm ran, and
-- NULL shows as (null).
\set SHOW_CONTEXT never
\pset null '(null)'

CREATE EXTENSION relorm;

-- --------------------------------------------------------------------------
-- 1. Tables.  Plain PostgreSQL: relorm adds no columns and no triggers.
-- --------------------------------------------------------------------------

-- One-to-one: a user owns the foreign key to its profile (TypeORM's
-- @OneToOne + @JoinColumn).  The table is called "users" because USER is a
-- reserved word.  UNIQUE makes it one-to-one rather than many-to-one.
CREATE TABLE profile (id serial PRIMARY KEY, gender text, photo text);
CREATE TABLE users (id serial PRIMARY KEY, name text,
                    profile_id int UNIQUE REFERENCES profile);

-- One-to-many: each photo belongs to one user.
CREATE TABLE photo (id serial PRIMARY KEY, url text,
                    user_id int REFERENCES users);

-- A self-referencing category tree (adjacency list), and questions with
-- categories through the junction table question_categories.
CREATE TABLE category (id serial PRIMARY KEY, name text,
                       parent_id int REFERENCES category);
CREATE TABLE question (id serial PRIMARY KEY, title text, text text);
CREATE TABLE question_categories (
    question_id int REFERENCES question ON DELETE CASCADE,
    category_id int REFERENCES category ON DELETE CASCADE,
    PRIMARY KEY (question_id, category_id));

-- Posts have two foreign keys to users (author and editor), and categories
-- through a junction with custom column names (TypeORM's
-- @JoinTable({ joinColumn: { name: "post" }, inverseJoinColumn: { name: "category" } }))
-- and a pivot column "note".
CREATE TABLE post (id serial PRIMARY KEY, title text,
                   author_id int REFERENCES users,
                   editor_id int REFERENCES users);
CREATE TABLE post_category_links (
    post int REFERENCES post ON DELETE CASCADE,
    category int REFERENCES category ON DELETE CASCADE,
    note text,
    PRIMARY KEY (post, category));

-- Composite keys, in their own schema: a post keyed by
-- (first_post_id, second_post_id), a category keyed by
-- (first_category_id, second_category_id), and a junction of 4 columns.
CREATE SCHEMA composite;
CREATE TABLE composite.post (
    first_post_id int, second_post_id int, title text,
    PRIMARY KEY (first_post_id, second_post_id));
CREATE TABLE composite.category (
    first_category_id int, second_category_id int, name text,
    PRIMARY KEY (first_category_id, second_category_id));
CREATE TABLE composite.post_categories (
    first_post_id int, second_post_id int,
    first_category_id int, second_category_id int,
    PRIMARY KEY (first_post_id, second_post_id, first_category_id, second_category_id),
    FOREIGN KEY (first_post_id, second_post_id) REFERENCES composite.post ON DELETE CASCADE,
    FOREIGN KEY (first_category_id, second_category_id) REFERENCES composite.category ON DELETE CASCADE);

-- Some rows; no relation is linked yet.
INSERT INTO profile (gender, photo) VALUES ('male', 'me.jpg'), ('female', 'her.jpg');
INSERT INTO users (name) VALUES ('Umed'), ('Timber');
INSERT INTO photo (url) VALUES ('me.jpg'), ('me-and-bears.jpg'), ('bears.jpg');
INSERT INTO category (name) VALUES ('animals'), ('zoo'), ('birds'), ('parrots');
INSERT INTO question (title, text) VALUES
    ('Which bird talks?', 'Parrots, mostly.'),
    ('Where are the bears?', 'At the zoo.');
INSERT INTO post (title, author_id, editor_id) VALUES ('Hello relorm', 1, 2);
INSERT INTO composite.post VALUES (1, 3, 'one-three'), (2, 2, 'two-two');
INSERT INTO composite.category VALUES (2, 4, 'two-four'), (5, 6, 'five-six');

-- --------------------------------------------------------------------------
-- 2. Registering relations.  Each relation has a name, unique per source
--    table.  Columns that are not given are inferred from the foreign keys.
-- --------------------------------------------------------------------------

-- belongs_to: the foreign key is on the source (users.profile_id).  The
-- single foreign key from users to profile is found.
SELECT relorm_belongs_to('users', 'profile', 'profile');

-- has_one: the foreign key is on the target; here the same column seen from
-- the profile, given explicitly.  (Registering users.profile with
-- options => '{"inverse": "user"}' would have done the same, as has_one
-- because profile_id is UNIQUE.)
SELECT relorm_has_one('profile', 'user', 'users', foreign_key => ARRAY['profile_id']);

-- has_many: the foreign key is on the target (photo.user_id).  Its inverse,
-- photo.user, is a belongs_to.
SELECT relorm_has_many('users', 'photos', 'photo',
                       options => '{"inverse": "user"}');

-- Self reference: category.parent, and its inverse category.children.
SELECT relorm_belongs_to('category', 'parent', 'category',
                         options => '{"inverse": "children"}');

-- many_to_many: the junction is the one table with foreign keys to both
-- question and category.  The inverse is category.questions.
SELECT relorm_many_to_many('question', 'categories', 'category',
                           options => '{"inverse": "questions"}');

-- post has two foreign keys to users.  For "author" the one whose column is
-- named <relation>_id (author_id) is chosen ...
SELECT relorm_belongs_to('post', 'author', 'users');
-- ... and any foreign key can be named explicitly.
SELECT relorm_belongs_to('post', 'editor', 'users', foreign_key => ARRAY['editor_id']);

-- Explicit junction and columns, with options: the default order of the
-- related rows (by name, descending) and the junction's pivot fields.
SELECT relorm_many_to_many('post', 'categories', 'category',
                           junction => 'post_category_links',
                           source_key => ARRAY['post'], target_key => ARRAY['category'],
                           options => '{"order": ["-name"], "pivot": ["note"]}');

-- Composite keys: everything is inferred as well; tables may be
-- schema-qualified.
SELECT relorm_many_to_many('composite.post', 'categories', 'composite.category');

-- relorm_relations shows everything registered ...
SELECT source, name, kind, target, junction, options
  FROM relorm_relations
 ORDER BY source::text, name;
-- ... and the columns that join the tables: source_columns = target_columns
-- for the others, source_columns = junction_source_columns and
-- junction_target_columns = target_columns for many_to_many.
SELECT source, name, source_columns, target_columns,
       junction_source_columns, junction_target_columns
  FROM relorm_relations
 ORDER BY source::text, name;

-- --------------------------------------------------------------------------
-- 3. One-to-one (TypeORM: relation(User, "profile").of(1).set(1)).
-- --------------------------------------------------------------------------

-- set points user 1 at profile 1 and returns the rows changed.
SELECT relorm_set('users', 'profile', 1, 1);

-- Setting it again to the same row changes nothing.
SELECT relorm_set('users', 'profile', 1, 1);

-- load_one returns the related row as json; relation_ids just its key.
SELECT relorm_load_one('users', 'profile', 1);
SELECT relorm_relation_ids('users', 'profile', 1);

-- The typed form takes NULL::target_table first and returns the row itself.
SELECT * FROM relorm_load_one(NULL::profile, 'users', 'profile', 1);

-- The same link seen from the other side (profile.user, has_one).
SELECT relorm_load_one('profile', 'user', 1);

-- set from the has_one side: profile 2's user becomes Timber (a user who
-- pointed at profile 2 before would be unlinked first).
SELECT relorm_set('profile', 'user', 2, 2);
SELECT id, name, profile_id FROM users ORDER BY id;

-- set with NULL unsets a to-one relation (TypeORM: .set(null)).  Then
-- load_one and relation_ids return NULL.
SELECT relorm_set('users', 'profile', 2, NULL);
SELECT relorm_load_one('users', 'profile', 2);
SELECT relorm_relation_ids('users', 'profile', 2);

-- --------------------------------------------------------------------------
-- 4. One-to-many and many-to-one (users.photos / photo.user).
-- --------------------------------------------------------------------------

-- add sets the targets' foreign key to the owner.  Several targets are one
-- SQL array (or jsonb array), and one statement.
SELECT relorm_add('users', 'photos', 1, ARRAY[1, 2]);
SELECT relorm_load_many('users', 'photos', 1);

-- Adding a photo that is already linked changes nothing ...
SELECT relorm_add('users', 'photos', 1, 2);
-- ... adding it to another user moves it.
SELECT relorm_add('users', 'photos', 2, 2);
SELECT id, url, user_id FROM photo ORDER BY id;

-- remove sets the foreign key to NULL, but only of targets linked to this
-- owner: photo 2 belongs to Timber now and is left alone.
SELECT relorm_remove('users', 'photos', 1, ARRAY[1, 2, 3]);
SELECT id, url, user_id FROM photo ORDER BY id;

-- set replaces the whole set.  Umed gets exactly photos 1 and 3 ...
SELECT relorm_set('users', 'photos', 1, ARRAY[1, 3]);
-- ... and then exactly 2 and 3: photo 1 is unlinked, photo 2 moves over
-- from Timber (2 changes).
SELECT relorm_set('users', 'photos', 1, ARRAY[2, 3]);
SELECT id, url, user_id FROM photo ORDER BY id;

-- The typed form of load_many returns rows of the target table.
SELECT * FROM relorm_load_many(NULL::photo, 'users', 'photos', 1);
SELECT relorm_relation_ids('users', 'photos', 1);

-- From the photo's side the relation is to-one (many-to-one): set moves
-- photo 3 to Timber, load_one reads its user.
SELECT relorm_set('photo', 'user', 3, 2);
SELECT relorm_load_one('photo', 'user', 3);

-- set with NULL (or an empty list) on a to-many relation unlinks all.
SELECT relorm_set('users', 'photos', 2, NULL);
SELECT relorm_relation_ids('users', 'photos', 2);

-- --------------------------------------------------------------------------
-- 5. Many-to-many (question.categories / category.questions).
-- --------------------------------------------------------------------------

-- add inserts junction rows; the keys may be ids ...
SELECT relorm_add('question', 'categories', 1, ARRAY[3, 4]);

-- ... or whole rows (TypeORM: .of(question).add(category)); here one call
-- per (question, category) pair ...
SELECT relorm_add('question', 'categories', q, c)
  FROM question q, category c
 WHERE q.title = 'Where are the bears?' AND c.name IN ('animals', 'zoo');

-- ... or jsonb: a scalar, an object of the key columns (other fields are
-- ignored, so a whole record as jsonb works), or an array of these.
SELECT relorm_add('question', 'categories', '1'::jsonb,
                  '[1, {"id": 2, "name": "zoo"}]'::jsonb);

-- The inverse side works the same way.  Pairs that are already linked are
-- skipped: category 3 is linked to question 1 already, so only question 2
-- is added.
SELECT relorm_add('category', 'questions', 3, ARRAY[1, 2]);
SELECT * FROM question_categories ORDER BY question_id, category_id;

-- load_many returns the related rows as json, in the target's key order
-- (or in the relation's "order" option) ...
SELECT relorm_load_many('question', 'categories', 1);

-- ... and the typed form returns them as rows of the target table.
SELECT * FROM relorm_load_many(NULL::category, 'question', 'categories', 1);
SELECT * FROM relorm_load_many(NULL::question, 'category', 'questions', 1);

-- relation_ids reads the keys from the junction alone.
SELECT relorm_relation_ids('question', 'categories', 1);

-- remove deletes junction rows.
SELECT relorm_remove('question', 'categories', 1, ARRAY[1, 2]);

-- set makes the given targets the whole set: question 2 had 1, 2 and 3;
-- it keeps 2, loses 1 and 3 and gets 4 (3 changes).
SELECT relorm_set('question', 'categories', 2, ARRAY[2, 4]);
SELECT * FROM question_categories ORDER BY question_id, category_id;

-- Load every question with its categories: the typed form joins like any
-- set-returning function.
SELECT q.title, c.name
  FROM question q,
       LATERAL relorm_load_many(NULL::category, 'question', 'categories', q.id) c
 ORDER BY q.id, c.id;

-- --------------------------------------------------------------------------
-- 6. The category tree (self reference).
-- --------------------------------------------------------------------------

-- "birds" goes under "animals", "parrots" under "birds" (from the parent's
-- side, with add on the has_many "children").
SELECT relorm_set('category', 'parent', 3, 1);
SELECT relorm_add('category', 'children', 3, 4);
SELECT relorm_load_one('category', 'parent', 4);
SELECT relorm_load_many('category', 'children', 1);
SELECT relorm_relation_ids('category', 'children', 3);

-- --------------------------------------------------------------------------
-- 7. Post: a chosen foreign key, an explicit junction, a default order.
-- --------------------------------------------------------------------------

-- TypeORM's relation(Post, "author").of(post).loadOne(), and the editor.
SELECT relorm_load_one('post', 'author', p), relorm_load_one('post', 'editor', p)
  FROM post p WHERE p.id = 1;

-- Keys may also be text ('4' is read as the key's type).
SELECT relorm_add('post', 'categories', 1, ARRAY['1', '2', '4']);
-- The relation's "order" option (name descending) orders load_many.
SELECT relorm_load_many('post', 'categories', 1);
-- The pivot column is left to its default (NULL here).
SELECT * FROM post_category_links ORDER BY post, category;

-- --------------------------------------------------------------------------
-- 8. Pivot operations (Laravel Orion: associate, dissociate, attach,
--    detach, sync, toggle, updatePivot).  The many-to-many ones return
--    jsonb with the keys they attached, detached or updated.
-- --------------------------------------------------------------------------

-- associate / dissociate set and clear one child's foreign key (has_many).
SELECT relorm_associate('users', 'photos', 2, 1);
SELECT relorm_dissociate('users', 'photos', 2, 1);

-- detach without targets unlinks all.
SELECT relorm_detach('post', 'categories', 1);

-- attach links targets with pivot fields: the same fields for every target
-- (pivot => ...) ...
SELECT relorm_attach('post', 'categories', 1, ARRAY[3], pivot => '{"note": "added later"}');
-- ... or per target, as {"key": {fields}}.  Pairs already linked are
-- skipped (3 here), and their fields are left alone.
SELECT relorm_attach('post', 'categories', 1,
                     '{"1": {"note": "first"}, "3": {"note": "again"}}'::jsonb);
SELECT * FROM post_category_links ORDER BY post, category;

-- sync links exactly the given targets: 2 is attached, 3 detached, and 1
-- keeps its link but gets the new note (listed as updated).
SELECT relorm_sync('post', 'categories', 1, '{"1": {"note": "first!"}, "2": {}}'::jsonb);
-- With detaching => false, sync only adds.
SELECT relorm_sync('post', 'categories', 1, ARRAY[4], detaching => false);

-- toggle unlinks the linked targets and links the others.
SELECT relorm_toggle('post', 'categories', 1, ARRAY[2, 3]);

-- update_pivot sets pivot fields of one existing link.
SELECT relorm_update_pivot('post', 'categories', 1, 3, '{"note": "toggled on"}');

-- detach with targets unlinks just those.
SELECT relorm_detach('post', 'categories', 1, ARRAY[4]);
SELECT * FROM post_category_links ORDER BY post, category;

-- --------------------------------------------------------------------------
-- 9. Composite keys as id maps (TypeORM:
--    .of({ firstPostId: 1, secondPostId: 3 }).add({ firstCategoryId: 2, secondCategoryId: 4 })).
-- --------------------------------------------------------------------------

-- A jsonb object of the key columns identifies a row; an untyped literal is
-- read as jsonb when the key has several columns.
SELECT relorm_add('composite.post', 'categories',
                  '{"first_post_id": 1, "second_post_id": 3}',
                  '{"first_category_id": 2, "second_category_id": 4}');

-- A SQL array of rows links several at once.
SELECT relorm_add('composite.post', 'categories', p,
                  (SELECT array_agg(c) FROM composite.category c))
  FROM composite.post p WHERE (p.first_post_id, p.second_post_id) = (2, 2);

-- relation_ids returns composite keys as objects.
SELECT relorm_relation_ids('composite.post', 'categories',
                           '{"first_post_id": 2, "second_post_id": 2}');

-- A jsonb array of id maps removes several.
SELECT relorm_remove('composite.post', 'categories',
                     '{"first_post_id": 2, "second_post_id": 2}',
                     '[{"first_category_id": 2, "second_category_id": 4},
                       {"first_category_id": 5, "second_category_id": 6}]'::jsonb);
SELECT * FROM composite.post_categories;
SELECT relorm_load_many('composite.post', 'categories', p) FROM composite.post p;

-- --------------------------------------------------------------------------
-- 10. Querying across relations (Orchid ORM's relation queries).  A query
--     is a jsonb object: select, where, order, limit, offset.  Each call
--     runs one statement, however deep the select nests, and returns json
--     documents (or, in the typed forms, rows).
-- --------------------------------------------------------------------------

-- Timber gets the two photos that nobody has.
SELECT relorm_add('users', 'photos', 2, ARRAY[1, 3]);

-- relorm_select: users with their profile (an object, or null) and their
-- photos (an array, [] when there are none).
SELECT relorm_select('users',
    '{"select": ["id", "name", {"profile": {"select": ["gender"]}},
                 {"photos": {"select": ["url"], "order": ["url"]}}],
      "order": ["id"]}');

-- Relations nest to any depth, and a table may appear at several depths:
-- the top of the category tree, its children and their children.
SELECT relorm_select('category',
    '{"select": ["name", {"children": {"select": ["name", {"children": {"select": ["name"]}}]}}],
      "where": {"parent_id": null},
      "order": ["id"]}');

-- Without select: every column, here of a composite-key post, with its
-- categories (a relation selected with true has every column too).
SELECT relorm_select('composite.post', '{"select": ["*", {"categories": true}], "order": ["title"]}');

-- Aggregates over a relation, under an alias: count, exists (with a
-- filter), string_agg.  An alias can be used in where and order like a
-- column.
SELECT relorm_select('question',
    '{"select": ["title",
                 {"n_categories": {"relation": "categories", "count": true}},
                 {"about_birds": {"relation": "categories", "exists": true,
                                  "where": {"name": "birds"}}},
                 {"names": {"relation": "categories", "string_agg": ["name", ", "]}}],
      "where": {"n_categories": {"gte": 1}},
      "order": ["-n_categories", "id"]}');

-- Filters: a value means equality, an object holds operators (eq, ne, lt,
-- lte, gt, gte, in, not_in, between, contains, starts_with, ends_with,
-- like, ilike, is_null), and and / or / not combine filters.
SELECT relorm_select('category',
    '{"select": ["name"], "where": {"name": {"in": ["zoo", "birds", "cats"]}}, "order": ["id"]}');
SELECT relorm_select('photo',
    '{"select": ["url"],
      "where": {"url": {"ends_with": ".jpg"}, "not": {"url": {"like": "me%"}}}}');

-- A relation filters through its related rows: exists, some, every, none;
-- "relation.column" is short for some.
SELECT relorm_select('category',
    '{"select": ["name"],
      "where": {"or": [{"children": {"exists": true}},
                       {"questions": {"some": {"title": {"starts_with": "Where"}}}}]},
      "order": ["id"]}');
SELECT relorm_select('photo', '{"select": ["url"], "where": {"user.name": "Timber"}, "order": ["id"]}');

-- A page: limit and offset cut the rows before the documents are built.
SELECT relorm_select('photo', '{"select": ["id", "url"], "order": ["url"], "limit": 2, "offset": 1}');

-- The typed form (NULL::table first, every argument given) returns rows.
SELECT * FROM relorm_select(NULL::category, 'category',
                            '{"where": {"parent": {"exists": true}}, "order": ["id"]}');

-- relorm_query_related: the owner's related rows shaped by a query
-- (Orchid's queryRelated), for any kind of relation ...
SELECT relorm_query_related('question', 'categories', 1,
    '{"select": ["name", {"parent": {"select": ["name"]}}], "order": ["id"]}');
SELECT relorm_query_related('post', 'author', 1);
-- ... how many there are, and whether one matches a filter.
SELECT q.title,
       relorm_count_related('question', 'categories', q) AS categories,
       relorm_exists_related('question', 'categories', q, '{"name": "zoo"}') AS zoo
  FROM question q ORDER BY q.id;

-- relorm_load_many takes a query as well.
SELECT relorm_load_many('post', 'categories', 1, '{"select": ["name"], "order": ["name"]}');

-- relorm_chain follows a path of relations from the rows given by "of"
-- (or chosen by "where") and returns each row at its end once: the
-- parents of question 1's categories ...
SELECT relorm_chain('question', 'categories.parent', '{"of": [1], "order": ["id"]}');
-- ... and the questions that share a category with question 2.
SELECT relorm_chain('question', 'categories.questions',
                    '{"of": [2], "select": ["id", "title"], "order": ["id"]}');
-- where and order name earlier tables' columns with a prefix: the photos of
-- users whose profile is male.
SELECT relorm_chain('profile', 'user.photos',
                    '{"where": {"profile.gender": "male"}, "select": ["url"], "order": ["id"]}');

-- relorm_where_exists: the rows that have a (matching) related row, in no
-- particular order (here the typed form, sorted by the caller).
SELECT * FROM relorm_where_exists(NULL::users, 'users', 'photos', '{"url": {"contains": "bears"}}')
 ORDER BY id;

-- relorm_join: flat rows of the inner join, one per pair; the related
-- columns are named "relation.column".
SELECT relorm_join('question', 'categories',
                   '{"select": ["title", "categories.name"], "order": ["id", "categories.name"]}');

-- relorm_sql(source, query) shows the one statement relorm_select runs.
-- The query's values are parameters ($1, ...), so the statement is
-- prepared once for this shape of query and reused with other values.
\pset format unaligned
\pset tuples_only on
SELECT relorm_sql('users',
    '{"select": ["name", {"photos": {"select": ["url"], "order": ["url"]}}],
      "where": {"name": "Timber"}}');
\pset format aligned
\pset tuples_only off

-- --------------------------------------------------------------------------
-- 11. The SQL relorm runs.
-- --------------------------------------------------------------------------

-- relorm_sql(source, relation, operation) shows the one statement an
-- operation runs, with $n parameters: the owner's key, then the targets'.
-- It is prepared once per relation, operation and shape, then reused.
-- Adding one link probes the junction for that pair only: nothing the
-- owner is already linked to is read.
-- (Printed unaligned, so that the SQL reads as it is.)
\pset format unaligned
\pset tuples_only on
SELECT relorm_sql('question', 'categories', 'add');

-- many => true: the form for several targets, which takes arrays.
SELECT relorm_sql('users', 'photos', 'remove', many => true);
\pset format aligned
\pset tuples_only off

-- --------------------------------------------------------------------------
-- 12. Errors.  A failing call changes nothing.  (ON_ERROR_STOP is turned off
--     around the statements that fail on purpose.)
-- --------------------------------------------------------------------------
\set ON_ERROR_STOP 0

-- add on a to-one relation (42809); the hint says what to use.
SELECT relorm_add('users', 'profile', 1, 1);
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- An unknown relation (42704); the hint lists the table's relations.
SELECT relorm_load_many('users', 'videos', 1);
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- A key that names no row (P0002).  Category 2 exists, 99 does not: the
-- call fails as a whole, and category 2 is not linked either.
SELECT relorm_add('question', 'categories', 1, ARRAY[2, 99]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT relorm_relation_ids('question', 'categories', 1);

-- A value that is not valid for the key's type: the type's own error.
SELECT relorm_add('users', 'photos', 1, 'one');
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- Inference that is ambiguous (42702): post has two foreign keys to users,
-- neither named writer_id.  The hint says which argument to give.
SELECT relorm_belongs_to('post', 'writer', 'users');
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- A field that is not a pivot field of the relation (42703); the hint
-- lists them.
SELECT relorm_attach('post', 'categories', 1, ARRAY[1], pivot => '{"colour": "red"}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- attach with duplicates => true links a pair again, which the junction's
-- primary key does not allow (23505, with a hint).
SELECT relorm_attach('post', 'categories', 1, ARRAY[3], duplicates => true);
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- Options that are not implemented yet (0A000).
SELECT relorm_has_many('users', 'posts', 'post', foreign_key => ARRAY['author_id'],
                       options => '{"accessor": true}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE

\set ON_ERROR_STOP 1

-- --------------------------------------------------------------------------
-- 13. Dropping relations.
-- --------------------------------------------------------------------------

-- relorm_drop_relation forgets a relation; tables and data are untouched.
-- Its inverse stays, without the pointer back.
SELECT relorm_drop_relation('question', 'categories');
SELECT source, name, kind, options FROM relorm_relations
 WHERE 'question'::regclass IN (source, target) ORDER BY source::text, name;

-- Dropping a table drops its relations, with a NOTICE.
DROP TABLE post_category_links;
SELECT source, name, kind FROM relorm_relations
 WHERE source = 'post'::regclass ORDER BY name;
