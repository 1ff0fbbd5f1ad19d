#!/usr/bin/env bash
#
# relorm test harness: install what is missing, build and install the
# extension, start a throwaway PostgreSQL 15 server, run something against
# it, and always stop the server and remove its files afterwards.
#
# Usage:
#   test/harness.sh test            run every test suite (what `make test` does)
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
#   RELORM_PORT        first port to try for the server (default 54329; the
#                      next few are tried if it is taken)
#   RELORM_KEEP=1      leave the server running and its files in place at the
#                      end, and print how to connect to it and stop it
#   RELORM_SKIP_BUILD=1  do not build and install the extension
#   RELORM_PG_USER     user that runs the server when this script runs as root
#                      (default: postgres if it exists, else relorm_pg, which
#                      is created as a system user if missing)
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
PGBIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_CONFIG="$PGBIN/pg_config"
PGXS_MK="/usr/lib/postgresql/$PG_MAJOR/lib/pgxs/src/makefiles/pgxs.mk"

# Debian packages the harness needs. Suites that need more append here
# (e.g. libipc-run-perl for TAP tests); ensure_packages installs whatever of
# this list is not installed yet.
APT_PACKAGES=(
    "postgresql-$PG_MAJOR"
    "postgresql-server-dev-$PG_MAJOR"
    python3         # bench/run.py (standard library only)
    gnuplot-nox     # bench/run.py's plots
)

# Test suites run by `test` mode, in order; each name NAME is a function
# suite_NAME below that returns non-zero on failure. Adding a suite is one
# line here plus its function.
SUITES=(
    regress     # sql/*.sql vs expected/*.out (and ISOLATION specs, if any)
    dump        # test/dump_restore.sh: registrations survive pg_dump/restore
    # tap       # test/t/*.pl via prove (add libipc-run-perl to APT_PACKAGES)
    bench_smoke # bench/run.py with BENCH_SMOKE=1: every benchmark runs, results agree
)

FIRST_PORT="${RELORM_PORT:-54329}"
PORT_TRIES=10

# Extra server settings, written to postgresql.conf. Durability is pointless
# for a throwaway server, so turn it off for speed.
SERVER_SETTINGS=(
    "fsync = off"
    "synchronous_commit = off"
    "full_page_writes = off"
    "listen_addresses = ''"          # Unix socket only, in our own temp dir
    "log_line_prefix = '%m [%p] %q%a '"
    # the pivot test counts statements per call with pg_stat_statements
    "shared_preload_libraries = 'pg_stat_statements'"
    "pg_stat_statements.track = 'all'"
)

# State filled in as we go; cleanup() looks at it.
WORKDIR=""          # temp dir holding the data dir, socket and server log
PGDATA_DIR=""
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

    for pkg in "${wanted[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [ "$status" = "install ok installed" ] || missing+=("$pkg")
    done
    # A package can be "installed" with its files gone; reinstall the server
    # packages then too.
    if [ ! -f "$PGXS_MK" ] || [ ! -x "$PGBIN/initdb" ]; then
        missing+=("postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR")
    fi

    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing missing packages: ${missing[*]}"
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --reinstall "${missing[@]}"
    fi

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
# 3. Throwaway server
# ---------------------------------------------------------------------------

# Choose who runs the server: PostgreSQL refuses to run as root.
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

# True if something already listens on TCP port $1 (we use only a Unix
# socket in a private dir, but a clash would confuse anyone connecting by
# port, and later suites may want TCP).
port_in_use() {
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$WAIT_PID" ]; then
        kill "$WAIT_PID" 2>/dev/null || true
    fi
    [ -n "$WORKDIR" ] || exit "$rc"

    if [ "${RELORM_KEEP:-0}" = 1 ] && [ "$SERVER_STARTED" = 1 ]; then
        print_keep_instructions
        exit "$rc"
    fi
    if [ "$SERVER_STARTED" = 1 ]; then
        log "stopping server"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 \
            || true
    fi
    rm -rf "$WORKDIR"
    exit "$rc"
}

print_env() {
    cat <<EOF
export PGHOST=$PGHOST
export PGPORT=$PGPORT
export PGUSER=$PGUSER
EOF
}

print_keep_instructions() {
    local stop="$PGBIN/pg_ctl -D $PGDATA_DIR stop"
    if [ -n "$RUN_AS" ]; then
        stop="runuser -u $RUN_AS -- $stop"
    fi
    cat >&2 <<EOF

RELORM_KEEP=1: the server is left running (log: $WORKDIR/server.log).
Connect with:
$(print_env)
  $PGBIN/psql -d postgres
Stop and clean up with:
  $stop && rm -rf $WORKDIR
EOF
}

start_server() {
    choose_run_as

    # The EXIT trap removes whatever we made from here on; INT/TERM/HUP turn
    # into an ordinary exit so that the trap runs for them too.
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP

    WORKDIR="$(mktemp -d /tmp/relorm-test.XXXXXX)"
    PGDATA_DIR="$WORKDIR/data"
    if [ -n "$RUN_AS" ]; then
        chown "$RUN_AS:" "$WORKDIR"
    fi

    log "initdb in $PGDATA_DIR${RUN_AS:+ (as $RUN_AS)}"
    # C.UTF-8: byte-order collation, so output is the same everywhere.
    local locale_opt=--no-locale locales
    locales="$(locale -a 2>/dev/null || true)"
    if grep -qix 'C\.utf-\?8' <<<"$locales"; then
        locale_opt=--locale=C.UTF-8
    fi
    if ! as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -E UTF8 "$locale_opt" \
            -U postgres >"$WORKDIR/initdb.log" 2>&1; then
        show_file "initdb output" "$WORKDIR/initdb.log"
        die "initdb failed"
    fi
    {
        echo
        echo "# added by test/harness.sh"
        printf '%s\n' "${SERVER_SETTINGS[@]}"
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

    # Everything run from here on (make installcheck, psql, …) connects here.
    export PGHOST="$WORKDIR" PGPORT="$port" PGUSER=postgres
    # Child tools should find this server's clients first.
    export PATH="$PGBIN:$PATH"
}

# ---------------------------------------------------------------------------
# 4. Test suites (each suite_NAME listed in SUITES)
# ---------------------------------------------------------------------------

# pg_regress over sql/*.sql against expected/*.out via PGXS `installcheck`.
# ISOLATION: once the Makefile sets ISOLATION (specs in specs/*.spec,
# expected output in expected/), the same `make installcheck` runs them with
# pg_isolation_regress after the regress tests; their diffs land in
# output_iso/regression.diffs, which is printed below too.
suite_regress() {
    rm -f "$ROOT/regression.diffs" "$ROOT/output_iso/regression.diffs"
    if make -C "$ROOT" PG_CONFIG="$PG_CONFIG" installcheck; then
        return 0
    fi
    show_file "regression diffs" "$ROOT/regression.diffs"
    show_file "isolation diffs" "$ROOT/output_iso/regression.diffs"
    return 1
}

# Registrations survive pg_dump and a restore that renumbers columns.
suite_dump() {
    "$ROOT/test/dump_restore.sh"
}

# The benchmarks on tiny data, one short round: every pgbench script runs,
# and relorm and the hand-written SQL give the same results.
suite_bench_smoke() {
    BENCH_SMOKE=1 python3 "$ROOT/bench/run.py"
}

# Run every suite even if an earlier one failed; summarize at the end.
mode_test() {
    local suite passed=0 failed=0 summary=()
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
# 5. Demo, bench, run, shell
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
    start_server
    "mode_$mode" "$@"
}

main "$@"
