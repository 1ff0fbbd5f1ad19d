#!/usr/bin/env python3
"""relorm write benchmarks (SPEC §6): each nested write next to hand-written
SQL doing the same work, with the statements each runs.

Run it on a throwaway server (pg_stat_statements preloaded by the harness):

    PG_CONFIG=... test/harness.sh run python3 bench/writes.py

or against any server with relorm installed (PGHOST/PGPORT/PGUSER set).
It prints a markdown table (median milliseconds over BENCH_ROUNDS runs, the
ratio to the best hand-written set-based SQL, statements per call) and
writes it to bench/results/writes.md.

Each run happens in a subtransaction that is rolled back (a PL/pgSQL
block that raises after timing the statement), so every run sees the same
tables.  The "row loop" variant is what an ORM sending a statement per
nested row does (Prisma, TypeORM), measured inside the server, so it is a
lower bound: a client adds a network round trip per statement.

Only the Python standard library and psql are used.
"""

import os
import subprocess
import sys

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
DB = os.environ.get("BENCH_DB", "relorm_bench_writes")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "writes.md")

SETUP = r"""
DROP SCHEMA IF EXISTS bw CASCADE;
CREATE SCHEMA bw;
SET search_path = bw, public;
CREATE TABLE author (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE book (id serial PRIMARY KEY, title text NOT NULL, author_id int REFERENCES author);
CREATE INDEX ON book (author_id);
CREATE TABLE review (id serial PRIMARY KEY, stars int, book_id int REFERENCES book);
CREATE INDEX ON review (book_id);
CREATE TABLE post (id serial PRIMARY KEY, title text);
CREATE TABLE tag (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE post_tag (post_id int REFERENCES post, tag_id int REFERENCES tag,
                       PRIMARY KEY (post_id, tag_id));
CREATE INDEX ON post_tag (tag_id);
SELECT relorm_has_many('author', 'books', 'book', options => '{"cascade": ["insert"]}');
SELECT relorm_has_many('book', 'reviews', 'review', options => '{"cascade": ["insert"]}');
SELECT relorm_many_to_many('post', 'tags', 'tag');
INSERT INTO post (title) VALUES ('p');
INSERT INTO tag (name) SELECT 't' || i FROM generate_series(1, 2000) i;
INSERT INTO post_tag SELECT 1, i FROM generate_series(501, 1500) i;

CREATE TABLE data (name text PRIMARY KEY, d jsonb);
INSERT INTO data VALUES
 ('1x10', (SELECT jsonb_agg(jsonb_build_object('name', 'a' || a, 'books', jsonb_build_object('create',
           (SELECT jsonb_agg(jsonb_build_object('title', 'b' || b)) FROM generate_series(1, 10) b))))
           FROM generate_series(1, 1) a)),
 ('1000x10', (SELECT jsonb_agg(jsonb_build_object('name', 'a' || a, 'books', jsonb_build_object('create',
           (SELECT jsonb_agg(jsonb_build_object('title', 'b' || b)) FROM generate_series(1, 10) b))))
           FROM generate_series(1, 1000) a)),
 ('save3', (SELECT jsonb_build_object('name', 'graph', 'books',
           (SELECT jsonb_agg(jsonb_build_object('title', 'b' || b, 'reviews',
                     (SELECT jsonb_agg(jsonb_build_object('stars', r)) FROM generate_series(1, 10) r)))
              FROM generate_series(1, 10) b)))),
 ('set1k', (SELECT jsonb_build_object('tags', jsonb_build_object('set',
           jsonb_build_object('id', jsonb_build_object('between', jsonb_build_array(1, 1000)))))));

-- timed(sql): milliseconds of one run of sql, rolled back
CREATE FUNCTION timed(sql text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; ms float8;
BEGIN
  BEGIN
    t0 := clock_timestamp();
    EXECUTE sql;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    RAISE EXCEPTION USING ERRCODE = 'RB001';
  EXCEPTION WHEN SQLSTATE 'RB001' THEN NULL;
  END;
  RETURN ms;
END $$;

-- statements(sql): statements one run of sql runs (pg_stat_statements:
-- nested statements, less the two of this harness (PERFORM timed(), the
-- EXECUTE of sql itself) and PostgreSQL's per-row foreign-key checks)
CREATE FUNCTION statements(sql text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
        track text;
BEGIN
  IF to_regclass('pg_stat_statements') IS NULL THEN RETURN NULL; END IF;
  -- make bench's server tracks nothing (bench/run.py): count nested
  -- statements for this run only
  track := current_setting('pg_stat_statements.track');
  PERFORM set_config('pg_stat_statements.track', 'all', false);
  PERFORM pg_stat_statements_reset();
  PERFORM timed(sql);
  SELECT coalesce(sum(calls), 0) INTO n FROM pg_stat_statements
   WHERE NOT toplevel AND query NOT LIKE '%FOR KEY SHARE OF x%'
     AND query NOT LIKE '%clock_timestamp%' AND query NOT LIKE '%pg_stat_statements%'
     AND query NOT LIKE '%set_config%' AND query NOT LIKE '%current_setting%';
  PERFORM set_config('pg_stat_statements.track', track, false);
  RETURN n - 2;
END $$;

-- hand-written set-based nested create: keys drawn before inserting,
-- matched to the books by the author's position
CREATE FUNCTION hand_create(d jsonb) RETURNS void LANGUAGE sql AS $$
  WITH src AS (SELECT a, o FROM jsonb_array_elements(d) WITH ORDINALITY e(a, o)),
  ids AS (SELECT o, a, nextval('bw.author_id_seq')::int AS id FROM src),
  ins AS (INSERT INTO bw.author (id, name) SELECT id, a->>'name' FROM ids RETURNING 1)
  INSERT INTO bw.book (title, author_id)
  SELECT b->>'title', ids.id FROM ids, jsonb_array_elements(ids.a->'books'->'create') b $$;

-- a statement per row, as an ORM's loop sends them
CREATE FUNCTION loop_create(d jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE a jsonb; b jsonb; aid int;
BEGIN
  FOR a IN SELECT jsonb_array_elements(d) LOOP
    INSERT INTO bw.author (name) VALUES (a->>'name') RETURNING id INTO aid;
    FOR b IN SELECT jsonb_array_elements(a->'books'->'create') LOOP
      INSERT INTO bw.book (title, author_id) VALUES (b->>'title', aid);
    END LOOP;
  END LOOP;
END $$;

-- hand-written save of the 3-level graph: one statement
CREATE FUNCTION hand_save(d jsonb) RETURNS void LANGUAGE sql AS $$
  WITH a AS (INSERT INTO bw.author (name) VALUES (d->>'name') RETURNING id),
  bs AS (SELECT b, o, nextval('bw.book_id_seq')::int AS id
           FROM jsonb_array_elements(d->'books') WITH ORDINALITY e(b, o)),
  ib AS (INSERT INTO bw.book (id, title, author_id) SELECT bs.id, b->>'title', a.id FROM bs, a RETURNING 1)
  INSERT INTO bw.review (stars, book_id)
  SELECT (r->>'stars')::int, bs.id FROM bs, jsonb_array_elements(bs.b->'reviews') r $$;

-- hand-written set of 1k many_to_many targets
CREATE FUNCTION hand_set(ids int[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM bw.post_tag WHERE post_id = 1 AND tag_id <> ALL (ids);
  INSERT INTO bw.post_tag SELECT 1, t FROM unnest(ids) t ON CONFLICT DO NOTHING $$;
"""

