-- Keys as the relation names them (SPEC §1), several owners, and the
-- typed relorm_query_related.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA rkeys;
SET search_path = rkeys, public;

-- Laravel's relatedKey / parentKey: a junction that references posts.uuid
-- and users.name rather than their ids.
CREATE TABLE users (id int PRIMARY KEY, name text UNIQUE NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, uuid text UNIQUE NOT NULL, title text,
                    author_name text REFERENCES users (name));
CREATE TABLE user_posts (user_name text REFERENCES users (name),
                         post_uuid text REFERENCES posts (uuid),
                         PRIMARY KEY (user_name, post_uuid));
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO posts VALUES (10, 'post-uuid-10', 'first', NULL), (20, 'post-uuid-20', 'second', NULL),
                         (30, 'post-uuid-30', 'third', NULL);
SELECT relorm_many_to_many('users', 'posts', 'posts', options => '{"inverse": "readers"}');
-- targets are named by the junction's referenced column (uuid), the owner
-- by the column the junction references on its side (name)
SELECT relorm_sync('users', 'posts', 'ann', ARRAY['post-uuid-20', 'post-uuid-30']);
SELECT * FROM user_posts ORDER BY 1, 2;
SELECT relorm_relation_ids('users', 'posts', 'ann');
SELECT relorm_relation_ids('posts', 'readers', 'post-uuid-20');
SELECT relorm_detach('users', 'posts', 'ann', 'post-uuid-30');
-- an id is not a uuid: no such row (P0002)
SELECT relorm_attach('users', 'posts', 'ann', 'post-uuid-99');
:e
-- a whole row still works: its key is read from the columns the relation names
SELECT relorm_attach('users', 'posts', u, p) FROM users u, posts p
 WHERE u.id = 2 AND p.id = 10;
SELECT * FROM user_posts ORDER BY 1, 2;

-- The issue's case: the owner by its id (the junction references
-- users.id), the targets by uuid (before 0.2.0: 22P02 reading a uuid as id)
CREATE TABLE post_likes (user_id int REFERENCES users, post_uuid text REFERENCES posts (uuid),
                         PRIMARY KEY (user_id, post_uuid));
SELECT relorm_many_to_many('users', 'liked', 'posts', junction => 'post_likes');
SELECT relorm_sync('users', 'liked', 1, ARRAY['post-uuid-20']);
SELECT relorm_relation_ids('users', 'liked', 1);

-- TypeORM's relation id: a belongs_to with references => '{name}' returns
-- the name, the value the foreign key holds, and takes it as target.
SELECT relorm_belongs_to('posts', 'author', 'users', foreign_key => ARRAY['author_name'],
                         "references" => ARRAY['name'], options => '{"inverse": "written"}');
SELECT relorm_set('posts', 'author', 10, 'bob');
SELECT relorm_relation_ids('posts', 'author', 10);
SELECT relorm_load_one('posts', 'author', 10);
-- the has_many side: the owner by the referenced column too
SELECT relorm_add('users', 'written', 'ann', ARRAY[20, 30]);
SELECT relorm_relation_ids('users', 'written', 'ann');
SELECT id, author_name FROM posts ORDER BY id;

-- Several owners (TypeORM's .of([post1, post3]).add(image)): relorm_add
-- and relorm_remove link / unlink every owner with every target ...
CREATE TABLE image (id int PRIMARY KEY, url text);
CREATE TABLE post_images (post_id int REFERENCES posts, image_id int REFERENCES image,
                          PRIMARY KEY (post_id, image_id));
INSERT INTO image VALUES (7, 'a.png'), (8, 'b.png');
SELECT relorm_many_to_many('posts', 'images', 'image');
SELECT relorm_add('posts', 'images', ARRAY[10, 30], 7);
SELECT relorm_add('posts', 'images', '[10, 20, 30]'::jsonb, ARRAY[7, 8]);
SELECT * FROM post_images ORDER BY 1, 2;
SELECT relorm_remove('posts', 'images', ARRAY[10, 30], 7);
SELECT * FROM post_images ORDER BY 1, 2;
-- ... relorm_set of a belongs_to points each owner at the target ...
SELECT relorm_set('posts', 'author', ARRAY[10, 20, 30], 'ann');
SELECT relorm_set('posts', 'author', ARRAY[10, 20], NULL);
SELECT id, author_name FROM posts ORDER BY id;
-- ... every owner must exist, or nothing is changed (P0002)
SELECT relorm_add('posts', 'images', ARRAY[10, 99], 7);
:e
SELECT count(*) FROM post_images;
-- several targets for more than 1,000 owners is past relorm's limit
-- (54001): each owner's lock is held to the end of the transaction
SELECT relorm_add('posts', 'images', ARRAY(SELECT generate_series(1, 1001)), ARRAY[7, 8]);
:e
SELECT count(*) FROM post_images;
-- a has_many target has one owner: relorm_add to several is 22023,
-- relorm_remove from several is fine
SELECT relorm_add('users', 'written', ARRAY['ann', 'bob'], 10);
:e
SELECT relorm_remove('users', 'written', ARRAY['ann', 'bob'], 30);
-- every other function takes one owner (22023)
SELECT relorm_set('posts', 'images', ARRAY[10, 20], 7);
:e
SELECT relorm_load_many('posts', 'images', ARRAY[10, 20]);
:e

-- The typed relorm_query_related (NULL::target): rows of the target table.
SELECT * FROM relorm_query_related(NULL::posts, 'users', 'posts', 'bob', '{}');
SELECT * FROM relorm_query_related(NULL::image, 'posts', 'images', 20,
                                   '{"where": {"url": {"like": "b%"}}, "order": ["-id"]}');
SELECT p.title, i.url
  FROM posts p, relorm_query_related(NULL::image, 'posts', 'images', p, '{"order": ["id"]}') i
 ORDER BY p.id, i.id;
-- the hint must be the target's type (42804)
SELECT * FROM relorm_query_related(NULL::users, 'posts', 'images', 20, '{}');
:e

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA rkeys CASCADE;
RESET client_min_messages;
