-- Hardening, issue 12 item 1: keys of every type family name the right row.
-- Parameters used to be cast as $1::character, which SQL reads as char(1):
-- a char(3) key 'abc' was looked up as 'a', and a write meant for the
-- absent key 'axx' re-pointed a child at the row 'a'.  Each probe below
-- stores a key (right), a look-alike that a lost typmod would turn the
-- right or absent key into (wrong), and looks rows up by `lookup` (a
-- spelling the column's own input reads as `right`) and by `absent`.
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA hk;
SET search_path = hk, public;
SET client_min_messages = warning;

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN short_code AS text CHECK (length(VALUE) <= 5);
CREATE EXTENSION citext;

-- run(sql): the call's result as text, or its SQLSTATE
CREATE FUNCTION run(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE sql INTO r;
    RETURN coalesce(r, 'null');
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE;
END $$;

-- probe(type, right, wrong, lookup, absent): tables keyed by `type` (an
-- owner with has_many kids and many_to_many tags), then every check as a
-- row "check: result"
CREATE FUNCTION probe(typ text, r text, w text, lookup text, absent text)
RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    DROP TABLE IF EXISTS o_tags, kid, tag, o;
    EXECUTE format('CREATE TABLE o (k %s PRIMARY KEY)', typ);
    EXECUTE format('CREATE TABLE kid (id int PRIMARY KEY, o_k %s REFERENCES o)', typ);
    EXECUTE format('CREATE TABLE tag (k %s PRIMARY KEY)', typ);
    EXECUTE format('CREATE TABLE o_tags (o_k %s REFERENCES o, tag_k %s REFERENCES tag, PRIMARY KEY (o_k, tag_k))', typ, typ);
    EXECUTE format('INSERT INTO o VALUES (%L), (%L)', r, w);
    EXECUTE format('INSERT INTO tag VALUES (%L), (%L)', r, w);
    EXECUTE format('INSERT INTO kid VALUES (1, %L), (2, NULL)', r);
    PERFORM relorm_has_many('o', 'kids', 'kid');
    PERFORM relorm_belongs_to('kid', 'owner', 'o');
    PERFORM relorm_many_to_many('o', 'tags', 'tag', 'o_tags');
    -- reads: the lookup finds the right row's kid, the absent key is P0002
    RETURN NEXT 'count(lookup): ' || run(format($q$SELECT relorm_count_related('o', 'kids', %L)$q$, lookup));
    RETURN NEXT 'count(lookup::text): ' || run(format($q$SELECT relorm_count_related('o', 'kids', %L::text)$q$, lookup));
    RETURN NEXT 'count(jsonb): ' || run(format($q$SELECT relorm_count_related('o', 'kids', to_jsonb(%L::text))$q$, lookup));
    RETURN NEXT 'count(typed): ' || run(format($q$SELECT relorm_count_related('o', 'kids', %L::%s)$q$, r, typ));
    RETURN NEXT 'count(wrong): ' || run(format($q$SELECT relorm_count_related('o', 'kids', %L)$q$, w));
    RETURN NEXT 'count(absent): ' || run(format($q$SELECT relorm_count_related('o', 'kids', %L)$q$, absent));
    RETURN NEXT 'select where: ' || run(format($q$SELECT count(*) FROM relorm_select('o', jsonb_build_object('where', jsonb_build_object('k', %L::text)))$q$, lookup));
    RETURN NEXT 'chain of: ' || run(format($q$SELECT string_agg(j->>'id', ',') FROM relorm_chain('o', 'kids', jsonb_build_object('of', jsonb_build_array(%L::text))) j$q$, lookup));
    -- writes: the absent key changes nothing, the lookup writes the right row
    RETURN NEXT 'associate(absent): ' || run(format($q$SELECT relorm_associate('o', 'kids', %L, 2)$q$, absent));
    RETURN NEXT 'associate(lookup): ' || run(format($q$SELECT relorm_associate('o', 'kids', %L, 2)$q$, lookup));
    RETURN NEXT 'kid 2 is right: ' || run(format($q$SELECT o_k = %L FROM kid WHERE id = 2$q$, r));
    RETURN NEXT 'add(wrong, [1]): ' || run(format($q$SELECT relorm_add('o', 'kids', %L, ARRAY[1])$q$, w));
    RETURN NEXT 'kid 1 is wrong: ' || run(format($q$SELECT o_k = %L FROM kid WHERE id = 1$q$, w));
    RETURN NEXT 'owner of kid 2: ' || run($q$SELECT relorm_relation_ids('kid', 'owner', 2) #>> '{}' $q$);
    RETURN NEXT 'attach(lookup, [absent]): ' || run(format($q$SELECT relorm_attach('o', 'tags', %L, jsonb_build_array(%L::text))$q$, lookup, absent));
    RETURN NEXT 'attach(lookup, [lookup]): ' || run(format($q$SELECT relorm_attach('o', 'tags', %L, jsonb_build_array(%L::text)) IS NOT NULL$q$, lookup, lookup));
    RETURN NEXT 'link is right-right: ' || run(format($q$SELECT string_agg((o_k = %L AND tag_k = %L)::text, ',') FROM o_tags$q$, r, r));
    RETURN NEXT 'detach(wrong): ' || run(format($q$SELECT relorm_detach('o', 'tags', %L)$q$, w));
    RETURN NEXT 'links left: ' || run('SELECT count(*) FROM o_tags');
END $$;

-- char(n): 'a' is what 'abc' and 'axx' become as char(1)
SELECT * FROM probe('char(3)', 'abc', 'a', 'abc', 'axx');
-- varchar(n)
SELECT * FROM probe('varchar(3)', 'abc', 'a', 'abc', 'axx');
-- bit(n): '1' is what '101' and '100' become as bit(1); bit(3) holds only
-- three bits, so the look-alike is another three bits
SELECT * FROM probe('bit(3)', '101', '100', '101', '111');
-- varbit(n)
SELECT * FROM probe('varbit(3)', '101', '1', '101', '100');
-- numeric(p,s): the lookup 1.254 is 1.25 in the column's scale
SELECT * FROM probe('numeric(5,2)', '1.25', '1', '1.254', '1.3');
-- uuid
SELECT * FROM probe('uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
                    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12',
                    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
                    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13');
-- timestamptz: microseconds count; the lookup is the same instant elsewhere
SELECT * FROM probe('timestamptz', '2024-01-01 10:00:00.123456+00',
                    '2024-01-01 10:00:00+00', '2024-01-01 12:00:00.123456+02',
                    '2024-01-01 10:00:00.5+00');
-- enum
SELECT * FROM probe('mood', 'happy', 'sad', 'happy', 'ok');
-- domain over text (its check applies to lookups too: 'toolong' is 23514)
SELECT * FROM probe('short_code', 'abc', 'a', 'abc', 'toolong');
-- citext: a type with its own btree opclass; 'ABC' finds 'abc' by citext's
-- equality, which a parameter typed as text would miss
SELECT * FROM probe('citext', 'abc', 'ab', 'ABC', 'abd');

-- a composite-typed key: a value of the key column's own type is one key,
-- not a row whose columns name the key (it used to be 22023 "the row has no
-- column")
CREATE TYPE pair AS (a int, b int);
CREATE TABLE ck (id pair PRIMARY KEY);
CREATE TABLE ckid (id int PRIMARY KEY, ck_id pair REFERENCES ck);
INSERT INTO ck VALUES (ROW(1, 2)), (ROW(1, 3));
INSERT INTO ckid VALUES (1, ROW(1, 2)), (2, ROW(1, 2)), (3, NULL);
SELECT relorm_has_many('ck', 'kids', 'ckid');
SELECT relorm_count_related('ck', 'kids', ROW(1, 2)::pair);
SELECT relorm_count_related('ck', 'kids', ARRAY[ROW(1, 2)::pair]);
SELECT relorm_count_related('ck', 'kids', '(1,2)');
SELECT relorm_count_related('ck', 'kids', '"(1,3)"'::jsonb);
SELECT relorm_add('ck', 'kids', ROW(1, 3)::pair, 3);
SELECT relorm_count_related('ck', 'kids', ROW(1, 3)::pair);
-- kid 1 is removed, kid 3 (of the other owner) is not: 1
SELECT relorm_remove('ck', 'kids', ROW(1, 2)::pair, ARRAY[1, 3]);
SELECT id, ck_id FROM ckid ORDER BY id;
-- a row of the table itself is still read by its key columns
SELECT relorm_count_related('ck', 'kids', c) FROM ck c WHERE c.id = ROW(1, 2)::pair;
-- a pair that names no row
SELECT relorm_count_related('ck', 'kids', ROW(9, 9)::pair);
:e
-- an array-typed key: an int[] value is one key
CREATE TABLE ak (id int[] PRIMARY KEY);
CREATE TABLE akid (id int PRIMARY KEY, ak_id int[] REFERENCES ak);
INSERT INTO ak VALUES ('{1,2}'), ('{1}');
INSERT INTO akid VALUES (1, '{1,2}');
SELECT relorm_has_many('ak', 'kids', 'akid');
SELECT relorm_count_related('ak', 'kids', ARRAY[1, 2]);
SELECT relorm_count_related('ak', 'kids', '{1}'::int[]);

DROP SCHEMA hk CASCADE;
