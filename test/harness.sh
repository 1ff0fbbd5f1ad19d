#!/usr/bin/env bash
#
# relorm test harness: install what is missing, build and install the
# extension, then either run the test suites as an unprivileged user (each
# suite starts and stops its own servers: pg_regress --temp-instance,
# PostgreSQL::Test::Cluster), or start a throwaway PostgreSQL 15 server, run
# something against it, and always stop the server and remove its files.
#
# Usage:
#   test/harness.sh test            run every test suite (what `make test` does)
#                                   (RELORM_SUITES="regress tap" runs only those)
#   test/harness.sh demo            run the commented walkthrough test/demo.sql
#   test/harness.sh bench           run the benchmarks (what `make bench` does):
#                                   bench/run.py writes bench/RESULTS.md and
#                                   bench/results/ (SCALE, BENCH_* settings:
#                                   see bench/run.py)
#   test/harness.sh run CMD [ARG…]  run CMD with PGHOST/PGPORT/PGUSER set, then stop
#   test/harness.sh shell [CMD…]    print the connection settings and wait for
#                                   Ctrl-C (with CMD: the same as `run`)
#
# Environment:
#   RELORM_ROOT        repository root to build and test (default: the parent
#                      of this script's directory)
#   PG_CONFIG, PGBIN   the PostgreSQL to build against, install into and test
#                      with (default /usr/lib/postgresql/15/bin and its
#                      pg_config; either one gives the other)
#   RELORM_SUITES      the suites `test` runs (default: all, see SUITES)
#   RELORM_PORT        first port to try for the server (default 54329; the
#                      next few are tried if it is taken)
#   RELORM_KEEP=1      leave the server running and its files in place at the
#                      end, and print how to connect to it and stop it (in
#                      `test` mode: keep the temp dir with the suites' output)
#   RELORM_SKIP_BUILD=1  do not build and install the extension
#   RELORM_PG_USER     user that runs the servers and the suites when this
#                      script runs as root (default: postgres if it exists,
#                      else relorm_pg, which is created as a system user if
#                      missing); the suites then run on a copy of the tree in
#                      the temp dir, which that user owns
#
# Works on Debian 12 as root, or as a normal user with sudo (needed only to
# install packages and to `make install`).

set -euo pipefail

# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${RELORM_ROOT:-$SCRIPT_DIR/..}" && pwd)"

PG_MAJOR=15
# PG_CONFIG or PGBIN from the environment choose another PostgreSQL 15 (such
# as a relocated copy); pg_config lives in the bin dir.
if [ -n "${PG_CONFIG:-}" ]; then
    PGBIN="${PGBIN:-$(dirname "$PG_CONFIG")}"
else
    PGBIN="${PGBIN:-/usr/lib/postgresql/$PG_MAJOR/bin}"
    PG_CONFIG="$PGBIN/pg_config"
fi
PGXS_MK=""          # set by ensure_packages from `pg_config --pgxs`

# Debian packages the harness needs; ensure_packages installs whatever of
# this list is not installed yet.
APT_PACKAGES=(
    "postgresql-$PG_MAJOR"
    "postgresql-server-dev-$PG_MAJOR"
    libipc-run-perl # the TAP tests (PostgreSQL::Test::Cluster)
    python3         # bench/run.py (standard library only), test/check_layers.py
    gnuplot-nox     # bench/run.py's plots
)

# Test suites run by `test` mode, in order; each name NAME is a function
# suite_NAME below that returns non-zero on failure. Adding a suite is one
# line here plus its function.
SUITES=(
    layers      # test/check_layers.py: src/ keeps its layers (make check-layers)
    regress     # REGRESS: test/sql vs test/expected, temp instance (make check-regress)
    pgss        # REGRESS_PGSS, temp instance with pg_stat_statements (make check-pgss)
    isolation   # test/isolation specs, temp instance (make check-isolation)
    tap         # test/t/*.pl, PostgreSQL::Test::Cluster (make check-tap)
    bench_smoke # bench/run.py with BENCH_SMOKE=1 on the harness's own server
    node        # test/node: relorm from node-postgres, on the harness's own server
    fuzz        # test/fuzz/fuzz.py: seeded random calls (FUZZ_CALLS, FUZZ_SECONDS; make fuzz)
)
if [ -n "${RELORM_SUITES:-}" ]; then
    read -r -a SUITES <<<"$RELORM_SUITES"
fi

