-- relorm_infer(schema) (SPEC §2): for every foreign key a belongs_to
-- (named after the column without _id / Id, or the referenced table) and
-- its inverse has_many / has_one (named after the referencing table); for
-- every junction a many_to_many both ways (named after the other table).
-- A junction is a table whose primary key (or, with none, a unique
-- constraint over NOT NULL columns) is exactly two of its foreign keys.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'

-- A hand-made schema with every case.
CREATE SCHEMA inf;
SET search_path = inf, public;
CREATE TABLE users (id int PRIMARY KEY, name text);
-- two foreign keys to the same table
CREATE TABLE message (id int PRIMARY KEY, body text,
                      sender_id int REFERENCES users, receiver_id int REFERENCES users);
-- self reference
CREATE TABLE category (id int PRIMARY KEY, title text, parent_id int REFERENCES category);
-- composite keys
CREATE TABLE shipment (region int, id int, PRIMARY KEY (region, id));
CREATE TABLE parcel (id int PRIMARY KEY, region int, shipment_no int,
                     FOREIGN KEY (region, shipment_no) REFERENCES shipment);
-- a unique foreign key: the inverse is has_one
CREATE TABLE profile (id int PRIMARY KEY, user_id int UNIQUE REFERENCES users);
-- a junction, and a junction with an extra column: both are junctions
CREATE TABLE post (id int PRIMARY KEY, title text);
CREATE TABLE tag (id int PRIMARY KEY, name text);
CREATE TABLE post_tag (post_id int REFERENCES post, tag_id int REFERENCES tag,
                       PRIMARY KEY (post_id, tag_id));
CREATE TABLE post_category (post_id int REFERENCES post, category_id int REFERENCES category,
                            added_at date DEFAULT '2020-01-01', PRIMARY KEY (post_id, category_id));
-- a link table with a surrogate key is not a junction: an entity of its own
CREATE TABLE tagging (id serial PRIMARY KEY, post_id int REFERENCES post,
                      tag_id int REFERENCES tag);
-- a self-referencing junction
CREATE TABLE friendship (user_id int REFERENCES users, friend_id int REFERENCES users,
                         PRIMARY KEY (user_id, friend_id));
-- a name that is a column already gets another, deterministic one
CREATE TABLE account (id int PRIMARY KEY, owner text, owner_id int REFERENCES users);

SELECT source, name, kind, target, junction, source_columns, target_columns,
       junction_source_columns AS junction_source, junction_target_columns AS junction_target
  FROM relorm_infer('inf') ORDER BY source::text, name;
-- new pairs are registered as each other's inverse
SELECT source, name, options FROM relorm_relations
 WHERE source IN ('message'::regclass, 'users'::regclass) ORDER BY source::text, name;

-- Idempotent: a second run registers nothing ...
SELECT count(*) FROM relorm_infer('inf');
-- ... and a relation registered by hand under another name is not
-- registered again: only what is missing is.
SELECT relorm_drop_relation('post', 'tag');
SELECT relorm_drop_relation('tag', 'post');
SELECT relorm_many_to_many('post', 'tags', 'tag', junction => 'post_tag');
SELECT source, name, kind FROM relorm_infer('inf');

-- The relations work: a self-referencing tree, a composite key, a
-- junction's pivot column, two foreign keys to one table.
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO message VALUES (1, 'hi', 1, 2), (2, 'yo', 2, 1), (3, 'ok', 1, 2);
INSERT INTO category VALUES (1, 'root', NULL), (2, 'child', 1), (3, 'other', NULL);
INSERT INTO shipment VALUES (7, 1);
INSERT INTO parcel VALUES (1, 7, 1), (2, 7, 1);
INSERT INTO post VALUES (1, 'hello');
SELECT relorm_add('category', 'category', 1, 3);
SELECT relorm_attach('post', 'category', 1, 2);
SELECT relorm_select('users', '{"select": ["name", {"message_sender": {"count": true}},
                                {"sent": {"relation": "message_sender", "select": ["body"], "order": ["id"]}}],
                                "order": ["id"]}');
SELECT relorm_select('category', '{"select": ["title", {"parent": {"select": ["title"]}},
                                  {"post": {"select": ["title"]}}], "order": ["id"]}');
SELECT * FROM post_category;
SELECT relorm_load_many('shipment', 'parcel', '{"region": 7, "id": 1}'::jsonb);

-- Names past an identifier's length: cut, then numbered.
CREATE SCHEMA lng;
CREATE TABLE lng.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (id int PRIMARY KEY);
CREATE TABLE lng.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb (id int PRIMARY KEY,
  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_id int
    REFERENCES lng.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,
  yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy_id int
    REFERENCES lng.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa);
