#!/usr/bin/env bash
#
# bench/stress_pivot_memory.sh: the memory a pivot map costs (issue 12
# item 6).  relorm_sync / relorm_attach of N targets given as a
# {"key": {fields}} map, and the same N targets as a plain list, each in a
# fresh backend whose private memory (RssAnon, from /proc, sampled every
# 5 ms; the server must run on this machine and /proc be readable) is
# watched; prints the peak growth and the cost per entry of the map over
# the plain list.
#
# Usage (on the harness's throwaway server):
#   test/harness.sh run bench/stress_pivot_memory.sh
# Settings: PIVOT_N (default 200000), PIVOT_MAX_BYTES (default 400: the
# most a map entry may cost over a list entry), STRESS_DB (default
# relorm_pivot_mem; created and dropped).  Exits non-zero past the limit.

set -euo pipefail
N="${PIVOT_N:-200000}"
MAX="${PIVOT_MAX_BYTES:-400}"
DB="${STRESS_DB:-relorm_pivot_mem}"
SAMPLES="$(mktemp)"
trap 'rm -f "$SAMPLES"' EXIT

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<SQL
CREATE EXTENSION relorm;
CREATE TABLE post (id int PRIMARY KEY);
CREATE TABLE tag (id int PRIMARY KEY);
CREATE TABLE post_tags (post_id int REFERENCES post, tag_id int REFERENCES tag, note text,
                        PRIMARY KEY (post_id, tag_id));
INSERT INTO post VALUES (1);
INSERT INTO tag SELECT generate_series(1, $N);
SELECT relorm_many_to_many('post', 'tags', 'tag', 'post_tags', options => '{"pivot": ["note"]}');
CREATE TABLE pm AS SELECT jsonb_object_agg(g::text, jsonb_build_object('note', 'n' || g)) AS m,
                          jsonb_agg(g) AS l FROM generate_series(1, $N) g;
SQL

# peak KB: the peak private memory growth of a fresh backend running $1
# (rolled back, so that every run starts from the same data)
peak_kb() {
    local pid base peak line
    coproc P { psql -X -q -At -d "$DB"; }
    echo "SELECT pg_backend_pid(); SELECT count(*) FROM pm;" >&"${P[1]}"
    read -r pid <&"${P[0]}"; read -r line <&"${P[0]}"
    base=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
    ( while a=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null); do
          echo "$a"; sleep 0.005; done ) >"$SAMPLES" &
    local sampler=$!
    echo "BEGIN; $1; ROLLBACK; SELECT 'done';" >&"${P[1]}"
    while read -r line <&"${P[0]}"; do [ "$line" = done ] && break; done
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    echo '\q' >&"${P[1]}"
    wait "$P_PID" 2>/dev/null || true
    peak=$(sort -n "$SAMPLES" | tail -1)
    echo $((peak - base))
}

fail=0
report() {   # name, map KB, list KB
    local per=$(( ($2 - $3) * 1024 / N ))
    printf '%-34s map %5d MB, list %5d MB: %4d bytes per map entry over a list entry\n' \
        "$1" $(($2 / 1024)) $(($3 / 1024)) "$per"
    [ "$per" -le "$MAX" ] || fail=1
}
echo "stress_pivot_memory: $N targets"
list=$(peak_kb "SELECT length(relorm_sync('post', 'tags', 1, (SELECT l FROM pm))::text)")
map=$(peak_kb "SELECT length(relorm_sync('post', 'tags', 1, (SELECT m FROM pm))::text)")
report "sync" "$map" "$list"
list=$(peak_kb "SELECT length(relorm_attach('post', 'tags', 1, (SELECT l FROM pm))::text)")
map=$(peak_kb "SELECT length(relorm_attach('post', 'tags', 1, (SELECT m FROM pm))::text)")
report "attach" "$map" "$list"
map=$(peak_kb "SELECT length(relorm_attach('post', 'tags', 1, (SELECT m FROM pm), '{\"note\": \"c\"}')::text)")
report "attach with common pivot fields" "$map" "$list"
dropdb "$DB"
[ "$fail" = 0 ] || { echo "stress_pivot_memory: past $MAX bytes per entry"; exit 1; }