FIRST_PORT="${RELORM_PORT:-54329}"
PORT_TRIES=10

# Settings of the harness's server, appended to postgresql.conf: the same
# files pg_regress's temp instances get (--temp-config), so that the one
# place for them is these files.
SERVER_CONF_FILES=(
    "$ROOT/test/temp.conf"      # durability off, Unix socket only
    "$ROOT/test/pgss.conf"      # pg_stat_statements (the benchmarks count statements)
)

# State filled in as we go; cleanup() looks at it.
WORKDIR=""          # temp dir: the server's data dir, socket and log, or
                    # the suites' copy of the tree
PGDATA_DIR=""
TREE=""             # the tree the suites run in (ROOT, or a copy when root)
TEST_LOCALE=C       # C.UTF-8 where there is one (set by choose_locale)
SERVER_STARTED=0
RUN_AS=""           # user that owns and runs the server ("" = ourselves)
WAIT_PID=""         # `shell` mode's background sleep

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

log() { printf "==> %s\n" "$*"; }
die() { printf 'harness: error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root: directly if we are root, else through sudo.
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*', but this is not root and sudo is not installed"
    fi
}

# Run a command as the server's user (PostgreSQL refuses to run as root).
# The working directory is the temp dir, which that user can always enter
# (the repository may live somewhere it cannot read, such as /root).
as_pg() {
    if [ -n "$RUN_AS" ]; then
        (cd "$WORKDIR" && runuser -u "$RUN_AS" -- "$@")
    else
        (cd "$WORKDIR" && "$@")
    fi
}

# Print a file under a banner, if it exists.
show_file() {
    local title="$1" file="$2"
    [ -f "$file" ] || return 0
    printf '\n----- %s (%s) -----\n' "$title" "$file"
    cat "$file"
    printf -- '----- end of %s -----\n\n' "$title"
}

# ---------------------------------------------------------------------------
# 1. Packages
# ---------------------------------------------------------------------------

ensure_packages() {
    local wanted=("${APT_PACKAGES[@]}") missing=() pkg status

    # Compilers come from elsewhere than PostgreSQL's packages.
    command -v make >/dev/null 2>&1 || wanted+=(make)
    command -v gcc  >/dev/null 2>&1 || wanted+=(gcc)
    # the node suite: Debian's node and npm, unless a node is there already
    # (another node's npm would conflict with Debian's package)
    command -v node >/dev/null 2>&1 || wanted+=(nodejs)
    command -v npm  >/dev/null 2>&1 || wanted+=(npm)

    for pkg in "${wanted[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [ "$status" = "install ok installed" ] || missing+=("$pkg")
    done
    # A package can be "installed" with its files gone; reinstall the server
    # packages then too.
    if [ ! -x "$PG_CONFIG" ] || [ ! -f "$("$PG_CONFIG" --pgxs 2>/dev/null)" ] \
            || [ ! -x "$PGBIN/initdb" ]; then
        missing+=("postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR")
    fi

    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing missing packages: ${missing[*]}"
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --reinstall "${missing[@]}"
    fi

    [ -x "$PG_CONFIG" ]      || die "pg_config is still missing: $PG_CONFIG"
    PGXS_MK="$("$PG_CONFIG" --pgxs)"
    [ -f "$PGXS_MK" ]        || die "PGXS is still missing: $PGXS_MK"
    [ -x "$PGBIN/initdb" ]   || die "initdb is still missing: $PGBIN/initdb"
    command -v make >/dev/null 2>&1 || die "make is not installed"
    command -v gcc  >/dev/null 2>&1 || die "gcc is not installed"
}

# ---------------------------------------------------------------------------
# 2. Build and install the extension
# ---------------------------------------------------------------------------

build_and_install() {
    if [ "${RELORM_SKIP_BUILD:-0}" = 1 ]; then
        log "RELORM_SKIP_BUILD=1: not building"
        return 0
    fi
    log "building relorm in $ROOT"
    make -C "$ROOT" PG_CONFIG="$PG_CONFIG"
    log "installing relorm"
    as_root make -C "$ROOT" PG_CONFIG="$PG_CONFIG" install
}

# ---------------------------------------------------------------------------
# 3. Temp dir, user, throwaway server
# ---------------------------------------------------------------------------

