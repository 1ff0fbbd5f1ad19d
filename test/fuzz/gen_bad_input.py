#!/usr/bin/env python3
"""Generate test/sql/bad_input.sql: the bad-input catalogue (issue 12).

Each case is one statement run by bi() in its own subtransaction; the
expected output shows its number, category, statement and SQLSTATE (or
"ok" and the rows it returned).  Run: python3 test/fuzz/gen_bad_input.py
> test/sql/bad_input.sql, then review test/expected/bad_input.out.
"""

cases = []


def add(cat, sql):
    cases.append((cat, sql))


# ---- every function, NULL in each argument --------------------------------
calls = {
    "relorm_add": ["'author'", "'books'", "1", "ARRAY[1]"],
    "relorm_remove": ["'author'", "'books'", "1", "ARRAY[1]"],
    "relorm_set": ["'book'", "'author'", "1", "2"],
    "relorm_load_one": ["'book'", "'author'", "1"],
    "relorm_load_many": ["'author'", "'books'", "1", "'{}'::jsonb"],
    "relorm_relation_ids": ["'author'", "'books'", "1"],
    "relorm_select": ["'author'", "'{}'::jsonb"],
    "relorm_query_related": ["'author'", "'books'", "1", "'{}'::jsonb"],
    "relorm_count_related": ["'author'", "'books'", "1", "'{}'::jsonb"],
    "relorm_exists_related": ["'author'", "'books'", "1", "'{}'::jsonb"],
    "relorm_chain": ["'author'", "'books.tags'", "'{}'::jsonb"],
    "relorm_where_exists": ["'author'", "'books'", "'{}'::jsonb"],
    "relorm_join": ["'author'", "'books'", "'{}'::jsonb"],
    "relorm_sql": ["'author'", "'{}'::jsonb"],
    "relorm_attach": ["'book'", "'tags'", "1", "ARRAY[1]", "'{}'::jsonb", "false"],
    "relorm_detach": ["'book'", "'tags'", "1", "ARRAY[1]"],
    "relorm_sync": ["'book'", "'tags'", "1", "ARRAY[1]", "true", "'{}'::jsonb"],
    "relorm_toggle": ["'book'", "'tags'", "1", "ARRAY[1]"],
    "relorm_update_pivot": ["'book'", "'tags'", "1", "1", "'{\"note\": \"x\"}'::jsonb"],
    "relorm_associate": ["'author'", "'books'", "1", "1"],
    "relorm_dissociate": ["'author'", "'books'", "1", "1"],
    "relorm_drop_relation": ["'author'", "'nothing'"],
    "relorm_has_many": ["'author'", "'books2'", "'book'", "ARRAY['author_id']", "ARRAY['id']", "'{}'::jsonb"],
    "relorm_belongs_to": ["'book'", "'author2'", "'author'", "ARRAY['author_id']", "ARRAY['id']", "'{}'::jsonb"],
    "relorm_many_to_many": ["'book'", "'tags2'", "'tag'", "'book_tags'", "ARRAY['book_id']", "ARRAY['tag_id']", "'{}'::jsonb"],
}
for fn, args in calls.items():
    for i in range(len(args)):
        a = list(args)
        a[i] = "NULL"
        add("null arg", f"SELECT {fn}({', '.join(a)})")