# (scenario, variant, sql)
SCENARIOS = [
    ("create 1 author x 10 books", "relorm_create",
     "SELECT relorm_create('bw.author', (SELECT d FROM bw.data WHERE name = '1x10'))"),
    ("create 1 author x 10 books", "hand-written set-based",
     "SELECT bw.hand_create((SELECT d FROM bw.data WHERE name = '1x10'))"),
    ("create 1 author x 10 books", "row loop",
     "SELECT bw.loop_create((SELECT d FROM bw.data WHERE name = '1x10'))"),
    ("create 1,000 authors x 10 books", "relorm_create",
     "SELECT relorm_create('bw.author', (SELECT d FROM bw.data WHERE name = '1000x10'))"),
    ("create 1,000 authors x 10 books", "hand-written set-based",
     "SELECT bw.hand_create((SELECT d FROM bw.data WHERE name = '1000x10'))"),
    ("create 1,000 authors x 10 books", "row loop",
     "SELECT bw.loop_create((SELECT d FROM bw.data WHERE name = '1000x10'))"),
    ("relorm_update set of 1k many_to_many targets", "relorm_update",
     "SELECT relorm_update('bw.post', '{\"id\": 1}', (SELECT d FROM bw.data WHERE name = 'set1k'))"),
    ("relorm_update set of 1k many_to_many targets", "hand-written set-based",
     "SELECT bw.hand_set(ARRAY(SELECT generate_series(1, 1000)))"),
    ("relorm_save of a 3-level graph (1 x 10 x 10)", "relorm_save",
     "SELECT relorm_save('bw.author', (SELECT d FROM bw.data WHERE name = 'save3'))"),
    ("relorm_save of a 3-level graph (1 x 10 x 10)", "hand-written set-based",
     "SELECT bw.hand_save((SELECT d FROM bw.data WHERE name = 'save3'))"),
]



