-- relorm_save (SPEC §6): TypeORM's save, with the cascade examples of
-- seed 002 as relorm calls and the table contents after each call.
-- Shown: generated keys filled in at every depth at the same paths; a
-- nested entity with a key is linked without cascade; new ones need
-- cascade insert; a list replaces the set (unlink, or delete with cascade
-- remove); an absent key leaves the relation alone, [] / null unlink.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA wsv;
SET search_path = wsv, public;
CREATE TABLE profile (id serial PRIMARY KEY, gender text, photo text);
CREATE TABLE "user" (id serial PRIMARY KEY, name text,
                     profile_id int UNIQUE REFERENCES profile);
CREATE TABLE photo (id serial PRIMARY KEY, url text, user_id int REFERENCES "user");
CREATE TABLE question (id serial PRIMARY KEY, title text, text text);
CREATE TABLE category (id serial PRIMARY KEY, name text);
CREATE TABLE question_categories (question_id int REFERENCES question,
                                  category_id int REFERENCES category,
                                  PRIMARY KEY (question_id, category_id));
CREATE TABLE answer (id serial PRIMARY KEY, text text, question_id int REFERENCES question);
SELECT relorm_belongs_to('user', 'profile', 'profile', options => '{"cascade": ["insert", "update"]}');
SELECT relorm_has_many('user', 'photos', 'photo');
SELECT relorm_many_to_many('question', 'categories', 'category', options => '{"cascade": ["insert"]}');
SELECT relorm_has_many('question', 'answers', 'answer', options => '{"cascade": true}');

-- seed 002 one-to-one: the profile saved first, then the user linked to
-- it (a nested entity with a key: linked, no cascade needed) ...
SELECT relorm_save('profile', '{"gender": "male", "photo": "me.jpg"}');
SELECT relorm_save('user', '{"name": "Umed", "profile": {"id": 1}}');
-- ... and with cascades enabled in one call
SELECT relorm_save('user', '{"name": "Timber", "profile": {"gender": "male", "photo": "timber.jpg"}}');
SELECT * FROM "user" ORDER BY id;
SELECT * FROM profile ORDER BY id;
-- cascade update writes the nested entity's fields
SELECT relorm_save('user', '{"id": 2, "profile": {"id": 2, "photo": "timber2.jpg"}}');
SELECT * FROM profile ORDER BY id;

-- seed 002 one-to-many: photos saved, then the user with the list
SELECT relorm_save('photo', '[{"url": "me.jpg"}, {"url": "me-and-bears.jpg"}]');
SELECT relorm_save('user', '{"id": 1, "photos": [{"id": 1}, {"id": 2}]}');
SELECT * FROM photo ORDER BY id;
-- without cascade update the fields of a linked photo are not written
SELECT relorm_save('user', '{"id": 1, "photos": [{"id": 1, "url": "ignored.jpg"}]}');
-- the list replaced the set: photo 2 is unlinked
SELECT * FROM photo ORDER BY id;
-- a new photo needs cascade insert: 22023 with a hint, nothing written
SELECT relorm_save('user', '{"id": 1, "name": "changed", "photos": [{"id": 1}, {"url": "new.jpg"}]}');
:e
-- a key naming no row without cascade insert: P0002
SELECT relorm_save('user', '{"id": 1, "photos": [{"id": 99}]}');
:e
SELECT * FROM "user" ORDER BY id;
SELECT * FROM photo ORDER BY id;
-- an absent key leaves the relation alone; [] unlinks all
SELECT relorm_save('user', '{"id": 1, "name": "Umed!"}');
SELECT count(*) AS umeds_photos FROM photo WHERE user_id = 1;
SELECT relorm_save('user', '{"id": 1, "photos": []}');
SELECT count(*) AS umeds_photos FROM photo WHERE user_id = 1;
-- null on a to-one unlinks it
SELECT relorm_save('user', '{"id": 2, "profile": null}');
SELECT * FROM "user" ORDER BY id;
-- a key with no row inserts that key
SELECT relorm_save('user', '{"id": 50, "name": "explicit"}');

-- seed 002 cascades: a question with new categories (cascade insert);
-- keys generated at every depth, at the same paths
SELECT relorm_save('question', '{"title": "Q", "text": "?", "categories": [{"name": "animals"}, {"name": "zoo"}],
                                 "answers": [{"text": "a1"}, {"text": "a2"}]}');
SELECT * FROM question_categories ORDER BY 1, 2;
-- cascade remove: an answer missing from the list is deleted; a category
-- missing from the list is unlinked
SELECT relorm_save('question', '{"id": 1, "categories": [{"id": 2}], "answers": [{"id": 2, "text": "a2!"}]}');
SELECT * FROM answer ORDER BY id;
SELECT * FROM question_categories ORDER BY 1, 2;
SELECT * FROM category ORDER BY id;
-- several entities at once, nested: one statement per level
SELECT relorm_save('question', '[{"title": "Q2", "answers": [{"text": "b1"}]}, {"title": "Q3", "answers": [{"text": "c1"}, {"text": "c2"}]}]');
SELECT a.text, q.title FROM answer a JOIN question q ON q.id = a.question_id ORDER BY a.id;

-- many_to_many with cascade remove: a category missing from the list is
-- deleted, with its junction rows
SELECT relorm_drop_relation('question', 'categories');
SELECT relorm_many_to_many('question', 'categories', 'category', options => '{"cascade": true}');
SELECT relorm_save('question', '{"id": 1, "categories": [{"name": "birds"}]}');
SELECT * FROM category ORDER BY id;
SELECT * FROM question_categories ORDER BY 1, 2;

-- Relations that reference other columns than the key (SPEC §1): an
-- entity given by its key alone is linked by the columns the relation
-- uses, read from its row (belongs_to target, has_many owner,
-- many_to_many target)
CREATE TABLE shelf (id serial PRIMARY KEY, code text UNIQUE NOT NULL);
CREATE TABLE volume (id serial PRIMARY KEY, shelf_code text REFERENCES shelf (code));
CREATE TABLE volume_shelves (volume_id int REFERENCES volume,
                             shelf_code text REFERENCES shelf (code),
                             PRIMARY KEY (volume_id, shelf_code));
INSERT INTO shelf (code) VALUES ('A1'), ('B2');
INSERT INTO volume DEFAULT VALUES;
SELECT relorm_belongs_to('volume', 'shelf', 'shelf');
SELECT relorm_has_many('shelf', 'volumes', 'volume');
SELECT relorm_many_to_many('volume', 'also_on', 'shelf', junction => 'volume_shelves');
SELECT relorm_save('volume', '{"id": 1, "shelf": {"id": 2}}');
SELECT * FROM volume ORDER BY id;
SELECT relorm_save('shelf', '{"id": 1, "volumes": [{"id": 1}]}');
SELECT * FROM volume ORDER BY id;
SELECT relorm_save('volume', '{"id": 1, "also_on": [{"id": 1}, {"id": 2}]}');
SELECT * FROM volume_shelves ORDER BY 1, 2;
-- a key that names no row, without cascade insert, is P0002 (nothing
-- changed)
SELECT relorm_save('volume', '{"id": 1, "shelf": {"id": 99}}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM volume ORDER BY id;