# ---- query jsonb of every shape -------------------------------------------
shapes = [
    "null", "1", '"s"', "[]", "[1]", "true", '{"select": 1}', '{"select": []}',
    '{"select": [1]}', '{"select": [null]}', '{"select": [{}]}', '{"select": [[]]}',
    '{"select": [{"books": 1}]}', '{"select": [{"books": null}]}', '{"select": [{"books": false}]}',
    '{"select": [{"books": {"bogus": 1}}]}', '{"select": [{"x": {"relation": 1}}]}',
    '{"select": [{"x": {"relation": "books", "count": true, "sum": "pages"}}]}',
    '{"select": [{"x": {"relation": "books", "sum": 1}}]}',
    '{"select": [{"x": {"relation": "books", "min": "nope"}}]}',
    '{"select": [{"x": {"relation": "books", "string_agg": ["title"]}}]}',
    '{"select": [{"x": {"chain": ""}}]}', '{"select": [{"x": {"chain": "books..tags"}}]}',
    '{"select": ["nope"]}', '{"select": [""]}', '{"select": ["id.id"]}', '{"select": ["*", "*"]}',
    '{"where": []}', '{"where": 1}', '{"where": {"id": {"zz": 1}}}', '{"where": {"id": {"in": 1}}}',
    '{"where": {"id": {"in": [1, "x"]}}}', '{"where": {"id": {"between": [1]}}}',
    '{"where": {"id": {"between": [1, 2, 3]}}}', '{"where": {"id": {"eq": [1]}}}',
    '{"where": {"id": {"eq": {"a": 1}}}}', '{"where": {"id": "abc"}}', '{"where": {"id": 1.5}}',
    '{"where": {"id": 99999999999}}', '{"where": {"name": {"like": 1}}}',
    '{"where": {"name": {"is_null": "yes"}}}', '{"where": {"id": {"lt": null}}}',
    '{"where": {"books": 1}}', '{"where": {"books": {"some": 1}}}', '{"where": {"books": {"exists": 1}}}',
    '{"where": {"books": {"some": {}, "none": {}}}}', '{"where": {"not": []}}', '{"where": {"and": {}}}',
    '{"where": {"or": [1]}}', '{"where": {"or": []}}', '{"where": {"books.nope": 1}}',
    '{"where": {"nope.id": 1}}', '{"where": {"": 1}}', '{"where": {"books.title": {"eq": [1]}}}',
    '{"order": 1}', '{"order": ["-"]}', '{"order": [""]}', '{"order": [{"id": "sideways"}]}',
    '{"order": [{"id": "asc", "name": "desc"}]}', '{"order": [1]}', '{"order": ["books"]}',
    '{"order": ["books.title"]}', '{"limit": -1}', '{"limit": 1.5}', '{"limit": "1"}',
    '{"limit": 1e400}', '{"limit": -1e400}', '{"offset": true}', '{"offset": []}',
    '{"after": 1}', '{"after": "garbage"}', '{"cursor": 1}', '{"unknown": 1}',
    '{"select": ["id"], "select": ["name"]}',
]
for sh in shapes:
    add("query shape", f"SELECT relorm_select('author', $j${sh}$j$::jsonb)")
for sh in shapes[:30]:
    add("query shape", f"SELECT relorm_query_related('author', 'books', 1, $j${sh}$j$::jsonb)")
for sh in ['1', '[]', '{"id": {"zz": 1}}', '{"books": 1}', '{"title": {"in": "x"}}', '{"tags": {"every": []}}', 'null']:
    add("filter shape", f"SELECT relorm_count_related('author', 'books', 1, $j${sh}$j$::jsonb)")
    add("filter shape", f"SELECT relorm_where_exists('author', 'books', $j${sh}$j$::jsonb)")
for sh in ['1', '{"of": {}}', '{"of": [[1]]}', '{"of": null}', '{"of": [null]}', '{"of": "x"}', '{"of": [1], "join": true}']:
    add("chain shape", f"SELECT relorm_chain('author', 'books.tags', $j${sh}$j$::jsonb)")
for sh in ['{"select": [{"tags": true}]}', '{"select": ["books.nope"]}', '{"select": ["nope.id"]}', '1', '{"where": {"books.x": 1}}']:
    add("join shape", f"SELECT relorm_join('author', 'books', $j${sh}$j$::jsonb)")
for sh in ['1', '[]', '{"note": [1]}', '{"nope": 1}', '{}', '{"book_id": 5}']:
    add("pivot shape", f"SELECT relorm_attach('book', 'tags', 1, ARRAY[2], $j${sh}$j$::jsonb)")
    add("pivot shape", f"SELECT relorm_update_pivot('book', 'tags', 1, 1, $j${sh}$j$::jsonb)")
for sh in ['{"1": {"note": "a"}, "x": {}}', '{"1": {"nope": 1}}', '{"1": 5}', '{"1": {"note": [1]}}', '{"99": {}}']:
    add("pivot map", f"SELECT relorm_sync('book', 'tags', 1, $j${sh}$j$::jsonb)")
for sh in ['1', '[]', '{"eager": "yes"}', '{"bogus": 1}', '{"inverse": 1}', '{"order": 5}', '{"pivot": ["nope"]}']:
    add("options", f"SELECT relorm_many_to_many('book', 'tags_o', 'tag', 'book_tags', options => $j${sh}$j$::jsonb)")