# Choose who runs the servers and suites: PostgreSQL refuses to run as root.
choose_run_as() {
    if ! is_root; then
        RUN_AS=""
        return 0
    fi
    if [ -n "${RELORM_PG_USER:-}" ]; then
        RUN_AS="$RELORM_PG_USER"
    elif id -u postgres >/dev/null 2>&1; then
        RUN_AS=postgres
    else
        RUN_AS=relorm_pg
    fi
    if ! id -u "$RUN_AS" >/dev/null 2>&1; then
        log "creating unprivileged system user $RUN_AS to run the server"
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$RUN_AS"
    fi
}

# C.UTF-8 (byte-order collation, UTF8) where there is one, so that output is
# the same everywhere; the servers' initdb takes it from the environment.
choose_locale() {
    local locales
    locales="$(locale -a 2>/dev/null || true)"
    if grep -qix 'C\.utf-\?8' <<<"$locales"; then
        TEST_LOCALE=C.UTF-8
    else
        TEST_LOCALE=C
    fi
}

# The temp dir everything of ours goes in, owned by the user who runs the
# servers; the EXIT trap removes it.
make_workdir() {
    # INT/TERM/HUP turn into an ordinary exit so that the trap runs for them too.
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP

    WORKDIR="$(mktemp -d /tmp/relorm-test.XXXXXX)"
    if [ -n "$RUN_AS" ]; then
        chown "$RUN_AS:" "$WORKDIR"
    fi
}

