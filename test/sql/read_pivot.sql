-- Pivot fields (SPEC §4): defaults per target, relorm_sync(..., pivot),
-- and reading them (Laravel's withPivot, wherePivot, orderByPivot).
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA rpivot;
SET search_path = rpivot, public;

CREATE TABLE post (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE tag (id int PRIMARY KEY, name text NOT NULL);
-- a Laravel-style junction: defaults, and a NOT NULL timestamp with a default
CREATE TABLE post_tag (post_id int REFERENCES post, tag_id int REFERENCES tag,
                       weight int DEFAULT 1, note text,
                       created_at timestamptz NOT NULL DEFAULT now(),
                       PRIMARY KEY (post_id, tag_id));
INSERT INTO post VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO tag SELECT g, 'tag ' || g FROM generate_series(1, 6) g;
SELECT relorm_many_to_many('post', 'tags', 'tag', options => '{"inverse": "posts"}');
CREATE VIEW links AS
    SELECT post_id, tag_id, weight, note, created_at = now() AS created_now
    FROM post_tag ORDER BY post_id, tag_id;

-- The defaults bug, case 1: a field given for one target only; the others
-- get the column's DEFAULT (weight 1), not NULL.
BEGIN;
SELECT relorm_sync('post', 'tags', 1, '{"1": {"weight": 7}, "2": {}, "3": {}}'::jsonb);
SELECT * FROM links WHERE post_id = 1;
-- the same through attach and toggle, several targets
SELECT relorm_attach('post', 'tags', 2, '{"1": {"weight": 5}, "2": {"note": "n"}}'::jsonb);
SELECT relorm_toggle('post', 'tags', 3, '{"4": {"weight": 2}, "5": {}}'::jsonb);
SELECT * FROM links WHERE post_id > 1;
ROLLBACK;

-- The defaults bug, case 2: created_at given for one target (a NOT NULL
-- column with DEFAULT now()); the others get now() instead of failing 23502.
BEGIN;
SELECT relorm_attach('post', 'tags', 1,
    '{"1": {"created_at": "2020-01-02T03:04:05Z"}, "2": {}, "3": {"weight": 3}}'::jsonb);
SELECT post_id, tag_id, weight, created_at = now() AS created_now,
       created_at = '2020-01-02T03:04:05Z' AS given
FROM post_tag ORDER BY post_id, tag_id;
-- and through sync: a new link without created_at gets now()
SELECT relorm_sync('post', 'tags', 1,
    '{"1": {"created_at": "2021-01-01T00:00:00Z"}, "4": {}}'::jsonb);
SELECT post_id, tag_id, weight, created_now FROM links;
ROLLBACK;

-- A default is printed schema-qualified: it holds under another search_path.
CREATE FUNCTION rpivot.default_note() RETURNS text LANGUAGE sql AS $$ SELECT 'dflt' $$;
ALTER TABLE post_tag ALTER COLUMN note SET DEFAULT rpivot.default_note();
BEGIN;
SET LOCAL search_path = public;
SELECT relorm_attach('rpivot.post', 'tags', 1, '{"1": {"note": "mine"}, "2": {}}'::jsonb);
SELECT post_id, tag_id, note FROM rpivot.links;
ROLLBACK;
-- a changed default is seen by the next call (the statement is prepared again)
ALTER TABLE post_tag ALTER COLUMN note DROP DEFAULT;
BEGIN;
SELECT relorm_attach('post', 'tags', 1, '{"1": {"note": "mine"}, "2": {}}'::jsonb);
SELECT post_id, tag_id, note FROM links;
ROLLBACK;

-- relorm_sync(..., pivot): fields for every target (syncWithPivotValues);
-- a target's own fields win; linked rows whose fields differ are updated.
SELECT relorm_sync('post', 'tags', 1, ARRAY[1, 2], detaching => true, pivot => '{"note": "all"}');
SELECT relorm_sync('post', 'tags', 1, '{"2": {"note": "own"}, "3": {}}'::jsonb,
                   false, '{"note": "all", "weight": 4}');
SELECT post_id, tag_id, weight, note FROM links;
-- pivot alone, detaching left at its default (true)
SELECT relorm_sync('post', 'tags', 1, ARRAY[1, 2], pivot => '{"note": "again"}');
SELECT post_id, tag_id, weight, note FROM links;
-- the 0.1.0 forms still mean what they did: four and five arguments
SELECT relorm_sync('post', 'tags', 1, ARRAY[1, 2, 3, 4], false);
SELECT relorm_sync('post', 'tags', 1, ARRAY[1, 2, 3]);
SELECT relorm_sync('post', 'tags', 1, ARRAY[1, 2, 3], detaching => true);
-- pivot fields are checked even when there are no targets
SELECT relorm_sync('post', 'tags', 1, NULL, true, '{"nope": 1}');
:e
SELECT relorm_sync('post', 'tags', 1, ARRAY[1], true, '[1]');
:e

-- Data for reading: post 1 has tags 1..3, post 2 tags 2..4, weights differ.
SELECT relorm_detach('post', 'tags', 1);
SELECT relorm_attach('post', 'tags', 1, '{"1": {"weight": 30, "note": "a"}, "2": {"weight": 10, "note": "b"}, "3": {"weight": 20}}'::jsonb);
SELECT relorm_attach('post', 'tags', 2, '{"2": {"weight": 5, "note": "c"}, "3": {"weight": 50}, "4": {"weight": 1}}'::jsonb);

-- "pivot": true adds every pivot field of each link, as an object
SELECT relorm_query_related('post', 'tags', 1, '{"select": ["id"], "pivot": ["weight", "note"]}');
-- order and filter by pivot fields (orderByPivot, wherePivot)
SELECT relorm_query_related('post', 'tags', 1,
    '{"select": ["name"], "pivot": ["weight"], "order": ["-pivot.weight"]}');
SELECT relorm_load_many('post', 'tags', 1,
    '{"select": ["id"], "pivot": ["note"], "where": {"pivot.weight": {"gte": 20}}, "order": "pivot.weight"}');
-- a page of them: the pivot object survives the cut
SELECT relorm_load_many('post', 'tags', 1,
    '{"select": ["id"], "pivot": ["weight"], "order": "pivot.weight", "limit": 1, "offset": 1}');
-- false asks for none
SELECT relorm_query_related('post', 'tags', 2, '{"select": ["id"], "pivot": false}');
-- the owner's existence is still checked when nothing matches
SELECT relorm_query_related('post', 'tags', 99, '{"pivot": true}');
:e

-- Pivot fields two levels deep: posts -> tags (with the link's weight) ->
-- posts again through the inverse (with that link's note), ordered and
-- filtered by pivot fields at each level.
SELECT relorm_select('post', '{
  "select": ["id", {"tags": {"select": ["id", {"posts": {"select": ["id"], "pivot": ["note"],
                                                         "where": {"pivot.weight": {"lt": 40}},
                                                         "order": ["-pivot.weight"]}}],
                             "pivot": ["weight"], "order": ["pivot.weight"]}}],
  "where": {"id": {"in": [1, 2]}}, "order": ["id"]}');
-- a nested page keeps pivot fields too
SELECT relorm_select('post', '{"select": ["id", {"tags": {"select": ["id"], "pivot": ["weight"],
    "order": ["-pivot.weight"], "limit": 1}}], "order": ["id"]}');
-- join: true with a pivot filter keeps only posts with such a link
SELECT relorm_select('post', '{"select": ["id", {"tags": {"join": true, "select": ["id"],
    "where": {"pivot.weight": {"gt": 40}}}}]}');
