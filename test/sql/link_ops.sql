-- Linking without loading (SPEC §3): every example of seeds 000 and 002
-- that links, unlinks or loads, as relorm calls, for every relation kind.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA link;
SET search_path = link, public;

CREATE TABLE profile (id serial PRIMARY KEY, gender text, photo text);
CREATE TABLE "user" (id serial PRIMARY KEY, name text,
                     profile_id int UNIQUE REFERENCES profile);
CREATE TABLE photo (id serial PRIMARY KEY, url text,
                    user_id int REFERENCES "user");
CREATE TABLE category (id serial PRIMARY KEY, name text,
                       parent_id int REFERENCES category);
CREATE TABLE question (id serial PRIMARY KEY, title text, text text);
CREATE TABLE question_categories (
    question_id int REFERENCES question ON DELETE CASCADE,
    category_id int REFERENCES category ON DELETE CASCADE,
    PRIMARY KEY (question_id, category_id));

INSERT INTO profile (gender, photo) VALUES ('male', 'me.jpg'), ('female', 'her.jpg');
INSERT INTO "user" (name) VALUES ('Umed'), ('Timber');
INSERT INTO photo (url) VALUES ('me.jpg'), ('me-and-bears.jpg'), ('bears.jpg');
INSERT INTO category (name) VALUES ('animals'), ('zoo'), ('birds'), ('parrots');
INSERT INTO question (title, text) VALUES ('Which bird talks?', '...'), ('Where are bears?', '...');

SELECT relorm_belongs_to('user', 'profile', 'profile', options => '{"inverse": "user"}');
SELECT relorm_has_many('user', 'photos', 'photo', options => '{"inverse": "user"}');
SELECT relorm_belongs_to('category', 'parent', 'category', options => '{"inverse": "children"}');
SELECT relorm_many_to_many('question', 'categories', 'category', options => '{"inverse": "questions"}');

-- One-to-one from the owning side (user.profile): set, load, relation id.
SELECT relorm_set('user', 'profile', 1, 1);
SELECT relorm_load_one('user', 'profile', 1);
SELECT relorm_relation_ids('user', 'profile', 1);
-- ... and from the inverse side (profile.user, has_one).
SELECT relorm_load_one('profile', 'user', 1);
SELECT relorm_relation_ids('profile', 'user', 1);
-- Setting the has_one side moves the link: Timber takes profile 2.
SELECT relorm_set('profile', 'user', 2, 2);
SELECT id, name, profile_id FROM "user" ORDER BY id;
-- Setting it again to the same row changes nothing.
SELECT relorm_set('profile', 'user', 2, 2);
-- set(null) unsets, from either side (TypeORM: .set(null)).
SELECT relorm_set('user', 'profile', 1, NULL);
SELECT relorm_load_one('user', 'profile', 1) IS NULL AS unset;
SELECT relorm_relation_ids('user', 'profile', 1) IS NULL AS no_id;
SELECT relorm_set('profile', 'user', 2, NULL);
SELECT id, name, profile_id FROM "user" ORDER BY id;
-- The typed form returns the row itself.
SELECT relorm_set('user', 'profile', 1, 2);
SELECT * FROM relorm_load_one(NULL::profile, 'user', 'profile', 1);
SELECT (relorm_load_one(NULL::profile, 'user', 'profile', 2)).id IS NULL AS none;

-- One-to-many (user.photos) and many-to-one (photo.user).
SELECT relorm_add('user', 'photos', 1, ARRAY[1, 2]);
SELECT relorm_load_many('user', 'photos', 1);
SELECT relorm_relation_ids('user', 'photos', 1);
SELECT relorm_load_one('photo', 'user', 2);
-- Adding a linked photo again changes nothing; adding it to another user
-- moves it.
SELECT relorm_add('user', 'photos', 1, 2);
SELECT relorm_add('user', 'photos', 2, 2);
SELECT id, user_id FROM photo ORDER BY id;
-- remove unlinks only what is linked to that owner.
SELECT relorm_remove('user', 'photos', 1, ARRAY[1, 2, 3]);
SELECT id, user_id FROM photo ORDER BY id;
-- set replaces the whole set; NULL or [] unlinks all.
SELECT relorm_set('user', 'photos', 1, ARRAY[1, 3]);
SELECT relorm_set('user', 'photos', 1, ARRAY[3, 2]);
SELECT id, user_id FROM photo ORDER BY id;
SELECT relorm_set('user', 'photos', 2, '[]'::jsonb);
SELECT relorm_relation_ids('user', 'photos', 2);
SELECT relorm_set('user', 'photos', 1, NULL);
SELECT count(*) AS linked FROM photo WHERE user_id IS NOT NULL;
-- many-to-one is pointed with set (TypeORM: add/remove are for to-many).
SELECT relorm_set('photo', 'user', 3, 2);
SELECT * FROM relorm_load_many(NULL::photo, 'user', 'photos', 2);
SELECT relorm_relation_ids('photo', 'user', 3);