# ---- wrong key types --------------------------------------------------------
keys = ["'abc'", "1.5", "true", "'{}'::jsonb", "'[[1]]'::jsonb", "'{\"x\": 1}'::jsonb",
        "ARRAY[[1, 2], [3, 4]]", "ARRAY[NULL]::int[]", "ROW(1, 2)", "now()", "'1e400'::numeric",
        "(2^40)::bigint", "point(1, 2)", "'NaN'::float8", "'-0'::numeric", "'[1, null]'::jsonb",
        "'\"\"'::jsonb", "''", "'{\"id\": null}'::jsonb", "'{\"id\": [1]}'::jsonb", "ARRAY[]::int[]",
        "'{}'::int[]", "B'101'", "'1'::money", "'01:00'::interval"]
for k in keys:
    add("owner type", f"SELECT relorm_load_many('author', 'books', {k})")
    add("target type", f"SELECT relorm_add('author', 'books', 1, {k})")
for k in keys[:10]:
    add("target type", f"SELECT relorm_attach('book', 'tags', 1, {k})")

# ---- half composite keys (post (a, b) has many comments) --------------------
for k in ["1", "'{\"a\": 1}'::jsonb", "'[1, 2]'::jsonb", "ROW(1)", "'{\"a\": 1, \"b\": null}'::jsonb",
          "'{\"a\": \"x\", \"b\": 1}'::jsonb", "'{\"b\": 1}'::jsonb", "'(1,1)'", "ARRAY[1, 1]",
          "'{\"a\": 1, \"b\": 1, \"c\": 9}'::jsonb", "'[{\"a\": 1}]'::jsonb", "ROW(1, NULL)"]:
    add("half key", f"SELECT relorm_count_related('post', 'comments', {k})")

# ---- huge arrays, deep and wide queries, long chains -------------------------
add("huge", "SELECT relorm_add('author', 'books', 1, ARRAY(SELECT generate_series(1000, 101000)))")
add("huge", "SELECT relorm_count_related('author', 'books', 1, jsonb_build_object('id', jsonb_build_object('in', (SELECT jsonb_agg(g) FROM generate_series(1, 100000) g))))")
add("huge", "SELECT relorm_remove('author', 'books', 1, (SELECT jsonb_agg(g) FROM generate_series(1, 100000) g))")
add("huge", "SELECT relorm_detach('book', 'tags', 1, ARRAY(SELECT generate_series(1, 50000)))")
add("huge", "SELECT relorm_select('author', jsonb_build_object('where', (SELECT jsonb_object_agg('id', g) FROM generate_series(1, 70000) g)))")
add("huge", "SELECT relorm_select('author', jsonb_build_object('where', jsonb_build_object('or', (SELECT jsonb_agg(jsonb_build_object('id', g)) FROM generate_series(1, 70000) g))))")
add("deep", "SELECT relorm_select('author', (SELECT string_agg('{\"select\": [{\"books\": {\"select\": [{\"author\": ', '') || '{}' || repeat('}]}}]}', 20) FROM generate_series(1, 20))::jsonb)")
add("deep", "SELECT relorm_select('author', ('{\"where\": ' || repeat('{\"not\": ', 200) || '{\"id\": 1}' || repeat('}', 201))::jsonb)")
add("deep", "SELECT relorm_select('author', ('{\"where\": ' || repeat('{\"books\": {\"some\": {\"author\": {\"some\": ', 40) || '{}' || repeat('}}}}', 40) || '}')::jsonb)")
add("deep", "SELECT relorm_select('author', ('{\"where\": ' || repeat('{\"and\": [', 3000) || '{}' || repeat(']}', 3000) || '}')::jsonb)")
add("wide", "SELECT relorm_select('author', (SELECT jsonb_build_object('select', jsonb_agg(jsonb_build_object('c' || g, jsonb_build_object('relation', 'books', 'count', true)))) FROM generate_series(1, 2000) g))")
add("wide", "SELECT relorm_select('author', (SELECT jsonb_build_object('select', jsonb_agg(jsonb_build_object('c' || g, jsonb_build_object('relation', 'books', 'count', true)))) FROM generate_series(1, 1600) g))")
add("wide", "SELECT relorm_select('author', (SELECT jsonb_build_object('select', jsonb_agg(jsonb_build_object('c' || g, jsonb_build_object('relation', 'books', 'select', jsonb_build_array('id'))))) FROM generate_series(1, 300) g))")
add("wide", "SELECT relorm_select('author', (SELECT jsonb_build_object('select', jsonb_agg('id'::text)) FROM generate_series(1, 3) g))")
add("wide", "SELECT relorm_select('author', (SELECT jsonb_build_object('order', jsonb_agg('id'::text)) FROM generate_series(1, 5000) g))")
add("chain", "SELECT relorm_chain('author', repeat('books.author.', 2000) || 'books')")
add("chain", "SELECT relorm_chain('author', repeat('books.author.', 16) || 'books')")
for p in ["''", "'.'", "'books.'", "'.books'", "'books..tags'", "'nope'", "'books.nope'", "'name'",
          "'books.title'", "' books'", "'books .tags'", "repeat('x', 10000)", "'books.tags.books.tags.books.author'"]:
    add("chain path", f"SELECT relorm_chain('author', {p})")