-- a relation filter may name pivot fields of its links
SELECT relorm_select('post', '{"select": ["id"], "where": {"tags": {"some": {"pivot.note": "b"}}}}');

-- The statement: one, the junction joined once per level.
SELECT relorm_sql('post', '{"select": ["id", {"tags": {"select": ["id"], "pivot": ["weight"], "order": ["pivot.weight"]}}]}');

-- Errors
-- a field that is not a pivot field (42703, the hint lists them)
SELECT relorm_query_related('post', 'tags', 1, '{"pivot": ["nope"]}');
:e
SELECT relorm_query_related('post', 'tags', 1, '{"where": {"pivot.post_id": 1}}');
:e
SELECT relorm_query_related('post', 'tags', 1, '{"order": ["-pivot.nope"]}');
:e
-- pivot on rows that are not reached through a many_to_many relation (42809)
SELECT relorm_select('post', '{"pivot": true}');
:e
-- malformed pivot (22023)
SELECT relorm_query_related('post', 'tags', 1, '{"pivot": "weight"}');
:e
SELECT relorm_query_related('post', 'tags', 1, '{"pivot": [1]}');
:e
-- the typed form returns whole rows
SELECT * FROM relorm_query_related(NULL::tag, 'post', 'tags', 1, '{"pivot": true}');
:e

-- A junction with a surrogate primary key of its own: the key is no pivot
-- field (SPEC §2: all non-key columns), so it is neither read nor written
CREATE TABLE post_marks (id serial PRIMARY KEY, post_id int REFERENCES post,
                         tag_id int REFERENCES tag, note text);
SELECT relorm_many_to_many('post', 'marks', 'tag', junction => 'post_marks');
SELECT relorm_attach('post', 'marks', 1, '{"1": {"note": "n"}}'::jsonb);
SELECT * FROM relorm_load_many('post', 'marks', 1, '{"pivot": true}');
SELECT relorm_attach('post', 'marks', 1, '{"2": {"id": 7}}'::jsonb);
:e