-- Many-to-many, both directions (question.categories / category.questions).
SELECT relorm_add('question', 'categories', 1, ARRAY[1, 3, 4]);
SELECT relorm_add('category', 'questions', 1, 2);
SELECT relorm_load_many('question', 'categories', 1);
SELECT relorm_load_many('category', 'questions', 1);
SELECT relorm_relation_ids('category', 'questions', 1);
-- pairs already linked are skipped; duplicates in one call link once
SELECT relorm_add('question', 'categories', 1, ARRAY[1, 2, 2]);
SELECT relorm_remove('question', 'categories', 1, ARRAY[2, 4]);
SELECT relorm_set('question', 'categories', 2, ARRAY[2, 3]);
SELECT * FROM question_categories ORDER BY 1, 2;
SELECT * FROM relorm_load_many(NULL::question, 'category', 'questions', 3);
-- an owner without related rows loads nothing (but exists)
SELECT count(*) FROM relorm_load_many('category', 'questions', 4);

-- The self-referencing category tree.
SELECT relorm_set('category', 'parent', 3, 1);
SELECT relorm_add('category', 'children', 3, 4);
SELECT relorm_load_one('category', 'parent', 4);
SELECT relorm_load_many('category', 'children', 1);
SELECT relorm_relation_ids('category', 'children', 3);

-- Entities instead of ids (TypeORM: .of(post).add(category)): whole rows.
SELECT relorm_add('question', 'categories', q, c)
  FROM question q, category c WHERE q.id = 2 AND c.name = 'parrots';
SELECT relorm_remove('question', 'categories', q, (SELECT array_agg(c) FROM category c WHERE c.id > 2))
  FROM question q WHERE q.id = 2;
SELECT relorm_relation_ids('question', 'categories', 2);

-- Composite keys as id maps (TypeORM: .of({firstPostId, secondPostId})).
CREATE TABLE post (first_post_id int, second_post_id int, title text,
                   PRIMARY KEY (first_post_id, second_post_id));
CREATE TABLE pcategory (first_category_id int, second_category_id int, name text,
                        PRIMARY KEY (first_category_id, second_category_id));
CREATE TABLE post_categories (
    first_post_id int, second_post_id int, first_category_id int, second_category_id int,
    PRIMARY KEY (first_post_id, second_post_id, first_category_id, second_category_id),
    FOREIGN KEY (first_post_id, second_post_id) REFERENCES post,
    FOREIGN KEY (first_category_id, second_category_id) REFERENCES pcategory);
INSERT INTO post VALUES (1, 3, 'composite');
INSERT INTO pcategory VALUES (2, 4, 'two-four'), (5, 6, 'five-six');
SELECT relorm_many_to_many('post', 'categories', 'pcategory');
SELECT relorm_add('post', 'categories', '{"first_post_id": 1, "second_post_id": 3}'::jsonb,
                  '{"first_category_id": 2, "second_category_id": 4}'::jsonb);
SELECT relorm_add('post', 'categories', '{"first_post_id": 1, "second_post_id": 3}',
                  (SELECT array_agg(c) FROM pcategory c));
SELECT relorm_relation_ids('post', 'categories', '{"first_post_id": 1, "second_post_id": 3}');
SELECT relorm_load_many('post', 'categories', p) FROM post p;
SELECT relorm_remove('post', 'categories', '{"first_post_id": 1, "second_post_id": 3}',
                     '[{"first_category_id": 2, "second_category_id": 4}]'::jsonb);
SELECT * FROM post_categories;

