-- Pivot operations (SPEC §4): every example of seed 001 (Laravel Orion's
-- relationship operations) as relorm calls, with the jsonb they return.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA pivot;
SET search_path = pivot, public;

CREATE TABLE post (id int PRIMARY KEY, title text);
CREATE TABLE comment (id int PRIMARY KEY, body text, post_id int REFERENCES post);
CREATE TABLE tag (id int PRIMARY KEY, name text);
-- a junction with pivot columns and a unique pair
CREATE TABLE post_tag (post_id int REFERENCES post, tag_id int REFERENCES tag,
                       pivot_field text, weight int DEFAULT 1,
                       PRIMARY KEY (post_id, tag_id));
INSERT INTO post VALUES (5, 'Post 5'), (6, 'Post 6');
INSERT INTO comment SELECT g, 'comment ' || g FROM generate_series(1, 8) g;
INSERT INTO tag SELECT g, 'tag ' || g FROM generate_series(1, 9) g;
SELECT relorm_has_many('post', 'comments', 'comment', options => '{"inverse": "post"}');
SELECT relorm_many_to_many('post', 'tags', 'tag');
CREATE VIEW tags_of_5 AS
    SELECT tag_id, pivot_field, weight FROM post_tag WHERE post_id = 5 ORDER BY tag_id;

-- One to many: post.comments().associate(7) / dissociate(7)
SELECT relorm_associate('post', 'comments', 5, 7);
SELECT relorm_load_many('post', 'comments', 5);
SELECT relorm_associate('post', 'comments', 5, 7);
SELECT relorm_dissociate('post', 'comments', 5, 7);
SELECT relorm_dissociate('post', 'comments', 5, 7);

-- post.tags().attach([2, 5, 7])
SELECT relorm_attach('post', 'tags', 5, ARRAY[2, 5, 7]);
-- attaching linked ones again skips them
SELECT relorm_attach('post', 'tags', 5, ARRAY[7, 2, 3]);
-- attachWithFields({2: {pivot_field: 'test value'}, 5: {...}, 7: {}})
SELECT relorm_detach('post', 'tags', 5);
SELECT relorm_attach('post', 'tags', 5,
    '{"2": {"pivot_field": "test value"}, "5": {"pivot_field": "another value"}, "7": {}}'::jsonb);
SELECT * FROM tags_of_5;
-- fields for every target, and per target fields overriding them
SELECT relorm_attach('post', 'tags', 6, ARRAY[1, 2], pivot => '{"pivot_field": "all", "weight": 9}');
SELECT relorm_attach('post', 'tags', 6, '{"3": {"weight": 3}, "4": {}}'::jsonb,
                     pivot => '{"pivot_field": "common", "weight": 0}');
SELECT tag_id, pivot_field, weight FROM post_tag WHERE post_id = 6 ORDER BY tag_id;

-- post.tags().detach([2, 5, 7]) and detachWithFields (fields are ignored)
SELECT relorm_detach('post', 'tags', 5, ARRAY[2, 5]);
SELECT relorm_detach('post', 'tags', 5, '{"7": {"pivot_field": "test value"}}'::jsonb);
-- Empty lists mean what Laravel means: detaching [] detaches nothing,
-- NULL (no argument) detaches all.
SELECT relorm_attach('post', 'tags', 5, ARRAY[1, 2]);
SELECT relorm_detach('post', 'tags', 5, ARRAY[]::int[]);
SELECT relorm_detach('post', 'tags', 5, '[]'::jsonb);
SELECT relorm_detach('post', 'tags', 5);
SELECT count(*) FROM tags_of_5;

-- post.tags().sync([2, 5, 7])
SELECT relorm_attach('post', 'tags', 5, ARRAY[1, 2]);
SELECT relorm_sync('post', 'tags', 5, ARRAY[2, 5, 7]);
-- syncWithFields: missing links are made with their fields, linked ones get
-- the fields that differ (and are listed as updated)
SELECT relorm_sync('post', 'tags', 5,
    '{"2": {"pivot_field": "test value"}, "5": {"pivot_field": "another value"}, "7": {}}'::jsonb);
SELECT relorm_sync('post', 'tags', 5,
    '{"2": {"pivot_field": "test value"}, "5": {"pivot_field": "changed", "weight": 5}, "7": {}}'::jsonb);
SELECT * FROM tags_of_5;
-- sync([2, 5, 7], false): syncing without detaching
SELECT relorm_sync('post', 'tags', 5, ARRAY[8, 2], false);
SELECT * FROM tags_of_5;
-- syncing to [] (or NULL) detaches all
SELECT relorm_sync('post', 'tags', 5, '[]'::jsonb);
SELECT relorm_sync('post', 'tags', 5, NULL);