# ---- names with quotes and dots --------------------------------------------
for n in ["'bo\"oks'", "'a.b'", "''", "repeat('x', 100)", "'books '", "'BOOKS'", "'\"books\"'",
          "'books; DROP TABLE book'", "E'bo\\\\oks'", "'books' || chr(0 + 1)"]:
    add("names", f"SELECT relorm_add('author', {n}, 1, ARRAY[1])")
    add("names", f"SELECT relorm_has_many('author', {n}, 'book')")
for c in ['"id\\""', '"a.b.c"', '"\\"id\\""', '"books.\\"title"', '"ID"', '" id"']:
    add("column names", f"SELECT relorm_select('author', $j${{\"select\": [{c}]}}$j$::jsonb)")
for t in ["'\"we\"\"ird\"'", "'public.nope'", "'nope.book'", "'pg_class'", "'a_view'", "'author_seq'"]:
    add("table names", f"SELECT relorm_select({t}, '{{\"limit\": 1}}')")
    add("table names", f"SELECT relorm_has_many({t}, 'x', 'book')")

# ---- registration ------------------------------------------------------------
for sql in [
    "SELECT relorm_has_many('author', 'books', 'book')",
    "SELECT relorm_has_many('author', 'name', 'book')",
    "SELECT relorm_has_many('author', 'books3', 'book', ARRAY['nope'])",
    "SELECT relorm_has_many('author', 'books3', 'book', ARRAY['author_id', 'id'])",
    "SELECT relorm_has_many('author', 'books3', 'book', ARRAY[]::text[])",
    "SELECT relorm_has_many('author', 'books3', 'book', ARRAY[NULL])",
    "SELECT relorm_belongs_to('book', 'tagx', 'tag')",
    "SELECT relorm_many_to_many('book', 'tags3', 'tag', 'author')",
    "SELECT relorm_many_to_many('book', 'tags3', 'tag', 'book')",
    "SELECT relorm_many_to_many('book', 'tags3', 'tag', 'book_tags', ARRAY['tag_id'], ARRAY['tag_id'])",
    "SELECT relorm_drop_relation('author', 'nope')",
    "SELECT relorm_drop_relation('author', '')",
]:
    add("register", sql)

# ---- wrong kinds -------------------------------------------------------------
for sql in [
    "SELECT relorm_add('book', 'author', 1, 1)", "SELECT relorm_remove('book', 'author', 1, 1)",
    "SELECT relorm_load_one('author', 'books', 1)", "SELECT relorm_load_many('book', 'author', 1)",
    "SELECT relorm_attach('author', 'books', 1, 1)", "SELECT relorm_associate('book', 'tags', 1, 1)",
    "SELECT relorm_update_pivot('author', 'books', 1, 1, '{\"x\": 1}')",
    "SELECT relorm_set('book', 'author', ARRAY[1, 2], 1)", "SELECT relorm_set('book', 'author', 1, ARRAY[1, 2])",
    "SELECT relorm_load_one('author', 'profile', ARRAY[1, 2])",
]:
    add("kind", sql)

# ---- a has_one whose target has no primary key (profile: a unique foreign
# key only); relorm_load_one used to crash on it -----------------------------
for sql in [
    "SELECT relorm_load_one('author', 'profile', 1)",
    "SELECT relorm_load_one('author', 'profile', 2)",
    "SELECT relorm_load_one(NULL::profile, 'author', 'profile', 1)",
    "SELECT relorm_relation_ids('author', 'profile', 1)",
    "SELECT relorm_query_related('author', 'profile', 1)",
    "SELECT relorm_count_related('author', 'profile', 1)",
    "SELECT relorm_select('author', '{\"select\": [{\"profile\": true}]}')",
    "SELECT relorm_set('author', 'profile', 2, 1)",
    # unsetting used to crash too (the fuzzer found it)
    "SELECT relorm_set('author', 'profile', 1, NULL::int)",
    "SELECT relorm_set('author', 'profile', 99, NULL::int)",
    "SELECT relorm_load_one('author', 'profile', 1)",
]:
    add("no key", sql)