SELECT length(source::text) AS source_length, name, kind
  FROM relorm_infer('lng') ORDER BY source::text, name;

-- An unknown schema is 3F000.
SELECT * FROM relorm_infer('no_such_schema');
:e

-- A Prisma schema (prisma migrate's SQL): quoted PascalCase tables,
-- camelCase columns, the implicit many-to-many table "_PostToTag" with
-- columns "A" and "B" and a unique index instead of a primary key.
CREATE SCHEMA prisma;
SET search_path = prisma, public;
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "name" TEXT,
                     CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "title" TEXT NOT NULL, "authorId" INTEGER NOT NULL,
                     CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL,
                    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);
CREATE UNIQUE INDEX "_PostToTag_AB_unique" ON "_PostToTag"("A", "B");
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId")
    REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A")
    REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "_PostToTag" ADD CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B")
    REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
SELECT source, name, kind, target, junction, source_columns, target_columns,
       junction_source_columns AS junction_source, junction_target_columns AS junction_target
  FROM relorm_infer('prisma') ORDER BY source::text, name;
-- usable: link tags to a post, read a user's posts with their tags
INSERT INTO "User" ("email", "name") VALUES ('ann@example.com', 'Ann');
INSERT INTO "Post" ("title", "authorId") VALUES ('Hello', 1), ('World', 1);
INSERT INTO "Tag" ("name") VALUES ('intro'), ('news');
SELECT relorm_attach('"Post"', 'Tag', 1, ARRAY[1, 2]), relorm_attach('"Post"', 'Tag', 2, 2);
SELECT relorm_select('"User"', '{"select": ["name", {"Post": {"select": ["title",
    {"Tag": {"select": ["name"], "order": ["name"]}}], "order": ["id"]}}]}');
SELECT relorm_relation_ids('"Tag"', 'Post', 2);

-- A TypeORM schema (its migration SQL for the seed's Question/Category,
-- an Answer with a many-to-one and a one-to-one User/Profile): camelCase
-- quoted columns, the junction "question_categories_category".
CREATE SCHEMA typeorm;
SET search_path = typeorm, public;
CREATE TABLE "category" ("id" SERIAL NOT NULL, "name" character varying NOT NULL,
    CONSTRAINT "PK_9c4e4a89e3674fc9f382d733f03" PRIMARY KEY ("id"));
CREATE TABLE "question" ("id" SERIAL NOT NULL, "title" character varying NOT NULL,
    CONSTRAINT "PK_21e5786aa0ea704ae185a79b2d5" PRIMARY KEY ("id"));
CREATE TABLE "answer" ("id" SERIAL NOT NULL, "text" character varying NOT NULL, "questionId" integer,
    CONSTRAINT "PK_9232db17b63fb1e94f97e5c224f" PRIMARY KEY ("id"));
CREATE TABLE "question_categories_category" ("questionId" integer NOT NULL, "categoryId" integer NOT NULL,
    CONSTRAINT "PK_9c2e7ad7b8c7e1d1bd7dd9c5d0f" PRIMARY KEY ("questionId", "categoryId"));
CREATE INDEX "IDX_a1e2d9c0c2d6f0c9b8a5f1b8d0" ON "question_categories_category" ("questionId");
CREATE INDEX "IDX_b8e5e3b8f2a3b7e9c1d0a6f4e2" ON "question_categories_category" ("categoryId");
CREATE TABLE "profile" ("id" SERIAL NOT NULL, "gender" character varying NOT NULL,
    CONSTRAINT "PK_3dd8bfc97e4a77c70971591bdcb" PRIMARY KEY ("id"));
