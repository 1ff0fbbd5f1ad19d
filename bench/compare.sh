#!/usr/bin/env bash
#
# bench/compare.sh REV: the benchmarks on a build of git revision REV and on
# the current build, side by side (bench/compare.py). What
# `make bench-compare BASE=REV` runs, inside `test/harness.sh run`: the
# harness has built and installed the current tree and started its server
# (PGHOST/PGPORT). This script
#   1. copies the PostgreSQL installation (bin, lib, share, server headers)
#      into a temp dir: PostgreSQL finds its files relative to its binaries,
#      so the copy is a second installation;
#   2. builds REV (git archive) against the copy and installs it there;
#   3. starts a server from the copy, with the settings of the harness's;
#   4. runs bench/compare.py, then stops that server and removes the copy.
#
# Needs to write the copy as the user who can run `make install` (root or
# sudo, as the harness) and runs the server as the owner of $PGHOST.

set -euo pipefail

REV="${1:?usage: bench/compare.sh REV}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${PGHOST:?run this through test/harness.sh run (make bench-compare)}"
: "${PGPORT:?run this through test/harness.sh run (make bench-compare)}"
PG_CONFIG="${PG_CONFIG:-$(command -v pg_config)}"

log() { printf "==> %s\n" "$*"; }
die() { printf 'compare: error: %s\n' "$*" >&2; exit 1; }

SHA="$(git -C "$ROOT" rev-parse --short "$REV^{commit}")" \
    || die "not a git revision: $REV"
OWNER="$(stat -c %U "$PGHOST")"          # who runs the harness's server
as_owner() {
    if [ "$(id -un)" = "$OWNER" ]; then
        "$@"
    else
        runuser -u "$OWNER" -- "$@"
    fi
}

# The temp dir sits beside the harness's (which its owner can enter).
WORK="$(mktemp -d "$(dirname "$PGHOST")/relorm-compare.XXXXXX")"
chown "$OWNER:" "$WORK"              # its server's socket goes here
BASE_DATA="$WORK/data"
STARTED=0
cleanup() {
    if [ "$STARTED" = 1 ]; then
        as_owner "$BASE_BIN/pg_ctl" -D "$BASE_DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# 1. A second installation: the same directories under $WORK/pg.
PREFIX="$WORK/pg"
for d in "$("$PG_CONFIG" --bindir)/.." "$("$PG_CONFIG" --sharedir)" \
         "$("$PG_CONFIG" --includedir-server)/../.."; do
    d="$(cd "$d" && pwd)"
    mkdir -p "$PREFIX$(dirname "$d")"
    cp -a "$d" "$PREFIX$d"
done
BASE_CONFIG="$PREFIX$PG_CONFIG"
BASE_BIN="$("$BASE_CONFIG" --bindir)"
case "$BASE_BIN" in
    "$PREFIX"/*) ;;
    *) die "the copy's pg_config points outside the copy ($BASE_BIN): not relocatable" ;;
esac
# the current build is installed in the original: remove it from the copy
rm -f "$("$BASE_CONFIG" --pkglibdir)"/relorm.so "$("$BASE_CONFIG" --sharedir)"/extension/relorm*

# 2. The baseline build.
log "building relorm $SHA against $PREFIX"
mkdir "$WORK/src"
git -C "$ROOT" archive "$SHA" | tar -x -C "$WORK/src"
make -s -C "$WORK/src" PG_CONFIG="$BASE_CONFIG" install >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; die "building $SHA failed"; }

# 3. Its server, configured as the harness's.
log "starting the $SHA server"
as_owner "$BASE_BIN/initdb" -D "$BASE_DATA" -A trust -E UTF8 --no-locale -U postgres \
    >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
{
    echo "# added by bench/compare.sh"
    cat "$ROOT/test/temp.conf" "$ROOT/test/pgss.conf"
    echo "unix_socket_directories = '$WORK'"
    echo "port = $((PGPORT + 100))"
} | as_owner tee -a "$BASE_DATA/postgresql.conf" >/dev/null
as_owner "$BASE_BIN/pg_ctl" -D "$BASE_DATA" -l "$WORK/server.log" -w -t 60 start >/dev/null \
    || { cat "$WORK/server.log" >&2; die "the $SHA server did not start"; }
STARTED=1

# 4. Side by side.
BASE_PGHOST="$WORK" BASE_PGPORT=$((PGPORT + 100)) BASE_NAME="$SHA" \
    python3 "$ROOT/bench/compare.py"