# ---- tables dropped, renamed, retyped mid-session ---------------------------
for sql in [
    "SELECT relorm_count_related('author', 'books', 1)",
    "ALTER TABLE book RENAME TO volume",
    "SELECT relorm_count_related('author', 'books', 1)",
    "SELECT relorm_add('author', 'books', 1, ARRAY[2])",
    "ALTER TABLE volume RENAME TO book",
    "ALTER TABLE book RENAME COLUMN title TO heading",
    "SELECT relorm_select('author', '{\"select\": [{\"books\": {\"select\": [\"title\"]}}]}')",
    "SELECT relorm_select('author', '{\"select\": [{\"books\": {\"select\": [\"heading\"]}}]}')",
    "ALTER TABLE book RENAME COLUMN heading TO title",
    "ALTER TABLE book RENAME COLUMN author_id TO writer_id",
    "SELECT relorm_add('author', 'books', 1, ARRAY[2])",
    "ALTER TABLE book RENAME COLUMN writer_id TO author_id",
    "ALTER TABLE book ALTER COLUMN pages TYPE bigint",
    "SELECT relorm_select('author', '{\"select\": [{\"s\": {\"relation\": \"books\", \"sum\": \"pages\"}}], \"where\": {\"books\": {\"some\": {\"pages\": 5000000000}}}}')",
    "ALTER TABLE book ALTER COLUMN pages TYPE text",
    "SELECT relorm_select('author', '{\"select\": [{\"s\": {\"relation\": \"books\", \"sum\": \"pages\"}}]}')",
    "ALTER TABLE book ALTER COLUMN pages TYPE int USING pages::int",
    "ALTER TABLE tag RENAME TO label",
    "SELECT relorm_attach('book', 'tags', 1, ARRAY[3])",
    "ALTER TABLE label RENAME TO tag",
    "DROP TABLE extra",
    "SELECT relorm_count_related('author', 'extras', 1)",
    "SELECT relorm_select('author', '{\"select\": [{\"extras\": true}]}')",
    "ALTER TABLE post DROP COLUMN b CASCADE",
    "SELECT relorm_count_related('post', 'comments', '{\"a\": 1, \"b\": 1}'::jsonb)",
    "SELECT relorm_select('post', '{\"select\": [{\"comments\": true}]}')",
    "ALTER TABLE author DROP CONSTRAINT author_pkey CASCADE",
    "SELECT relorm_count_related('author', 'books', 1)",
    "SELECT relorm_add('author', 'books', 1, ARRAY[2])",
    "ALTER TABLE author ADD PRIMARY KEY (id)",
    "SELECT relorm_count_related('author', 'books', 1)",
]:
    add("ddl", sql)

