-- Metadata is kept by OID and attribute number: renaming tables, columns
-- and schemas after registration keeps every operation working, and the
-- cached metadata and plans follow (the operations below ran before the
-- renames, so their plans were cached).
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA ren;
SET search_path = ren, public;

CREATE TABLE author (id serial PRIMARY KEY, name text);
CREATE TABLE book (id serial PRIMARY KEY, title text, author_id int REFERENCES author);
CREATE TABLE tag (id serial PRIMARY KEY, name text);
CREATE TABLE book_tags (book_id int REFERENCES book, tag_id int REFERENCES tag,
                        PRIMARY KEY (book_id, tag_id));
INSERT INTO author (name) VALUES ('Karatkievich'), ('Asimov');
INSERT INTO book (title) VALUES ('Dzikaje palavańnie'), ('Foundation');
INSERT INTO tag (name) VALUES ('classic'), ('sci-fi');
SELECT relorm_has_many('author', 'books', 'book', options => '{"inverse": "author"}');
SELECT relorm_many_to_many('book', 'tags', 'tag');

-- warm the caches
SELECT relorm_add('author', 'books', 1, 1);
SELECT relorm_set('book', 'author', 2, 2);
SELECT relorm_add('book', 'tags', 1, 1);
SELECT relorm_load_many('author', 'books', 1);
SELECT relorm_relation_ids('book', 'tags', 1);

-- rename everything
ALTER TABLE author RENAME TO writer;
ALTER TABLE writer RENAME COLUMN id TO writer_id;
ALTER TABLE book RENAME COLUMN author_id TO writer_ref;
ALTER TABLE book RENAME TO novel;
ALTER TABLE book_tags RENAME COLUMN tag_id TO label_id;
ALTER TABLE book_tags RENAME TO novel_labels;
ALTER TABLE tag RENAME COLUMN id TO label_id;

SELECT source, name, target, junction, source_columns, target_columns,
       junction_source_columns, junction_target_columns
  FROM relorm_relations ORDER BY source::text, name;
SELECT relorm_add('writer', 'books', 1, 2);
SELECT relorm_load_many('writer', 'books', 1);
SELECT relorm_load_one('novel', 'author', 2);
SELECT relorm_add('novel', 'tags', 1, 2);
SELECT relorm_relation_ids('novel', 'tags', 1);
SELECT relorm_sql('novel', 'tags', 'relation_ids');

-- a schema rename too
ALTER SCHEMA ren RENAME TO ren2;
SET search_path = ren2, public;
SELECT relorm_remove('novel', 'tags', 1, ARRAY[1, 2]);
SELECT relorm_load_many('writer', 'books', 1);

-- a column type change is picked up as well
ALTER TABLE tag ALTER COLUMN label_id TYPE bigint;
ALTER TABLE novel_labels ALTER COLUMN label_id TYPE bigint;
SELECT relorm_add('novel', 'tags', 1, '2');
SELECT relorm_relation_ids('novel', 'tags', 1);

-- a relation dropped and registered again in this session is seen at once
SELECT relorm_drop_relation('writer', 'books');
SELECT relorm_load_many('writer', 'books', 1);
:e
SELECT relorm_has_many('writer', 'books', 'novel', options => '{"order": ["-title"]}');
SELECT relorm_load_many('writer', 'books', 1);

-- Options that name columns follow their renames: "order" (the target's
-- columns, in each of its forms) and "pivot" (the junction's).  A column
-- named like a direction is not mistaken for one.
SELECT relorm_has_many('writer', 'books_by_title', 'novel', foreign_key => ARRAY['writer_ref'],
                       options => '{"order": [{"title": "desc"}, "writer_ref"]}');
SELECT relorm_has_many('writer', 'books_by_title2', 'novel', foreign_key => ARRAY['writer_ref'],
                       options => '{"order": "title"}');
ALTER TABLE novel_labels ADD COLUMN note text, ADD COLUMN "desc" int;
SELECT relorm_many_to_many('novel', 'noted', 'tag', junction => 'novel_labels',
                           options => '{"pivot": ["note", "desc"]}');
ALTER TABLE novel RENAME COLUMN title TO headline;
ALTER TABLE novel_labels RENAME COLUMN note TO remark;
ALTER TABLE novel_labels RENAME COLUMN "desc" TO rank;
SELECT name, options FROM relorm_relations
 WHERE name IN ('books', 'books_by_title', 'books_by_title2', 'noted') ORDER BY name;
SELECT relorm_load_many('writer', 'books', 1);
SELECT relorm_load_many('writer', 'books_by_title', 1);
SELECT relorm_attach('novel', 'noted', 2, 1, '{"remark": "renamed", "rank": 1}');
SELECT remark, rank FROM novel_labels WHERE novel_labels.book_id = 2;
-- renaming a column no relation names leaves the catalog rows alone
SELECT xmin AS catalog_xmin FROM relorm_catalog WHERE name = 'noted' \gset
ALTER TABLE novel_labels ADD COLUMN unrelated int;
ALTER TABLE novel_labels RENAME COLUMN unrelated TO still_unrelated;
SELECT xmin = :'catalog_xmin' AS untouched FROM relorm_catalog WHERE name = 'noted';

RESET search_path;
DROP SCHEMA ren2 CASCADE;