-- Errors (SPEC §7).
-- add/remove on a to-one relation (42809, hint: use set)
SELECT relorm_add('user', 'profile', 1, 1);
:e
SELECT relorm_remove('photo', 'user', 1, 1);
:e
-- load_one on a to-many relation and load_many on a to-one (42809)
SELECT relorm_load_one('user', 'photos', 1);
:e
SELECT relorm_load_many('user', 'profile', 1);
:e
-- unknown relation (42704, the hint lists the table's relations)
SELECT relorm_add('user', 'videos', 1, 1);
:e
SELECT relorm_load_many('profile', 'nothing', 1);
:e
-- a key that names no row (P0002): nothing is changed, even for the valid
-- targets in the same call
SELECT relorm_add('question', 'categories', 1, ARRAY[2, 99]);
:e
SELECT relorm_add('question', 'categories', 42, 2);
:e
SELECT relorm_add('user', 'photos', 1, ARRAY[1, 99]);
:e
SELECT relorm_set('user', 'profile', 1, 99);
:e
SELECT relorm_set('user', 'photos', 1, ARRAY[1, 99]);
:e
SELECT relorm_load_one('user', 'profile', 99);
:e
SELECT relorm_load_many('question', 'categories', 99);
:e
SELECT relorm_relation_ids('question', 'categories', 99);
:e
-- One target runs a flat statement; when it changes nothing, a check
-- still tells a missing owner or target (P0002) from a no-op (0), for
-- every kind.
SELECT relorm_add('question', 'categories', 1, 99);
:e
SELECT relorm_remove('question', 'categories', 1, 99);
:e
SELECT relorm_remove('question', 'categories', 42, 1);
:e
SELECT relorm_remove('user', 'photos', 42, 1);
:e
SELECT relorm_remove('user', 'photos', 1, 99);
:e
SELECT relorm_set('user', 'profile', 99, 1);
:e
SELECT relorm_set('user', 'profile', 99, NULL);
:e
SELECT relorm_set('user', 'photos', 1, 99);
:e
SELECT relorm_add('question', 'categories', 1, 1) AS already_linked,
       relorm_remove('question', 'categories', 1, 4) AS not_linked,
       relorm_remove('user', 'photos', 2, 1) AS not_this_owners,
       relorm_set('user', 'profile', 2, NULL) AS already_unset;
SELECT * FROM question_categories ORDER BY 1, 2;
SELECT id, user_id FROM photo ORDER BY id;
-- set on a to-one relation takes one target (22023)
SELECT relorm_set('user', 'profile', 1, ARRAY[1, 2]);
:e
-- a has_one with two rows for one owner (P0003)
CREATE TABLE passport (id serial PRIMARY KEY, user_id int REFERENCES "user");
INSERT INTO passport (user_id) VALUES (1), (1);
SELECT relorm_has_one('user', 'passport', 'passport');
SELECT relorm_load_one('user', 'passport', 1);
:e
SELECT relorm_relation_ids('user', 'passport', 1);
:e
-- unlinking through a NOT NULL foreign key (23502, with a hint)
CREATE TABLE answer (id serial PRIMARY KEY, question_id int NOT NULL REFERENCES question);
INSERT INTO answer (question_id) VALUES (1), (1), (2);
SELECT relorm_has_many('question', 'answers', 'answer');
SELECT relorm_remove('question', 'answers', 1, 1);
:e
SELECT relorm_set('question', 'answers', 1, ARRAY[2]);
:e
-- ... while moving rows between owners works
SELECT relorm_add('question', 'answers', 2, 1);
SELECT id, question_id FROM answer ORDER BY id;
-- a unique foreign key allows one row per owner (23505, with a hint)
CREATE TABLE badge (id serial PRIMARY KEY, user_id int UNIQUE REFERENCES "user");
INSERT INTO badge (user_id) VALUES (1), (NULL);
SELECT relorm_has_many('user', 'badges', 'badge');
SELECT relorm_add('user', 'badges', 1, 2);
:e
-- the typed forms check their type hint (42804)
SELECT * FROM relorm_load_many(NULL::photo, 'question', 'categories', 1);
:e
SELECT relorm_load_one(NULL::question, 'user', 'profile', 1);
:e
-- null arguments (22004)
SELECT relorm_add(NULL, 'photos', 1, 1);
:e
SELECT relorm_add('user', NULL, 1, 1);
:e

-- relorm_sql shows the statement an operation runs.
SELECT relorm_sql('user', 'photos', 'add');
SELECT relorm_sql('question', 'categories', 'remove', many => true);
SELECT relorm_sql('user', 'profile', 'set');
SELECT relorm_sql('user', 'profile', 'unset');
SELECT relorm_sql('question', 'categories', 'load_many');
SELECT relorm_sql('question', 'categories', 'relation_ids');
SELECT relorm_sql('question', 'categories', 'explode');
:e

RESET search_path;
DROP SCHEMA link CASCADE;