-- post.tags().toggle([2, 5, 7]) and toggleWithFields
SELECT relorm_attach('post', 'tags', 5, ARRAY[2]);
SELECT relorm_toggle('post', 'tags', 5, ARRAY[2, 5, 7]);
SELECT relorm_toggle('post', 'tags', 5,
    '{"2": {"pivot_field": "test value"}, "5": {"pivot_field": "another value"}, "7": {}}'::jsonb);
SELECT * FROM tags_of_5;

-- post.tags().updatePivot(2, {pivot_field: 'test value'}), for 2, 5 and 7
SELECT relorm_attach('post', 'tags', 5, ARRAY[5, 7]);
SELECT relorm_update_pivot('post', 'tags', 5, 2, '{"pivot_field": "test value"}');
SELECT relorm_update_pivot('post', 'tags', 5, 5, '{"pivot_field": "test value"}');
SELECT relorm_update_pivot('post', 'tags', 5, 7, '{"pivot_field": "test value", "weight": 7}');
SELECT * FROM tags_of_5;
-- a target that is not linked is not updated
SELECT relorm_update_pivot('post', 'tags', 5, 9, '{"pivot_field": "x"}');

-- Duplicates.  On a unique junction duplicates => true fails (23505, hint).
SELECT relorm_attach('post', 'tags', 5, ARRAY[5], duplicates => true);
:e
-- A junction with its own surrogate key and no unique pair links twice.
CREATE TABLE post_label (id serial PRIMARY KEY, post_id int REFERENCES post,
                         tag_id int REFERENCES tag, note text);
SELECT relorm_many_to_many('post', 'labels', 'tag', junction => 'post_label',
                           options => '{"pivot": ["note"]}');
SELECT relorm_attach('post', 'labels', 5, ARRAY[1, 2]);
SELECT relorm_attach('post', 'labels', 5, ARRAY[1, 2]);
SELECT relorm_attach('post', 'labels', 5, ARRAY[1], '{"note": "again"}', duplicates => true);
SELECT relorm_attach('post', 'labels', 5, ARRAY[3, 3], duplicates => true);
SELECT post_id, tag_id, note FROM post_label ORDER BY id;
SELECT relorm_detach('post', 'labels', 5, 1);
SELECT relorm_relation_ids('post', 'labels', 5);
-- without a unique pair, the statements themselves skip linked pairs:
-- one target twice links once, and so does a list
SELECT relorm_attach('post', 'labels', 5, 4, '{"note": "one"}');
SELECT relorm_attach('post', 'labels', 5, 4);
SELECT relorm_add('post', 'labels', 5, 4);
SELECT relorm_add('post', 'labels', 5, ARRAY[4, 5]);
SELECT relorm_toggle('post', 'labels', 5, 6);
SELECT post_id, tag_id, note FROM post_label WHERE tag_id >= 4 ORDER BY id;
-- ... with the owner as a scalar subquery, so that only its links are probed
SELECT relorm_sql('post', 'labels', 'add', many => true);