# True if something already listens on TCP port $1 (we use only a Unix
# socket in a private dir, but a clash would confuse anyone connecting by
# port, and later suites may want TCP).
port_in_use() {
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

stop_server() {
    [ "$SERVER_STARTED" = 1 ] || return 0
    log "stopping server"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 \
        || as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 \
        || true
    SERVER_STARTED=0
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$WAIT_PID" ]; then
        kill "$WAIT_PID" 2>/dev/null || true
    fi
    [ -n "$WORKDIR" ] || exit "$rc"

    if [ "${RELORM_KEEP:-0}" = 1 ]; then
        if [ "$SERVER_STARTED" = 1 ]; then
            print_keep_instructions
        else
            printf '\nRELORM_KEEP=1: the suites'"'"' files are left in %s\n' "$WORKDIR" >&2
        fi
        exit "$rc"
    fi
    stop_server
    rm -rf "$WORKDIR"
    exit "$rc"
}

print_env() {
    cat <<EOF2
export PGHOST=$PGHOST
export PGPORT=$PGPORT
export PGUSER=$PGUSER
EOF2
}

print_keep_instructions() {
    local stop="$PGBIN/pg_ctl -D $PGDATA_DIR stop"
    if [ -n "$RUN_AS" ]; then
        stop="runuser -u $RUN_AS -- $stop"
    fi
    cat >&2 <<EOF2

RELORM_KEEP=1: the server is left running (log: $WORKDIR/server.log).
Connect with:
$(print_env)
  $PGBIN/psql -d postgres
Stop and clean up with:
  $stop && rm -rf $WORKDIR
EOF2
}

# The throwaway server of demo, bench, run, shell and the bench_smoke suite,
# in $WORKDIR/data.
start_server() {
    PGDATA_DIR="$WORKDIR/data"

    log "initdb in $PGDATA_DIR${RUN_AS:+ (as $RUN_AS)}"
    local locale_opt=--no-locale
    if [ "$TEST_LOCALE" != C ]; then
        locale_opt="--locale=$TEST_LOCALE"
    fi
    if ! as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -E UTF8 "$locale_opt" \
            -U postgres >"$WORKDIR/initdb.log" 2>&1; then
        show_file "initdb output" "$WORKDIR/initdb.log"
        die "initdb failed"
    fi
    {
        echo
        echo "# added by test/harness.sh"
        cat "${SERVER_CONF_FILES[@]}"
        echo "unix_socket_directories = '$WORKDIR'"
    } | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null

    # Try ports from FIRST_PORT on; the last `port =` line in the file wins,
    # so a retry just appends another one.
    local port
    for ((port = FIRST_PORT; port < FIRST_PORT + PORT_TRIES; port++)); do
        if port_in_use "$port"; then
            log "port $port is in use, trying the next"
            continue
        fi
        echo "port = $port" | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
        log "starting server on port $port (socket dir $WORKDIR)"
        if as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$WORKDIR/server.log" \
                -w -t 60 start >/dev/null; then
            SERVER_STARTED=1
            break
        fi
        log "server did not start on port $port"
        # A socket lock file left by someone else is the usual clash; any
        # other failure will repeat, so show the log and stop trying.
        grep -q 'could not create\|already in use\|lock file' "$WORKDIR/server.log" \
            || break
    done
    if [ "$SERVER_STARTED" != 1 ]; then
        show_file "server log" "$WORKDIR/server.log"
        die "could not start PostgreSQL (ports $FIRST_PORT..$((FIRST_PORT + PORT_TRIES - 1)))"
    fi

    # Everything run from here on (psql, bench/run.py, …) connects here.
    export PGHOST="$WORKDIR" PGPORT="$port" PGUSER=postgres
    # Child tools should find this server's clients first.
    export PATH="$PGBIN:$PATH"
}

# ---------------------------------------------------------------------------
# 4. Test suites (each suite_NAME listed in SUITES)
# ---------------------------------------------------------------------------

# The tree the suites run in: the repository itself, or, when we are root, a
# copy in the temp dir that the unprivileged user owns (the suites write
# results/, tmp_check/ … there, and the repository may be where that user
# cannot even read, such as /root).
prepare_tree() {
    if [ -z "$RUN_AS" ]; then
        TREE="$ROOT"
        return 0
    fi
    TREE="$WORKDIR/tree"
    log "copying the tree to $TREE for $RUN_AS"
    mkdir "$TREE"
    tar -C "$ROOT" --exclude=./.git --exclude='*.o' --exclude='*.bc' --exclude='*.so' \
        --exclude=./results --exclude=./output_iso --exclude=./output_pgss \
        --exclude='./tmp_check*' -cf - . | tar -C "$TREE" -xf -
    chown -R "$RUN_AS:" "$TREE"
}

# Run a Makefile target of the tree as the unprivileged user, with the
# server's bin dir first in PATH, our locale, and no connection settings of
# the caller's (the suites start their own servers).
make_as_pg() {
    as_pg env -u PGHOST -u PGHOSTADDR -u PGPORT -u PGUSER -u PGDATABASE -u PGSERVICE \
        PATH="$PGBIN:$PATH" LANG="$TEST_LOCALE" LC_ALL="$TEST_LOCALE" \
        make -C "$TREE" --no-print-directory PG_CONFIG="$PG_CONFIG" "$@"
}

# src/ keeps its layers (test/check_layers.py).
suite_layers() {
    make_as_pg check-layers
}

# REGRESS on a temp instance: what `make installcheck` runs on a stock server.
suite_regress() {
    rm -f "$TREE/regression.diffs"
    make_as_pg check-regress && return 0
    show_file "regression diffs" "$TREE/regression.diffs"
    return 1
}

# REGRESS_PGSS on a temp instance that preloads pg_stat_statements.
suite_pgss() {
    rm -f "$TREE/output_pgss/regression.diffs"
    make_as_pg check-pgss && return 0
    show_file "regression diffs (pg_stat_statements)" "$TREE/output_pgss/regression.diffs"
    return 1
}

# The isolation specs on a temp instance.
suite_isolation() {
    rm -f "$TREE/output_iso/regression.diffs"
    make_as_pg check-isolation && return 0
    show_file "isolation diffs" "$TREE/output_iso/regression.diffs"
    return 1
}

# The TAP tests: each starts its own servers with PostgreSQL::Test::Cluster.
suite_tap() {
    make_as_pg check-tap && return 0
    local f
    for f in "$TREE"/tmp_check/log/regress_log_*; do
        [ -f "$f" ] || continue
        printf '\n----- last lines of %s -----\n' "$f"
        tail -n 40 "$f"
    done
    return 1
}

# The benchmarks on tiny data, one short round: every pgbench script runs,
# and relorm and the hand-written SQL give the same results.  bench/run.py
# needs a server that stays up across its runs: the harness's own.
suite_bench_smoke() {
    local rc=0
    start_server
    BENCH_SMOKE=1 python3 "$ROOT/bench/run.py" || rc=$?
    stop_server
    return "$rc"
}

# relorm from an application: test/node/test.js with node-postgres (npm's
# pg, installed from test/node/package-lock.json when missing) against the
# harness's own server.
suite_node() {
    local rc=0 dir="$ROOT/test/node"
    if [ ! -f "$dir/node_modules/pg/package.json" ]; then
        log "installing node-postgres into $dir (npm ci)"
        (cd "$dir" && npm ci --no-audit --no-fund) || return 1
    fi
    # a server of its own: an earlier suite's data dir may be there
    rm -rf "$WORKDIR/data"
    start_server
    node "$dir/test.js" || rc=$?
    stop_server
    return "$rc"
}

# The fuzzer on the harness's own server: FUZZ_CALLS calls (default 5000,
# seed FUZZ_SEED, default 1), or with FUZZ_SECONDS for that long (make fuzz).
# It fails on a crash, an internal error or a call outliving its
# statement_timeout by more than a second (test/fuzz/fuzz.py).
suite_fuzz() {
    local rc=0
    # a fresh server: an earlier suite (bench_smoke) may have left its data
    [ "$SERVER_STARTED" = 1 ] || rm -rf "$WORKDIR/data"
    start_server
    FUZZ_CALLS="${FUZZ_CALLS:-5000}" python3 "$ROOT/test/fuzz/fuzz.py" || rc=$?
    stop_server
    return "$rc"
}

# Run every suite even if an earlier one failed; summarize at the end.
mode_test() {
    local suite passed=0 failed=0 summary=()
    prepare_tree
    for suite in "${SUITES[@]}"; do
        declare -F "suite_$suite" >/dev/null || die "unknown suite: $suite"
    done
    for suite in "${SUITES[@]}"; do
        log "suite $suite"
        # `if` shields the suite from set -e so one failure doesn't stop the rest.
        if "suite_$suite"; then
            summary+=("PASS  $suite")
            passed=$((passed + 1))
        else
            summary+=("FAIL  $suite")
            failed=$((failed + 1))
        fi
    done

    echo
    echo "===== relorm test summary ====="
    printf '%s\n' "${summary[@]}"
    echo "suites: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# ---------------------------------------------------------------------------
# 5. Demo, bench, run, shell (against the harness's server)
# ---------------------------------------------------------------------------

mode_demo() {
    log "creating database relorm_demo"
    createdb relorm_demo
    # -a echoes the walkthrough's comments and statements with each result.
    psql -X -v ON_ERROR_STOP=1 -d relorm_demo -a -f "$ROOT/test/demo.sql"
}

# The full benchmark run: bench/RESULTS.md and bench/results/.
mode_bench() {
    python3 "$ROOT/bench/run.py"
    # the write scenarios (issue 10): bench/results/writes.md
    python3 "$ROOT/bench/writes.py"
}

mode_run() {
    [ "$#" -gt 0 ] || die "usage: $0 run CMD [ARG...]"
    "$@"
}

mode_shell() {
    if [ "$#" -gt 0 ]; then
        mode_run "$@"
        return
    fi
    echo "Server is up (log: $WORKDIR/server.log). Connection settings:"
    print_env
    echo "Press Ctrl-C to stop the server and remove it."
    # Wait in the background so the INT trap runs at once.
    sleep infinity &
    WAIT_PID=$!
    wait "$WAIT_PID"
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

main() {
    local mode="${1:-}"
    if [ "$#" -gt 0 ]; then
        shift
    fi
    case "$mode" in
        test|demo|bench|run|shell) ;;
        -h|--help|help|"") usage ;;
        *) printf 'harness: unknown mode: %s\n\n' "$mode" >&2; usage ;;
    esac

    # Check what we can before the slow steps.
    if [ "$mode" = demo ] && [ ! -f "$ROOT/test/demo.sql" ]; then
        die "demo script not found: $ROOT/test/demo.sql"
    fi
    if [ "$mode" = bench ] && [ ! -f "$ROOT/bench/run.py" ]; then
        die "benchmark driver not found: $ROOT/bench/run.py"
    fi
    if [ "$mode" = run ] && [ "$#" -eq 0 ]; then
        die "usage: $0 run CMD [ARG...]"
    fi
    if ! [[ "$FIRST_PORT" =~ ^[0-9]+$ ]] || [ "$FIRST_PORT" -lt 1024 ] \
            || [ "$FIRST_PORT" -gt $((65535 - PORT_TRIES)) ]; then
        die "RELORM_PORT must be a port number from 1024 to $((65535 - PORT_TRIES)), not '$FIRST_PORT'"
    fi

    ensure_packages
    build_and_install
    choose_run_as
    choose_locale
    make_workdir
    # `test` runs suites that start their own servers (bench_smoke starts
    # ours); the other modes run against our throwaway server.
    if [ "$mode" != test ]; then
        start_server
    fi
    "mode_$mode" "$@"
}

main "$@"
