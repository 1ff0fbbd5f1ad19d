-- Keyset pages and totals (SPEC §5): "cursor": true puts an opaque cursor
-- on each row, "after": <cursor> continues after that row; relorm_count
-- gives the total (PostgREST count=exact, pg_graphql totalCount).
\set SHOW_CONTEXT never
\set e '\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA rpages;
SET search_path = rpages, public;

-- k repeats, n is NULL for every fourth row, t is text
CREATE TABLE item (id int PRIMARY KEY, k int NOT NULL, n int, t text NOT NULL);
INSERT INTO item
SELECT g, g % 7, CASE WHEN g % 4 = 0 THEN NULL ELSE g % 5 END, 'row ' || (g % 11)
FROM generate_series(1, 10000) g;
CREATE INDEX item_k_id ON item (k, id);
ANALYZE item;

-- The first page, with cursors: each row's cursor continues after it.
SELECT relorm_select('item', '{"select": ["id", "k"], "order": ["k"], "cursor": true, "limit": 3}');
-- the next page, after the last row of the first
SELECT relorm_select('item', jsonb_build_object(
    'select', '["id", "k"]'::jsonb, 'order', '["k"]'::jsonb, 'limit', 3,
    'after', (SELECT r->>'cursor' FROM relorm_select('item',
        '{"order": ["k"], "cursor": true, "limit": 3}') r OFFSET 2)));

-- walk(query, page size): every page of a query, one after another by
-- cursor, to the end; the ids in the order they came
CREATE FUNCTION walk(query jsonb, size int) RETURNS int[] LANGUAGE plpgsql AS $$
DECLARE
    ids int[] := '{}';
    last text;
    got int;
    r json;
BEGIN
    LOOP
        got := 0;
        FOR r IN SELECT * FROM relorm_select('item', query || jsonb_build_object(
                     'cursor', true, 'limit', size)
                     || CASE WHEN last IS NULL THEN '{}' ELSE jsonb_build_object('after', last) END)
        LOOP
            ids := ids || (r->>'id')::int;
            last := r->>'cursor';
            got := got + 1;
        END LOOP;
        EXIT WHEN got < size;
    END LOOP;
    RETURN ids;
END $$;
-- whole(query): the ids of the query in one go, in one page (a page is
-- ordered by the key after the order asked, as keyset pages are)
CREATE FUNCTION whole(query jsonb) RETURNS int[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg((r->>'id')::int), '{}')
    FROM relorm_select('item', query || '{"limit": 100000}') r
$$;

-- Walking by pages gives every row once, in the order of the whole query:
-- ascending, descending, NULLs first and last, mixed directions, text,
-- a filter, in pages of 13 over 1,000 rows.
SELECT q, w = whole(q) AS same, cardinality(w) AS rows,
       cardinality(w) = (SELECT count(DISTINCT x) FROM unnest(w) x) AS each_once
FROM (SELECT q, walk(q, 13) AS w FROM (VALUES
    ('{"order": ["k"], "where": {"id": {"lte": 1000}}}'::jsonb),
    ('{"order": ["-k"], "where": {"id": {"lte": 1000}}}'),
    ('{"order": ["n", "-k"], "where": {"id": {"lte": 1000}}}'),
    ('{"order": ["-n"], "where": {"id": {"lte": 1000}}}'),
    ('{"order": [{"n": "asc nulls first"}, {"k": "desc nulls last"}], "where": {"id": {"lte": 1000}}}'),
    ('{"order": [{"n": "desc nulls last"}, "t"], "where": {"id": {"lte": 1000}}}'),
    ('{"order": ["-t", "-id"], "where": {"k": 3, "id": {"lte": 1000}}}'),
    ('{"where": {"id": {"lte": 1000}}}')
) v(q)) walked;

-- The keyset condition: a row comparison when every order column is NOT
-- NULL and sorted one way (an index on them answers it) ...
SELECT relorm_sql('item', jsonb_build_object('select', '["id"]'::jsonb, 'order', '["k"]'::jsonb,
    'limit', 20, 'after', (SELECT r->>'cursor' FROM relorm_select('item',
        '{"order": ["k"], "cursor": true, "limit": 1}') r)));
-- ... else column by column, with NULLs where the direction puts them
SELECT relorm_sql('item', jsonb_build_object('select', '["id"]'::jsonb, 'order', '["-n", "k"]'::jsonb,
    'limit', 20, 'after', (SELECT r->>'cursor' FROM relorm_select('item',
        '{"order": ["-n", "k"], "cursor": true, "limit": 1, "where": {"id": 1}}') r)));

