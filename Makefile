# relorm — PGXS build.
#
#   make               build the extension
#   make install       install it into the PostgreSQL given by PG_CONFIG
#   make installcheck  REGRESS, ISOLATION and the TAP tests against a running
#                      stock server (PGHOST/PGPORT; the TAP tests start their
#                      own servers, so run it as a user that is not root)
#   make test          install what is missing, build, install, then every
#                      suite as an unprivileged user, each on servers that
#                      pg_regress / PostgreSQL::Test::Cluster start and stop
#                      (test/harness.sh)
#   make demo          a throwaway server and a commented walkthrough
#   make bench         a throwaway server and the benchmarks (bench/RESULTS.md)
#   make bench-compare BASE=<rev>
#                      the benchmarks on a build of git revision <rev> and on
#                      this tree, side by side (bench/results/compare.md)
#   make fuzz          the fuzzer at length on a throwaway server: FUZZ_SECONDS
#                      (default 1800), FUZZ_SEED (default: the time)
#
# Tests live under test/ as in pgvector: test/sql/NAME.sql against
# test/expected/NAME.out, test/isolation/{specs,expected}, test/t/*.pl (TAP).

EXTENSION   = relorm
MODULE_big  = relorm
# every src/*.c is part of the module
OBJS        = $(patsubst %.c,%.o,$(wildcard src/*.c))
DATA        = relorm--0.1.0.sql relorm--0.1.0--0.2.0.sql
PGFILEDESC  = "relorm - relations between tables as first-class SQL"

# regression suites, in order; they pass on a stock server (make installcheck)
# (one line per area, so that work on different areas does not collide)
REGRESS_CORE       = catalog keys link_ops renames security plans collation \
                     query_filters query_errors upgrade
REGRESS_REGISTER   = register_ddl register_infer register_keys register_through \
                     register_create
REGRESS_READS      = read_pivot read_order read_pages
REGRESS_WRITES     = write_create write_update write_delete write_security write_save
REGRESS_HARDENING  = harden_keys harden_chain harden_errors bad_input
REGRESS      = $(REGRESS_CORE) $(REGRESS_REGISTER) $(REGRESS_READS) \
               $(REGRESS_WRITES) $(REGRESS_HARDENING)
REGRESS_OPTS = --inputdir=test --load-extension=relorm
# regression suites that count statements with pg_stat_statements, which must
# be preloaded: run by `make test` on a temp instance configured by
# test/pgss.conf (or `make installcheck-pgss` against a server so configured)
REGRESS_PGSS = pivot_ops query_select write_pgss
PGSS_OPTS    = --outputdir=output_pgss --load-extension=pg_stat_statements
# isolation specs (test/isolation/specs/NAME.spec), run after REGRESS
ISOLATION_CORE      = metadata_invalidation pivot_races register_race
ISOLATION_REGISTER  = register_concurrent
ISOLATION_READS     = read_keyset
ISOLATION_WRITES    = write_races
ISOLATION_HARDENING = harden_link_order
ISOLATION      = $(ISOLATION_CORE) $(ISOLATION_REGISTER) $(ISOLATION_READS) \
                 $(ISOLATION_WRITES) $(ISOLATION_HARDENING)
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=relorm
# TAP tests (PostgreSQL::Test::Cluster), run after ISOLATION
TAP_TESTS   = 1
PROVE_TESTS = test/t/*.pl

EXTRA_CLEAN = output_pgss/ tmp_check_regress/ tmp_check_pgss/

# PostgreSQL 15 is the supported server; Debian's /usr/bin/pg_config (from
# libpq-dev) may point at a PGXS that is not installed yet, so prefer the
# server's own pg_config and include PGXS only once it exists.  PG_CONFIG from
# the environment or the command line wins.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter \
            -Wno-missing-field-initializers -Wno-sign-compare

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all install installcheck:
	@echo "PGXS not found (PG_CONFIG=$(PG_CONFIG)); run 'make test' or install postgresql-server-dev-15" >&2
	@exit 1
endif

# every object depends on every header (PGXS tracks no header deps)
$(OBJS): $(wildcard src/*.h)

# The suites of `make test`, each on a temp instance pg_regress starts and
# stops (its settings: test/temp.conf, plus test/pgss.conf where statements
# are counted).  Run them as a user that is not root; test/harness.sh does.
TEMP_CONF_OPTS = --temp-config=test/temp.conf

.PHONY: check-layers check-regress check-pgss check-isolation check-tap installcheck-pgss
check-layers:
	test/check_layers.py src

check-regress:
	$(pg_regress_installcheck) --temp-instance=./tmp_check_regress $(TEMP_CONF_OPTS) \
		$(REGRESS_OPTS) $(REGRESS)

check-pgss:
	$(pg_regress_installcheck) --temp-instance=./tmp_check_pgss $(TEMP_CONF_OPTS) \
		--temp-config=test/pgss.conf $(REGRESS_OPTS) $(PGSS_OPTS) $(REGRESS_PGSS)

check-isolation:
	$(pg_isolation_regress_installcheck) --temp-instance=./tmp_check_iso $(TEMP_CONF_OPTS) \
		$(ISOLATION_OPTS) $(ISOLATION)

check-tap:
	$(prove_installcheck)

installcheck-pgss:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(PGSS_OPTS) $(REGRESS_PGSS)

.PHONY: test demo bench bench-compare fuzz
test:
	test/harness.sh test

# the fuzzer for FUZZ_SECONDS (test/fuzz/fuzz.py; `make test` runs 5000 calls)
fuzz:
	RELORM_SUITES=fuzz FUZZ_CALLS=0 FUZZ_SECONDS=$${FUZZ_SECONDS:-1800} \
		FUZZ_SEED=$${FUZZ_SEED:-$$(date +%s)} test/harness.sh test

demo:
	test/harness.sh demo

bench:
	test/harness.sh bench

# the benchmarks on git revision BASE and on this tree, side by side
# (bench/compare.sh; report in bench/results/compare.md)
bench-compare:
	@test -n "$(BASE)" || { echo "usage: make bench-compare BASE=<git revision>"; exit 2; }
	test/harness.sh run bench/compare.sh $(BASE)