CREATE TABLE "user" ("id" SERIAL NOT NULL, "name" character varying NOT NULL, "profileId" integer,
    CONSTRAINT "REL_9466682df91534dd95e4dbaa61" UNIQUE ("profileId"),
    CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id"));
ALTER TABLE "answer" ADD CONSTRAINT "FK_a4013f10cd6924793fbd5f0d637" FOREIGN KEY ("questionId")
    REFERENCES "question"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
ALTER TABLE "question_categories_category" ADD CONSTRAINT "FK_9c2e7ad7b8c7e1d1bd7dd9c5d0a"
    FOREIGN KEY ("questionId") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "question_categories_category" ADD CONSTRAINT "FK_b8e5e3b8f2a3b7e9c1d0a6f4e3"
    FOREIGN KEY ("categoryId") REFERENCES "category"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "user" ADD CONSTRAINT "FK_9466682df91534dd95e4dbaa616" FOREIGN KEY ("profileId")
    REFERENCES "profile"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
SELECT source, name, kind, target, junction, source_columns, target_columns,
       junction_source_columns AS junction_source, junction_target_columns AS junction_target
  FROM relorm_infer('typeorm') ORDER BY source::text, name;
-- usable: the seed's question.categories, an answer's question, the
-- one-to-one from both sides
INSERT INTO "question" ("title") VALUES ('Why?');
INSERT INTO "category" ("name") VALUES ('animals'), ('zoo');
INSERT INTO "answer" ("text") VALUES ('Because.');
INSERT INTO "profile" ("gender") VALUES ('f');
INSERT INTO "user" ("name") VALUES ('Timber');
SELECT relorm_sync('question', 'category', 1, ARRAY[1, 2]);
SELECT relorm_set('answer', 'question', 1, 1);
SELECT relorm_set('user', 'profile', 1, 1);
SELECT relorm_select('question', '{"select": ["title", {"category": {"select": ["name"], "order": ["id"]}},
                                                {"answer": {"select": ["text"]}}]}');
SELECT relorm_load_one('profile', 'user', 1);

-- A Rails schema (what its migrations create): plural tables, bigint
-- user_id columns with fk_rails_ constraints, a create_join_table
-- posts_tags (no primary key; a unique index) and a has_many :through
-- join model "taggings" with its own id.
CREATE SCHEMA rails;
SET search_path = rails, public;
CREATE TABLE users (id bigserial PRIMARY KEY, name character varying,
                    created_at timestamp(6) NOT NULL DEFAULT now(), updated_at timestamp(6) NOT NULL DEFAULT now());
CREATE TABLE posts (id bigserial PRIMARY KEY, title character varying, user_id bigint NOT NULL,
                    created_at timestamp(6) NOT NULL DEFAULT now(), updated_at timestamp(6) NOT NULL DEFAULT now());
CREATE INDEX index_posts_on_user_id ON posts (user_id);
ALTER TABLE posts ADD CONSTRAINT fk_rails_5b5ddfd518 FOREIGN KEY (user_id) REFERENCES users(id);
CREATE TABLE comments (id bigserial PRIMARY KEY, body text, post_id bigint NOT NULL, author_id bigint NOT NULL);
ALTER TABLE comments ADD CONSTRAINT fk_rails_2fd19c0db7 FOREIGN KEY (post_id) REFERENCES posts(id);
ALTER TABLE comments ADD CONSTRAINT fk_rails_f44b1e3c8a FOREIGN KEY (author_id) REFERENCES users(id);
CREATE TABLE tags (id bigserial PRIMARY KEY, name character varying);
CREATE TABLE posts_tags (post_id bigint NOT NULL, tag_id bigint NOT NULL);
CREATE UNIQUE INDEX index_posts_tags_on_post_id_and_tag_id ON posts_tags (post_id, tag_id);
ALTER TABLE posts_tags ADD CONSTRAINT fk_rails_0a1b2c3d4e FOREIGN KEY (post_id) REFERENCES posts(id);
ALTER TABLE posts_tags ADD CONSTRAINT fk_rails_5f6a7b8c9d FOREIGN KEY (tag_id) REFERENCES tags(id);
CREATE TABLE taggings (id bigserial PRIMARY KEY, post_id bigint NOT NULL REFERENCES posts,
                       tag_id bigint NOT NULL REFERENCES tags, created_at timestamp(6) NOT NULL DEFAULT now());
SELECT source, name, kind, target, junction, source_columns, target_columns,
       junction_source_columns AS junction_source, junction_target_columns AS junction_target
  FROM relorm_infer('rails') ORDER BY source::text, name;
-- usable
INSERT INTO users (name) VALUES ('DHH');
INSERT INTO posts (title, user_id) VALUES ('Rails', 1);
INSERT INTO tags (name) VALUES ('ruby'), ('web');
INSERT INTO comments (body, post_id, author_id) VALUES ('nice', 1, 1);
SELECT relorm_attach('posts', 'tags', 1, ARRAY[1, 2]);
SELECT relorm_select('users', '{"select": ["name", {"posts": {"select": ["title",
    {"tags": {"select": ["name"], "order": ["name"]}}, {"comments": {"count": true}}]}},
    {"comments": {"select": ["body"]}}]}');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA inf, lng, prisma, typeorm, rails CASCADE;
RESET client_min_messages;