-- Composite target keys come back as objects.
CREATE TABLE ctag (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE post_ctag (post_id int REFERENCES post, a int, b int,
                        FOREIGN KEY (a, b) REFERENCES ctag, PRIMARY KEY (post_id, a, b));
INSERT INTO ctag VALUES (1, 1), (1, 2);
SELECT relorm_many_to_many('post', 'ctags', 'ctag');
SELECT relorm_sync('post', 'ctags', 5, '[{"a": 1, "b": 2}, {"a": 1, "b": 1}]'::jsonb);
SELECT relorm_toggle('post', 'ctags', 5, '{"a": 1, "b": 2}'::jsonb);

-- A junction that references the target by another unique column: targets
-- are named by that column, as the relation names them (SPEC §1).
CREATE TABLE badge (id int PRIMARY KEY, code text UNIQUE NOT NULL);
CREATE TABLE post_badge (post_id int REFERENCES post, badge_code text REFERENCES badge (code),
                         PRIMARY KEY (post_id, badge_code));
INSERT INTO badge VALUES (1, 'gold'), (2, 'silver'), (3, 'bronze');
SELECT relorm_many_to_many('post', 'badges', 'badge', junction => 'post_badge',
                           target_key => ARRAY['badge_code']);
SELECT relorm_sync('post', 'badges', 5, ARRAY['bronze', 'gold']);
SELECT relorm_sync('post', 'badges', 5, ARRAY['silver']);
SELECT relorm_toggle('post', 'badges', 5, ARRAY['silver', 'bronze']);
SELECT relorm_detach('post', 'badges', 5);
SELECT * FROM post_badge;
-- ... and by another unique column of the source: the owner is named by
-- it, and a missing owner is still P0002
CREATE TABLE writer (id int PRIMARY KEY, pen text UNIQUE NOT NULL);
CREATE TABLE writer_badge (writer_pen text REFERENCES writer (pen),
                           badge_code text REFERENCES badge (code),
                           PRIMARY KEY (writer_pen, badge_code));
INSERT INTO writer VALUES (1, 'Twain'), (2, 'Eliot');
SELECT relorm_many_to_many('writer', 'badges', 'badge', junction => 'writer_badge');
SELECT relorm_attach('writer', 'badges', 'Twain', ARRAY['bronze', 'gold']);
SELECT relorm_load_many('writer', 'badges', 'Twain');
SELECT count(*) FROM relorm_load_many('writer', 'badges', 'Eliot');
SELECT relorm_load_many('writer', 'badges', 'Nobody');
:e

-- A set-based call: attaching 10,000 targets runs one statement.
INSERT INTO tag SELECT g, 'tag ' || g FROM generate_series(10, 15009) g;
SELECT relorm_detach('post', 'tags', 6);
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT jsonb_array_length(relorm_attach('post', 'tags', 6, (SELECT array_agg(g) FROM generate_series(10, 10009) g))->'attached');
-- ... and syncing to 10,000 others, half of them linked, one statement too
SELECT (SELECT count(*) FROM jsonb_array_elements(r->'attached')) AS attached,
       (SELECT count(*) FROM jsonb_array_elements(r->'detached')) AS detached
  FROM relorm_sync('post', 'tags', 6, (SELECT array_agg(g) FROM generate_series(5010, 15009) g)) r;
SELECT count(*) FROM post_tag WHERE post_id = 6;
-- the statements relorm ran for the two calls, and how often each ran
SELECT count(*) AS statements, sum(calls) AS calls FROM pg_stat_statements
 WHERE query LIKE 'WITH o AS%';
-- Toggling one target runs a flat delete and, only if that unlinked
-- nothing, a flat insert: linking runs both, unlinking the delete alone
-- (the statements on the junction; the foreign keys' checks are
-- PostgreSQL's). One statement doing both costs more: its plan starts
-- both the delete and the insert, with its conflict handling, every time.
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
SELECT relorm_toggle('post', 'tags', 6, 3);
SELECT relorm_toggle('post', 'tags', 6, 3);
SELECT count(*) AS statements, sum(calls) AS calls FROM pg_stat_statements
 WHERE query LIKE 'WITH d AS%' OR query LIKE 'DELETE %' OR query LIKE 'INSERT %';

-- Errors.
-- an unknown pivot field (42703), in every place fields are given
SELECT relorm_attach('post', 'tags', 5, ARRAY[1], '{"colour": "red"}');
:e
SELECT relorm_sync('post', 'tags', 5, '{"1": {"colour": "red"}}'::jsonb);
:e
SELECT relorm_update_pivot('post', 'tags', 5, 5, '{"post_id": 6}');
:e
-- a field value of the wrong type is the type's own error (22P02)
SELECT relorm_update_pivot('post', 'tags', 5, 5, '{"weight": "heavy"}');
:e
-- the wrong relation kind (42809, the hint names the right function)
SELECT relorm_attach('post', 'comments', 5, ARRAY[1]);
:e
SELECT relorm_sync('comment', 'post', 1, ARRAY[5]);
:e
SELECT relorm_associate('post', 'tags', 5, 1);
:e
-- a missing target (P0002): nothing is linked
SELECT relorm_attach('post', 'tags', 5, ARRAY[1, 99999]);
:e
SELECT relorm_sync('post', 'tags', 5, ARRAY[99999]);
:e
SELECT relorm_associate('post', 'comments', 5, 99);
:e
-- keys given twice make the targets found fewer than the keys: the check
-- still finds the missing one, or finds none
SELECT relorm_attach('post', 'tags', 5, ARRAY[1, 1, 99999]);
:e
SELECT relorm_detach('post', 'tags', 5, ARRAY[99999, 2, 99999]);
:e
SELECT relorm_toggle('post', 'tags', 5, ARRAY[8, 8]);
SELECT relorm_toggle('post', 'tags', 5, ARRAY[8, 8]);
-- one target (a flat statement, then a check when it changed nothing)
SELECT relorm_attach('post', 'tags', 5, 99999);
:e
SELECT relorm_attach('post', 'tags', 99999, 1);
:e
SELECT relorm_detach('post', 'tags', 5, 99999);
:e
SELECT relorm_toggle('post', 'tags', 5, 99999);
:e
SELECT relorm_update_pivot('post', 'tags', 99999, 1, '{"weight": 1}');
:e
SELECT * FROM tags_of_5;
-- malformed input (22023)
SELECT relorm_update_pivot('post', 'tags', 5, 5, '{}');
:e
SELECT relorm_update_pivot('post', 'tags', 5, 5, '[1]');
:e
SELECT relorm_attach('post', 'tags', 5, ARRAY[1], '"x"');
:e
SELECT relorm_attach('post', 'ctags', 5, '{"1": {}}'::jsonb);
:e
SELECT relorm_toggle('post', 'tags', 5, NULL::int);
:e

RESET search_path;
DROP SCHEMA pivot CASCADE;
