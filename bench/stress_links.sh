#!/usr/bin/env bash
#
# bench/stress_links.sh: concurrent link writes (issue 12 item 4), to show
# that they never deadlock and never link a pair twice.
#
# Clients run relorm_add / relorm_remove / relorm_set on has_many and
# many_to_many relations, each call naming several random targets in random
# order, on few owners and targets so that calls collide all the time.
# pgbench counts deadlocks (--failures-detailed, --max-tries=1: a deadlock
# fails its transaction and is counted, nothing retries it).  At the end
# the junction is checked for pairs linked twice.
#
# Usage (on the harness's throwaway server):
#   test/harness.sh run bench/stress_links.sh
# Settings: STRESS_SECONDS (default 60), STRESS_CLIENTS (default 6),
#   STRESS_DB (default relorm_stress; created, and dropped at the end).
# Exits non-zero on any deadlock, any other failure or a duplicate pair.

set -euo pipefail

SECONDS_RUN="${STRESS_SECONDS:-60}"
CLIENTS="${STRESS_CLIENTS:-6}"
DB="${STRESS_DB:-relorm_stress}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"

dropdb --if-exists "$DB" >/dev/null
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
CREATE EXTENSION relorm;
CREATE TABLE author (id int PRIMARY KEY);
CREATE TABLE book (id int PRIMARY KEY, author_id int REFERENCES author);
CREATE TABLE tag (id int PRIMARY KEY);
CREATE TABLE author_tag (author_id int REFERENCES author, tag_id int REFERENCES tag,
                         PRIMARY KEY (author_id, tag_id));
INSERT INTO author SELECT generate_series(1, 8);
INSERT INTO book SELECT g, 1 + g % 8 FROM generate_series(1, 40) g;
INSERT INTO tag SELECT generate_series(1, 40);
SELECT relorm_has_many('author', 'books', 'book');
SELECT relorm_many_to_many('author', 'tags', 'tag', 'author_tag');
SQL

# each script: one call naming 4 random targets (maybe repeated), in
# random order, for a random owner
targets='ARRAY[:x1, :x2, :x3, :x4]::int[]'
head='\set a random(1, 8)
\set x1 random(1, 40)
\set x2 random(1, 40)
\set x3 random(1, 40)
\set x4 random(1, 40)'
for op in add remove set; do
    for rel in books tags; do
        printf '%s\nSELECT relorm_%s('"'"'author'"'"', '"'"'%s'"'"', :a::int, %s);\n' \
            "$head" "$op" "$rel" "$targets" >"$TMP/${op}_${rel}.sql"
    done
done

echo "stress_links: $CLIENTS clients, ${SECONDS_RUN}s, has_many and many_to_many add/remove/set"
pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_RUN" -M prepared \
    --max-tries=1 --failures-detailed --verbose-errors \
    -f "$TMP/add_books.sql@3" -f "$TMP/remove_books.sql@2" -f "$TMP/set_books.sql@1" \
    -f "$TMP/add_tags.sql@3" -f "$TMP/remove_tags.sql@2" -f "$TMP/set_tags.sql@1" "$DB" \
    >"$TMP/pgbench.out" 2>&1 || true
grep -E "^(number of|latency average|tps)" "$TMP/pgbench.out" || true
grep -E "deadlock|error" "$TMP/pgbench.out" | sort | uniq -c | sort -rn | head -20 || true

processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$TMP/pgbench.out")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$TMP/pgbench.out")
deadlocks=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$TMP/pgbench.out")
aborted=$(grep -c "client [0-9]* aborted" "$TMP/pgbench.out" || true)
dups=$(psql -X -A -t -d "$DB" -c \
    "SELECT count(*) FROM (SELECT author_id, tag_id FROM author_tag GROUP BY 1, 2 HAVING count(*) > 1) d")
links=$(psql -X -A -t -d "$DB" -c "SELECT count(*) FROM author_tag")
dropdb "$DB"

echo "stress_links result: transactions=${processed:-?} failed=${failed:-?} deadlocks=${deadlocks:-?} aborted_clients=$aborted duplicate_pairs=$dups (junction rows at the end: $links)"
[ -n "$processed" ] && [ "${failed:-1}" = 0 ] && [ "${deadlocks:-1}" = 0 ] && [ "$aborted" = 0 ] && [ "$dups" = 0 ]
