#!/usr/bin/env bash
#
# Registrations survive pg_dump and restore (SPEC §2), even when the
# restored tables number their columns differently: columns dropped before
# the dump leave gaps in the attribute numbers that a restore closes, and a
# column renamed after registration must be found under its new name.
#
# Run by test/harness.sh (suite "dump") against its throwaway server; uses
# PGHOST/PGPORT/PGUSER from the environment.  Exits non-zero on failure.

set -euo pipefail

SRC=relorm_dump_src
DST=relorm_dump_dst
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

dropdb --if-exists "$SRC"; dropdb --if-exists "$DST"
createdb "$SRC"; createdb "$DST"

psql_q -d "$SRC" <<'SQL'
CREATE EXTENSION relorm;
CREATE TABLE author (id int PRIMARY KEY, junk int, code text UNIQUE);
ALTER TABLE author DROP COLUMN junk;
CREATE TABLE book (id int PRIMARY KEY, junk1 int, junk2 int, title text,
                   author_code text REFERENCES author (code));
ALTER TABLE book DROP COLUMN junk1, DROP COLUMN junk2;
CREATE TABLE tag (id int PRIMARY KEY, name text);
CREATE TABLE book_tags (junk int, book_id int REFERENCES book, tag_id int REFERENCES tag,
                        PRIMARY KEY (book_id, tag_id));
ALTER TABLE book_tags DROP COLUMN junk;
INSERT INTO author VALUES (1, 'asimov'), (2, 'clarke');
INSERT INTO book (id, title) VALUES (10, 'Foundation'), (11, 'Rama');
INSERT INTO tag VALUES (1, 'sci-fi'), (2, 'classic');
SELECT relorm_has_many('author', 'books', 'book', options => '{"inverse": "author"}');
SELECT relorm_many_to_many('book', 'tags', 'tag');
SELECT relorm_add('author', 'books', 1, 10), relorm_add('author', 'books', 2, 11);
SELECT relorm_attach('book', 'tags', 10, ARRAY[1, 2]);
-- renamed after registration: found by its new name after the restore
ALTER TABLE book RENAME COLUMN author_code TO written_by;
SQL

pg_dump "$SRC" | psql_q -d "$DST" >/dev/null

# The same questions asked of both databases must get the same answers.
checks=$(cat <<'SQL'
SELECT source, name, kind, target, junction, source_columns, target_columns,
       junction_source_columns, junction_target_columns, options
  FROM relorm_relations ORDER BY source::text, name;
SELECT relorm_load_many('author', 'books', 1);
SELECT relorm_load_one('book', 'author', 11);
SELECT relorm_relation_ids('book', 'tags', 10);
SELECT relorm_sync('book', 'tags', 11, ARRAY[2]);
SELECT relorm_set('book', 'author', 11, 1);
SELECT relorm_load_many('author', 'books', 1);
SQL
)
src_out=$(psql_q -d "$SRC" -c "BEGIN" -c "$checks" -c "ROLLBACK" 2>&1)
dst_out=$(psql_q -d "$DST" -c "BEGIN" -c "$checks" -c "ROLLBACK" 2>&1)
echo "$dst_out"

attnum_query="SELECT attnum FROM pg_attribute WHERE attrelid = 'book'::regclass AND attname = 'written_by'"
src_attnum=$(psql_q -At -d "$SRC" -c "$attnum_query")
dst_attnum=$(psql_q -At -d "$DST" -c "$attnum_query")

status=0
if [ "$src_attnum" = "$dst_attnum" ]; then
    echo "FAIL: the restore did not renumber book.written_by ($src_attnum); the test shows nothing" >&2
    status=1
fi
if [ "$src_out" != "$dst_out" ]; then
    echo "FAIL: the restored database answers differently:" >&2
    diff <(echo "$src_out") <(echo "$dst_out") >&2 || true
    status=1
fi
if ! grep -q '"written_by":"asimov"' <<<"$dst_out"; then
    echo "FAIL: the restored relation does not load through book.written_by" >&2
    status=1
fi
[ $status -eq 0 ] && echo "dump/restore: relations survive (book.written_by is attnum $src_attnum before, $dst_attnum after)"

dropdb "$SRC"; dropdb "$DST"
exit $status