def psql(sql, db):
    """Run sql with psql; return its unaligned, tuples-only output."""
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("psql failed:\n" + r.stderr)
    return r.stdout


def lit(s):
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def main():
    """Set up, time every scenario, print and write the table."""
    subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", "DROP DATABASE IF EXISTS " + DB],
                   check=True)
    subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", "CREATE DATABASE " + DB],
                   check=True)
    psql("CREATE EXTENSION relorm; CREATE EXTENSION IF NOT EXISTS pg_stat_statements;"
         if os.environ.get("BENCH_NO_PGSS") is None else "CREATE EXTENSION relorm;", DB)
    psql(SETUP, DB)
    rows = []
    for scenario, variant, sql in SCENARIOS:
        q = "SET search_path = bw, public;\n"
        q += "SELECT timed(%s);\n" % lit(sql)                    # warm-up
        q += "".join("SELECT timed(%s);\n" % lit(sql) for _ in range(ROUNDS))
        q += "SELECT statements(%s);\n" % lit(sql)
        out = [l for l in psql(q, DB).splitlines() if l.strip() and l != "SET"]
        times = sorted(float(x) for x in out[1:1 + ROUNDS])
        median = times[len(times) // 2]
        rows.append((scenario, variant, median, out[-1] or "n/a"))
        print("%-48s %-24s %10.2f ms  %s statements" % (scenario, variant, median, out[-1]),
              file=sys.stderr)
    lines = ["| scenario | variant | median ms | x best hand-written | statements |",
             "|---|---|---:|---:|---:|"]
    for scenario, variant, median, stmts in rows:
        hand = [m for s, v, m, _ in rows if s == scenario and v == "hand-written set-based"]
        ratio = "%.2f" % (median / hand[0]) if hand and hand[0] > 0 else ""
        lines.append("| %s | %s | %.2f | %s | %s |" % (scenario, variant, median, ratio, stmts))
    table = "\n".join(lines) + "\n"
    print(table)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("# relorm write benchmarks (bench/writes.py)\n\n"
                "Median of %d runs each, inside the server, every run rolled back. "
                "Statements: relorm's own (or the variant's) per call, from "
                "pg_stat_statements, PostgreSQL's per-row foreign-key checks left out.\n\n"
                % ROUNDS + table)


if __name__ == "__main__":
    main()
