# relorm — PGXS build.
#
#   make            build the extension
#   make install    install it into the PostgreSQL given by PG_CONFIG
#   make test       install what is missing, build, install, run every suite
#                   against a throwaway server, stop it (test/harness.sh)
#   make demo       the same throwaway server and a commented walkthrough
#   make bench      the same throwaway server and the benchmarks (bench/RESULTS.md)

EXTENSION   = relorm
MODULE_big  = relorm
OBJS        = $(patsubst %.c,%.o,$(wildcard src/*.c))
DATA        = relorm--0.1.0.sql
PGFILEDESC  = "relorm - relations between tables as first-class SQL"

# regression suites, in order (sql/NAME.sql against expected/NAME.out)
REGRESS      = catalog keys link_ops renames security plans pivot_ops \
               query_select query_filters query_errors
REGRESS_OPTS = --load-extension=relorm --load-extension=pg_stat_statements
# isolation specs (test/isolation/specs/NAME.spec), run after REGRESS
ISOLATION      = metadata_invalidation pivot_races register_race
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=relorm

# PostgreSQL 15 is the supported server; Debian's /usr/bin/pg_config (from
# libpq-dev) may point at a PGXS that is not installed yet, so prefer the
# server's own pg_config and include PGXS only once it exists.
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

# every object depends on the shared headers (PGXS tracks no header deps)
$(OBJS): $(wildcard src/*.h)

.PHONY: test demo bench
test:
	test/harness.sh test

demo:
	test/harness.sh demo

bench:
	test/harness.sh bench