print("""-- Hardening, issue 12: the bad-input catalogue.  Malformed and hostile
-- calls of every relorm function, each run in its own subtransaction by
-- bi(), which shows "ok" and the rows it returned, or the SQLSTATE it
-- raised (SPEC §7): none may crash the server, raise an internal error
-- (XX000) or run away.  Generated by test/fuzz/gen_bad_input.py; the
-- expected output was reviewed case by case.  Where SPEC is silent the
-- SQLSTATE shown is the chosen one (see README, Errors).
\\set SHOW_CONTEXT never
\\set e '\\\\echo SQLSTATE :LAST_ERROR_SQLSTATE'
CREATE SCHEMA bad;
SET search_path = bad, public;
SET client_min_messages = warning;
SET statement_timeout = '60s';
CREATE TABLE author (id int PRIMARY KEY, name text);
CREATE TABLE book (id int PRIMARY KEY, author_id int REFERENCES author, title text, pages int);
CREATE TABLE tag (id int PRIMARY KEY, label text);
CREATE TABLE book_tags (book_id int REFERENCES book, tag_id int REFERENCES tag,
                        note text DEFAULT 'n', PRIMARY KEY (book_id, tag_id));
CREATE TABLE profile (author_id int UNIQUE REFERENCES author, bio text);
CREATE TABLE extra (id int PRIMARY KEY, author_id int REFERENCES author);
CREATE TABLE post (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE comment (id int PRIMARY KEY, post_a int, post_b int,
                      FOREIGN KEY (post_a, post_b) REFERENCES post);
CREATE VIEW a_view AS SELECT * FROM author;
CREATE SEQUENCE author_seq;
INSERT INTO author VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO profile VALUES (1, 'bio');
INSERT INTO book SELECT g, 1 + g % 2, 'b' || g, g * 10 FROM generate_series(1, 10) g;
INSERT INTO tag SELECT g, 't' || g FROM generate_series(1, 5) g;
INSERT INTO book_tags VALUES (1, 1, 'x');
INSERT INTO post VALUES (1, 1), (1, 2);
INSERT INTO comment VALUES (1, 1, 1), (2, 1, 2);
SELECT relorm_has_many('author', 'books', 'book');
SELECT relorm_belongs_to('book', 'author', 'author');
SELECT relorm_many_to_many('book', 'tags', 'tag', 'book_tags', options => '{"pivot": ["note"]}');
SELECT relorm_has_one('author', 'profile', 'profile');
SELECT relorm_has_many('author', 'extras', 'extra');
SELECT relorm_has_many('post', 'comments', 'comment');

-- bi(sql): "ok <rows>" or the SQLSTATE the statement raised
CREATE FUNCTION bi(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE sql;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN 'ok ' || n;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;

CREATE TABLE cases (n int PRIMARY KEY, category text, sql text);
INSERT INTO cases VALUES""")
vals = []
for i, (cat, sql) in enumerate(cases, 1):
    q = "$c$" + sql + "$c$"
    assert "$c$" not in sql
    vals.append(f"({i}, '{cat}', {q})")
print(",\n".join(vals) + ";")
print("""
-- every case, in order (bi is volatile: it runs after the sort)
SELECT n, category, left(regexp_replace(sql, '\\s+', ' ', 'g'), 110) AS call, bi(sql) AS result
FROM cases ORDER BY n;
-- no case raised an internal error
SELECT count(*) AS cases FROM cases;

-- calls from a trigger: relorm runs inside another statement
CREATE TABLE event (id int PRIMARY KEY, book int);
CREATE FUNCTION on_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM relorm_add('author', 'books', 2, ARRAY[NEW.book]);
    PERFORM relorm_attach('book', 'tags', NEW.book, ARRAY[2]);
    RETURN NEW;
END $$;
CREATE TRIGGER event_links AFTER INSERT ON event FOR EACH ROW EXECUTE FUNCTION on_event();
INSERT INTO event VALUES (1, 3), (2, 5);
SELECT id, author_id FROM book WHERE id IN (3, 5) ORDER BY id;
SELECT book_id, tag_id FROM book_tags WHERE book_id IN (3, 5) ORDER BY 1, 2;
-- a trigger whose call fails (target 999 names no row): the insert fails
INSERT INTO event VALUES (3, 999);
:e
-- a trigger on a table relorm writes, calling relorm on the same table
CREATE FUNCTION on_book() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM relorm_count_related('author', 'books', 1);
    RETURN NEW;
END $$;
CREATE TRIGGER book_reads BEFORE UPDATE ON book FOR EACH ROW EXECUTE FUNCTION on_book();
SELECT relorm_add('author', 'books', 1, ARRAY[3, 5]);
DROP TRIGGER book_reads ON book;

-- calls in an aborted transaction and after a rollback to a savepoint
BEGIN;
SAVEPOINT s;
SELECT 1 / 0;
:e
SELECT relorm_add('author', 'books', 1, ARRAY[7]);
:e
ROLLBACK TO s;
SELECT relorm_add('author', 'books', 1, ARRAY[7]);
SAVEPOINT t;
SELECT relorm_add('author', 'books', 1, ARRAY[999]);
:e
ROLLBACK TO t;
SELECT relorm_count_related('author', 'books', 1);
COMMIT;
-- writes in a read-only transaction: 25006; reads work
BEGIN READ ONLY;
SELECT relorm_add('author', 'books', 1, ARRAY[6]);
:e
ROLLBACK;
BEGIN READ ONLY;
SELECT relorm_count_related('author', 'books', 1);
ROLLBACK;

RESET statement_timeout;
DROP SCHEMA bad CASCADE;""")