-- The plan of a keyset page: the index on (k, id) finds the page's first
-- row and the scan stops after 20 rows, near the end of the table as at
-- its start; the offset page reads every row before it.
CREATE FUNCTION explain_page(query jsonb, args text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'PREPARE page AS ' || relorm_sql('item', query);
    RETURN QUERY EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE page('
        || args || ')';
    DEALLOCATE page;
END $$;
-- after the row (k, id) = (6, 9855): the last 20 rows in this order
SELECT explain_page(jsonb_build_object('select', '["id"]'::jsonb, 'order', '["k"]'::jsonb,
    'limit', 20, 'after', (SELECT r->>'cursor' FROM relorm_select('item',
        '{"order": ["k"], "cursor": true, "where": {"id": 9855}}') r)), '6, 9855, 20');
-- by primary key, page 500 of 20
SELECT explain_page(jsonb_build_object('select', '["id"]'::jsonb, 'limit', 20,
    'after', (SELECT r->>'cursor' FROM relorm_select('item',
        '{"cursor": true, "where": {"id": 9980}}') r)), '9980, 20');
-- the same page by offset reads the 9,980 rows before it
SELECT explain_page('{"select": ["id"], "order": ["id"], "limit": 20, "offset": 9980}', '20, 9980');

-- Cursors in nested rows continue that level: an author's next books.
CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id int PRIMARY KEY, author_id int REFERENCES author, title text NOT NULL);
INSERT INTO author VALUES (1, 'Ann');
INSERT INTO book SELECT g, 1, 'b' || g FROM generate_series(1, 5) g;
SELECT relorm_has_many('author', 'books', 'book');
SELECT relorm_select('author', '{"select": ["id", {"books": {"select": ["id"], "order": ["-id"],
    "cursor": true, "limit": 2}}]}');
SELECT relorm_query_related('author', 'books', 1, jsonb_build_object('select', '["id"]'::jsonb,
    'order', '["-id"]'::jsonb, 'limit', 2,
    'after', (SELECT r->'books'->1->>'cursor' FROM relorm_select('author', '{"select": [{"books":
        {"select": ["id"], "order": ["-id"], "cursor": true, "limit": 2}}]}') r)));

-- relorm_count: the total a filter matches
SELECT relorm_count('item');
SELECT relorm_count('item', '{"k": 3, "n": null}');
SELECT relorm_count('item', NULL);
SELECT relorm_count('author', '{"books": {"some": {"title": "b2"}}}');
SELECT relorm_count('author', '{"books": {"none": {}}}');

-- Errors
-- a cursor made by a query of another shape: another order, another table (22023)
SELECT relorm_select('item', jsonb_build_object('order', '["-k"]'::jsonb,
    'after', (SELECT r->>'cursor' FROM relorm_select('item',
        '{"order": ["k"], "cursor": true, "limit": 1}') r)));
:e
SELECT relorm_select('book', jsonb_build_object('after', (SELECT r->>'cursor'
    FROM relorm_select('item', '{"cursor": true, "limit": 1}') r)));
:e
-- not a cursor: not a string, not base64, base64 of something else (22023)
SELECT relorm_select('item', '{"after": 5}');
:e
SELECT relorm_select('item', '{"after": "%%%"}');
:e
SELECT relorm_select('item', jsonb_build_object('after', encode('{"a": 1}', 'base64')));
:e
SELECT relorm_select('item', jsonb_build_object('after', encode('[1, 2', 'base64')));
:e
-- a cursor whose values do not fit the column is the type's error
SELECT relorm_select('item', jsonb_build_object('after',
    encode(convert_to(format('[%s, "x"]', (SELECT (convert_from(decode(r->>'cursor', 'base64'), 'UTF8')::jsonb)->>0
        FROM relorm_select('item', '{"cursor": true, "limit": 1}') r)), 'UTF8'), 'base64')));
:e
-- cursor takes true or false
SELECT relorm_select('item', '{"cursor": 1}');
:e
-- keyset pages need a primary key (55000)
CREATE TABLE nokey (a int);
SELECT relorm_select('nokey', '{"cursor": true}');
:e
-- the typed form has no room for a cursor
SELECT * FROM relorm_select(NULL::item, 'item', '{"cursor": true}');
:e
-- relorm_count's filter is a filter
SELECT relorm_count('item', '[1]');
:e
SELECT relorm_count('item', '{"nope": 1}');
:e
SELECT relorm_count('nope', NULL);
:e
