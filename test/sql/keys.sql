-- Keys (SPEC §1): every form an owner / targets argument accepts, for
-- single-column and composite keys, and the errors of malformed keys.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA keys;
SET search_path = keys, public;

CREATE TABLE tag (id int PRIMARY KEY, name text);
CREATE TABLE item (id bigint PRIMARY KEY, name text);
CREATE TABLE item_tags (item_id bigint REFERENCES item, tag_id int REFERENCES tag,
                        PRIMARY KEY (item_id, tag_id));
INSERT INTO tag SELECT g, 'tag' || g FROM generate_series(1, 9) g;
INSERT INTO item SELECT g, 'item' || g FROM generate_series(1, 3) g;
SELECT relorm_many_to_many('item', 'tags', 'tag');
-- after each call, the tags of item 1
CREATE FUNCTION tags_of_1() RETURNS jsonb LANGUAGE sql
    AS $$ SELECT relorm_relation_ids('item', 'tags', 1) $$;

-- scalars of the key's type, of a type with an assignment cast (bigint and
-- numeric to int, int to bigint), of a string type, untyped literals
SELECT relorm_add('item', 'tags', 1, 1);
SELECT relorm_add('item', 'tags', 1::int, 2::bigint);
SELECT relorm_add('item', 'tags', 1::smallint, 3::numeric);
SELECT relorm_add('item', 'tags', '1'::text, '4'::varchar);
SELECT relorm_add('item', 'tags', '1', '5');
SELECT tags_of_1();
-- jsonb and json: a scalar (number or string), an array of them
SELECT relorm_remove('item', 'tags', '1'::jsonb, '1'::jsonb);
SELECT relorm_remove('item', 'tags', '"1"'::jsonb, '["2", 3]'::jsonb);
SELECT relorm_add('item', 'tags', '1'::json, '[6, 7]'::json);
-- an object of the key columns (extra fields of a full record are ignored)
SELECT relorm_add('item', 'tags', '{"id": 1, "name": "ignored"}'::jsonb,
                  '[{"id": 8, "name": "tag8"}, {"id": 9}]'::jsonb);
SELECT tags_of_1();
-- whole rows, and SQL arrays of scalars and of rows
SELECT relorm_remove('item', 'tags', i, t) FROM item i, tag t WHERE i.id = 1 AND t.id = 4;
SELECT relorm_remove('item', 'tags', i, ARRAY[5, 6]) FROM item i WHERE i.id = 1;
SELECT relorm_remove('item', 'tags', 1, (SELECT array_agg(t ORDER BY t.id) FROM tag t WHERE t.id > 7));
SELECT tags_of_1();
-- a row of another type works when it has the key's column names
SELECT relorm_add('item', 'tags', r, 1) FROM (SELECT 1 AS id, 'x' AS other) r;
-- an empty list changes nothing
SELECT relorm_add('item', 'tags', 1, ARRAY[]::int[]);
SELECT relorm_add('item', 'tags', 1, '[]'::jsonb);
SELECT tags_of_1();

-- other key types: uuid and text keys
CREATE TABLE doc (id uuid PRIMARY KEY);
CREATE TABLE label (code text PRIMARY KEY);
CREATE TABLE doc_labels (doc_id uuid REFERENCES doc, label_code text REFERENCES label,
                         PRIMARY KEY (doc_id, label_code));
INSERT INTO doc VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
INSERT INTO label VALUES ('red'), ('green'), ('with "quotes"'' and ;');
SELECT relorm_many_to_many('doc', 'labels', 'label', source_key => ARRAY['doc_id'],
                           target_key => ARRAY['label_code']);
SELECT relorm_add('doc', 'labels', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
                  ARRAY['red', 'with "quotes"'' and ;']);
SELECT relorm_add('doc', 'labels', '"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"'::jsonb, '["green"]'::jsonb);
SELECT relorm_relation_ids('doc', 'labels', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid);

-- composite keys: objects, untyped literals read as jsonb, rows, arrays
CREATE TABLE pair (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE pair_items (a int, b int, item_id bigint REFERENCES item,
                         FOREIGN KEY (a, b) REFERENCES pair, PRIMARY KEY (a, b, item_id));
INSERT INTO pair VALUES (1, 1), (1, 2), (2, 1);
SELECT relorm_many_to_many('pair', 'items', 'item');
SELECT relorm_many_to_many('item', 'pairs', 'pair');
SELECT relorm_add('pair', 'items', '{"a": 1, "b": 2}', ARRAY[1, 2]);
SELECT relorm_add('item', 'pairs', 3, (SELECT array_agg(p) FROM pair p WHERE a = 1));
SELECT relorm_add('item', 'pairs', 3, '[{"a": 2, "b": 1}, {"b": 1, "a": 1}]'::jsonb);
SELECT relorm_relation_ids('item', 'pairs', 3);
SELECT relorm_relation_ids('pair', 'items', p) FROM pair p ORDER BY a, b;

-- Errors: malformed keys are 22023 with the position, values the type's
-- own error, uncastable types 42804; nothing is changed.
SELECT relorm_add('item', 'tags', 1, NULL::int);
:e
SELECT relorm_add('item', 'tags', NULL, 1);
:e
-- (several owners are for relorm_add, relorm_remove and belongs_to set only)
SELECT relorm_attach('item', 'tags', ARRAY[1, 2], 3);
:e
SELECT relorm_add('item', 'tags', 1, ARRAY[3, NULL]);
:e
SELECT relorm_add('item', 'tags', 1, '[3, null]'::jsonb);
:e
SELECT relorm_add('item', 'tags', 1, '[3, [4]]'::jsonb);
:e
SELECT relorm_add('item', 'tags', 1, '{"name": "tag3"}'::jsonb);
:e
SELECT relorm_add('item', 'tags', 1, '{"id": {"deep": 1}}'::jsonb);
:e
SELECT relorm_add('item', 'tags', 1, 'abc');
:e
SELECT relorm_add('item', 'tags', 1, '"abc"'::jsonb);
:e
SELECT relorm_add('item', 'tags', 1, '1.5'::jsonb);
:e
SELECT relorm_add('item', 'tags', 1, 99999999999::bigint);
:e
-- a fractional number names no integer key (no rounding), in any form
SELECT relorm_add('item', 'tags', 1, 2.6);
:e
SELECT relorm_add('item', 'tags', 1, 2.6::float8);
:e
-- a two-dimensional array is not a list of keys
SELECT relorm_add('item', 'tags', 1, ARRAY[ARRAY[2]]);
:e
SELECT relorm_add('item', 'tags', 1, true);
:e
SELECT relorm_add('item', 'tags', 1, now());
:e
SELECT relorm_add('item', 'tags', r, 1) FROM (SELECT 1 AS other) r;
:e
SELECT relorm_add('pair', 'items', 1, 1);
:e
SELECT relorm_add('pair', 'items', '{"a": 1}', 1);
:e
SELECT relorm_add('pair', 'items', ROW(1, 2), 1);
:e
SELECT relorm_add('pair', 'items', 'not json', 1);
:e
SELECT relorm_add('doc', 'labels', 'not-a-uuid', 'red');
:e
SELECT tags_of_1();

RESET search_path;
DROP SCHEMA keys CASCADE;
