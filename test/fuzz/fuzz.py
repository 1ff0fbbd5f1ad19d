#!/usr/bin/env python3
"""relorm fuzzer (issue 12): seeded random relorm calls from a grammar of
keys, queries and data, run one by one through one psql session against a
server that has relorm installed (PGHOST/PGPORT/PGUSER as for psql).
About 40% of the calls are SPEC §6 writes (relorm_create, relorm_update,
relorm_delete, relorm_*_related, relorm_save): data objects with columns
(well and badly typed, NULLs, unknown keys) and nested relation operations
of every kind (and wrong ones), lists up to 3000 long, self-reference
chains up to 200 deep, malformed top-level arguments; the schema's
relations carry cascade options so relorm_save / relorm_delete cascade.

It fails (exit 1) on
  - a backend crash (the connection lost, "server closed the connection");
  - an internal error: SQLSTATE class XX (XX000 ...), or a message such as
    "cache lookup failed", "unrecognized node type", "could not find";
  - a call that outlives its statement_timeout by more than a second.
Every other error is expected: malformed calls get their SQLSTATE.

Usage:
  python3 test/fuzz/fuzz.py [--seed N] [--calls N] [--seconds S]
                            [--timeout MS] [--db NAME] [--log FILE]
  (--calls 0 --seconds S: run for S seconds; the default is 3000 calls)

Prints a summary: calls made, errors by SQLSTATE, crashes, internal
errors, overruns, and the slowest call.  Only the Python standard library
and psql are used.
"""

import argparse
import collections
import json
import os
import random
import re
import subprocess
import sys
import time

SCHEMA = r"""
CREATE EXTENSION IF NOT EXISTS relorm;
DROP SCHEMA IF EXISTS fz CASCADE;
CREATE SCHEMA fz;
SET search_path = fz, public;
CREATE SEQUENCE ids START 1000;
CREATE TABLE author (id int PRIMARY KEY DEFAULT nextval('ids'), name text, born date, score numeric(6,2));
CREATE TABLE book (id int PRIMARY KEY DEFAULT nextval('ids'), author_id int REFERENCES author, title text,
                   pages int, price numeric, published boolean);
CREATE INDEX ON book (author_id);
CREATE TABLE tag (id int PRIMARY KEY DEFAULT nextval('ids'), label text UNIQUE);
CREATE TABLE book_tags (book_id int REFERENCES book, tag_id int REFERENCES tag,
                        note text DEFAULT 'n', rank int,
                        PRIMARY KEY (book_id, tag_id));
CREATE TABLE profile (author_id int UNIQUE REFERENCES author, bio text);
CREATE TABLE review (id int PRIMARY KEY DEFAULT nextval('ids'), book_id int REFERENCES book, stars int);
CREATE TABLE code (c char(3) PRIMARY KEY, v varchar(5));
CREATE TABLE coded (id int PRIMARY KEY, code_c char(3) REFERENCES code);
CREATE TABLE post (a int, b int, title text, PRIMARY KEY (a, b));
CREATE TABLE comment (id int PRIMARY KEY DEFAULT nextval('ids'), post_a int, post_b int, body text,
                      FOREIGN KEY (post_a, post_b) REFERENCES post);
CREATE TABLE node (id int PRIMARY KEY DEFAULT nextval('ids'), parent_id int REFERENCES node);
INSERT INTO author SELECT g, 'a' || g, date '1950-01-01' + g, g * 1.5 FROM generate_series(1, 8) g;
INSERT INTO book SELECT g, 1 + g % 8, 'b' || g, g * 10, g / 3.0, g % 2 = 0 FROM generate_series(1, 40) g;
INSERT INTO tag SELECT g, 't' || g FROM generate_series(1, 10) g;
INSERT INTO book_tags SELECT b, t, 'n' || b, b + t FROM generate_series(1, 40) b, generate_series(1, 10) t WHERE (b + t) % 4 = 0;
INSERT INTO profile SELECT g, 'bio' || g FROM generate_series(1, 5) g;
INSERT INTO review SELECT g, 1 + g % 40, g % 5 FROM generate_series(1, 80) g;
INSERT INTO code VALUES ('abc', 'x'), ('a', 'y'), ('ab', 'z');
INSERT INTO coded VALUES (1, 'abc'), (2, 'a'), (3, NULL);
INSERT INTO post SELECT a, b, 'p' FROM generate_series(1, 3) a, generate_series(1, 3) b;
INSERT INTO comment SELECT g, 1 + g % 3, 1 + g % 2, 'c' FROM generate_series(1, 12) g;
INSERT INTO node SELECT g, NULLIF(g / 2, 0) FROM generate_series(1, 20) g;
SELECT relorm_has_many('author', 'books', 'book', options => '{"cascade": true}');
SELECT relorm_belongs_to('book', 'author', 'author');
SELECT relorm_many_to_many('book', 'tags', 'tag', 'book_tags', options => '{"pivot": ["note", "rank"], "cascade": ["insert", "update"]}');
SELECT relorm_many_to_many('tag', 'books', 'book', 'book_tags');
SELECT relorm_has_one('author', 'profile', 'profile', options => '{"cascade": ["insert", "remove"]}');
SELECT relorm_has_many('book', 'reviews', 'review', options => '{"cascade": ["insert", "remove"]}');
SELECT relorm_belongs_to('review', 'book', 'book', options => '{"cascade": ["insert"]}');
SELECT relorm_has_many('code', 'codeds', 'coded');
SELECT relorm_has_many('post', 'comments', 'comment', options => '{"cascade": ["remove", "update"]}');
SELECT relorm_belongs_to('comment', 'post', 'post');
SELECT relorm_belongs_to('coded', 'code', 'code', options => '{"cascade": true}');
SELECT relorm_has_many('node', 'children', 'node', ARRAY['parent_id'], options => '{"cascade": true}');
SELECT relorm_belongs_to('node', 'parent', 'node', ARRAY['parent_id']);
"""

# table -> (columns, relations {name: (kind, target)}, key kind); kinds:
# bt belongs_to, ho has_one, many has_many, m2m many_to_many
TABLES = {
    "author": (["id", "name", "born", "score"],
               {"books": ("many", "book"), "profile": ("ho", "profile")}, "int"),
    "book": (["id", "author_id", "title", "pages", "price", "published"],
             {"author": ("bt", "author"), "tags": ("m2m", "tag"), "reviews": ("many", "review")}, "int"),
    "tag": (["id", "label"], {"books": ("m2m", "book")}, "int"),
    "review": (["id", "book_id", "stars"], {"book": ("bt", "book")}, "int"),
    "profile": (["author_id", "bio"], {}, "none"),
    "code": (["c", "v"], {"codeds": ("many", "coded")}, "char"),
    "coded": (["id", "code_c"], {"code": ("bt", "code")}, "int"),
    "post": (["a", "b", "title"], {"comments": ("many", "comment")}, "pair"),
    "comment": (["id", "post_a", "post_b", "body"], {"post": ("bt", "post")}, "int"),
    "node": (["id", "parent_id"], {"children": ("many", "node"), "parent": ("bt", "node")}, "int"),
}
# column -> its type, for well-typed values in write data
COLTYPE = {"id": "int", "name": "text", "born": "date", "score": "num62", "author_id": "int",
           "title": "text", "pages": "int", "price": "num", "published": "bool", "label": "text",
           "book_id": "int", "stars": "int", "bio": "text", "c": "char3", "v": "vc5",
           "code_c": "char3", "a": "int", "b": "int", "post_a": "int", "post_b": "int",
           "body": "text", "parent_id": "int"}
OPS = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "between", "contains",
       "starts_with", "ends_with", "like", "ilike", "is_null", "bogus"]
INTERNAL = re.compile(r"cache lookup failed|unrecognized node type|could not find|"
                      r"unexpected|variable not found|wrong varno|plan should not|"
                      r"invalid memory alloc|stack depth", re.I)
CRASH = re.compile(r"server closed the connection|terminating connection because of crash|"
                   r"connection to server was lost|no connection to the server", re.I)


class Gen:
    """The grammar: random keys, values, filters, queries and calls."""

    def __init__(self, rng, write_share=0.4):
        self.r = rng
        self.write_share = write_share

    def pick(self, xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    # ---- values and keys ---------------------------------------------------
    def scalar(self):
        r = self.r.random()
        if r < 0.45:
            return self.r.randint(-2, 45)
        if r < 0.55:
            return str(self.r.randint(0, 45))
        if r < 0.62:
            return self.pick(["abc", "a", "ab", "", "x'y", 'q"q', "t1", "b3", "%", "_", "\\"])
        if r < 0.68:
            return self.r.choice([1.5, -0.0, 1e20, 2 ** 40, 2 ** 63, -(2 ** 31) - 1])
        if r < 0.73:
            return self.pick([True, False])
        if r < 0.78:
            return None
        if r < 0.84:
            return [self.scalar() for _ in range(self.r.randint(0, 3))]
        if r < 0.88:
            return {self.pick(["id", "a", "b", "x"]): self.scalar()}
        return self.r.randint(1, 10)

    def key_sql(self, table):
        """An owner / targets argument in one of the forms SPEC §1 accepts, or not."""
        kind = TABLES[table][2]
        r = self.r.random()
        if kind == "pair":
            forms = ["'{\"a\": %d, \"b\": %d}'::jsonb" % (self.r.randint(0, 4), self.r.randint(0, 4)),
                     "'[{\"a\": 1, \"b\": 1}, {\"a\": 2, \"b\": 2}]'::jsonb",
                     "'{\"a\": 1}'::jsonb", "1", "ROW(1, 1)", "'(1,1)'",
                     "(SELECT p FROM fz.post p WHERE a = 1 AND b = 2)"]
            return self.pick(forms)
        if kind == "char":
            return self.pick(["'abc'", "'a'", "'ab '", "'axx'", "'abcd'", "ARRAY['abc', 'a']::char(3)[]",
                              "'\"abc\"'::jsonb", "'abc'::text", "'abc'::char(3)", "NULL::text"])
        if r < 0.35:
            return str(self.r.randint(-1, 45))
        if r < 0.5:
            n = self.r.randint(0, 6)
            return "ARRAY[%s]::int[]" % ", ".join(str(self.r.randint(0, 45)) for _ in range(n))
        if r < 0.65:
            return "'%s'::jsonb" % json.dumps(self.jsonb_keys()).replace("'", "''")
        if r < 0.72:
            return self.pick(["'7'", "'7'::text", "7::bigint", "7.0", "7.5", "'x'", "NULL::int",
                              "true", "now()", "ARRAY[[1, 2]]", "ARRAY[NULL]::int[]", "ROW(1, 2)",
                              "'{}'::int[]", "(2^40)::bigint", "'1e400'::numeric", "'NaN'::float8"])
        if r < 0.8:
            return "(SELECT t FROM fz.%s t ORDER BY 1 LIMIT 1)" % table
        if r < 0.86:
            return "(SELECT array_agg(t) FROM fz.%s t WHERE %s < %d)" % (
                table, TABLES[table][0][0], self.r.randint(0, 10))
        if r < 0.9:
            return "ARRAY(SELECT generate_series(1, %d))" % self.pick([10, 1000, 50000])
        return str(self.r.randint(1, 8))

    def jsonb_keys(self):
        r = self.r.random()
        if r < 0.3:
            return self.r.randint(0, 45)
        if r < 0.6:
            return [self.r.randint(0, 45) for _ in range(self.r.randint(0, 5))]
        if r < 0.75:
            return {"id": self.r.randint(0, 45)}
        if r < 0.85:
            return {str(self.r.randint(1, 12)): {"note": "x"} for _ in range(self.r.randint(0, 3))}
        return self.scalar()

    # ---- queries --------------------------------------------------------
    def column(self, table, prefix_ok=False):
        cols = TABLES[table][0]
        if self.chance(0.05):
            return self.pick(["nope", "", "*", "id.id", "ID", '"id"'])
        c = self.pick(cols)
        if prefix_ok and self.chance(0.1):
            return self.pick(list(TABLES)) + "." + c
        return c

    def value(self):
        return self.scalar()

    def filter(self, table, depth):
        if depth > 3 or self.chance(0.3):
            col = self.column(table, True)
            if self.chance(0.3):
                return {col: self.value()}
            op = self.pick(OPS)
            v = self.value()
            if op in ("in", "not_in") and self.chance(0.8):
                v = [self.value() for _ in range(self.r.randint(0, 4))]
            if op == "between" and self.chance(0.8):
                v = [self.value(), self.value()]
            if op == "is_null" and self.chance(0.8):
                v = self.pick([True, False])
            return {col: {op: v}}
        r = self.r.random()
        rels = TABLES[table][1]
        if r < 0.25:
            return {self.pick(["and", "or"]): [self.filter(table, depth + 1)
                                               for _ in range(self.r.randint(0, 3))]}
        if r < 0.35:
            return {"not": self.filter(table, depth + 1)}
        if r < 0.7 and rels:
            name = self.pick(list(rels))
            target = rels[name][1]
            q = self.pick(["some", "every", "none", "exists", "bogus"])
            if q == "exists":
                return {name: {"exists": self.pick([True, False, 1])}}
            return {name: {q: self.filter(target, depth + 1)}}
        f = {}
        for _ in range(self.r.randint(1, 3)):
            f.update(self.filter(table, depth + 1))
        return f

    def order(self, table):
        items = []
        for _ in range(self.r.randint(0, 3)):
            c = self.column(table, True)
            if self.chance(0.5):
                items.append(self.pick(["", "-"]) + c)
            else:
                items.append({c: self.pick(["asc", "desc", "desc nulls last", "asc nulls first", "up"])})
        return items if self.chance(0.9) else self.pick([1, "id", None, [[]]])

    def query(self, table, depth=0, top=True):
        q = {}
        if self.chance(0.7):
            q["select"] = self.select(table, depth)
        if self.chance(0.5):
            q["where"] = self.filter(table, 0)
        if self.chance(0.4):
            q["order"] = self.order(table)
        if self.chance(0.25):
            q["limit"] = self.pick([0, 1, 2, 5, -1, 1.5, "3", 10 ** 30, 2 ** 63 - 1])
        if self.chance(0.15):
            q["offset"] = self.pick([0, 1, 3, -1, 10 ** 30])
        if top and self.chance(0.05):
            q[self.pick(["cursor", "after", "bogus", "of"])] = self.scalar()
        return q

    def select(self, table, depth):
        items = []
        rels = TABLES[table][1]
        for i in range(self.r.randint(0, 5)):
            r = self.r.random()
            if r < 0.5 or not rels or depth > 3:
                items.append(self.column(table))
                continue
            name = self.pick(list(rels))
            target = rels[name][1]
            if r < 0.7:
                items.append({name: True if self.chance(0.3) else self.query(target, depth + 1, False)})
            elif r < 0.85:
                agg = self.pick(["count", "exists", "sum", "avg", "min", "max", "string_agg", "bogus"])
                spec = {"relation": name}
                col = self.column(target)
                spec[agg] = True if agg in ("count", "exists") else ([col, ", "] if agg == "string_agg" else col)
                if self.chance(0.3):
                    spec["where"] = self.filter(target, 2)
                items.append({"agg%d" % i: spec})
            elif r < 0.95:
                path = [name]
                t = target
                for _ in range(self.r.randint(0, 3)):
                    if not TABLES[t][1]:
                        break
                    n2 = self.pick(list(TABLES[t][1]))
                    path.append(n2)
                    t = TABLES[t][1][n2][1]
                spec = {"chain": ".".join(path)}
                if self.chance(0.4):
                    spec["order"] = self.order(t)
                if self.chance(0.3):
                    spec["where"] = self.filter(t, 2)
                items.append({"ch%d" % i: spec})
            else:
                items.append({"al%d" % i: {"relation": name, "join": self.pick([True, False]),
                                            "select": [self.column(target)]}})
        return items

    # ---- writes (SPEC §6) -------------------------------------------------
    def wvalue(self, col):
        """A value for a column: mostly of its type, sometimes not."""
        if self.chance(0.08):
            return self.scalar()
        if self.chance(0.04):
            return None
        t = COLTYPE.get(col, "text")
        if t == "int":
            if col in ("a", "b", "post_a", "post_b"):
                return self.r.randint(0, 4)
            return self.pick([self.r.randint(1, 45), self.r.randint(1000, 1400), self.r.randint(-2, 45),
                              2 ** 31, "12", "x", 1.5])
        if t == "text":
            return self.pick(["w%d" % self.r.randint(0, 50), "", "x'y", "t%d" % self.r.randint(1, 12),
                              "é", "z" * self.pick([1, 100, 5000])])
        if t == "date":
            return self.pick(["2020-01-0%d" % self.r.randint(1, 9), "infinity", "2020-13-01", 20200101])
        if t == "num62":
            return self.pick([1.25, 9999.99, 10000, -1, "3.5", "NaN", 1e300])
        if t == "num":
            return self.pick([0.5, 2, "1e5", -3, 1e-300])
        if t == "bool":
            return self.pick([True, False, "true", "t", 1, "maybe"])
        if t == "char3":
            return self.pick(["abc", "a", "ab", "xyz", "abcd", "n%d" % self.r.randint(0, 9), ""])
        if t == "vc5":
            return self.pick(["x", "yy", "toolong", ""])
        return self.scalar()

    def wfilter(self, table):
        """A filter naming rows: mostly by key, sometimes any §5 where."""
        kind = TABLES[table][2]
        r = self.r.random()
        if r < 0.6:
            if kind == "pair":
                return {"a": self.r.randint(0, 4), "b": self.r.randint(0, 4)}
            if kind == "char":
                return {"c": self.pick(["abc", "a", "ab", "xyz", "n1"])}
            if kind == "none":
                return {"author_id": self.r.randint(0, 9)}
            if self.chance(0.2):
                return {"id": {"in": [self.r.randint(1, 45) for _ in range(self.r.randint(0, 4))]}}
            return {"id": self.pick([self.r.randint(1, 45), self.r.randint(1000, 1100)])}
        if r < 0.85:
            return self.filter(table, 2)
        if r < 0.9:
            return {}
        return self.pick([None, [], 1, "id", [{"id": 1}], {"nope": 1}, {"id": {"bogus": 1}}])

    def wcols(self, table, keys=False):
        """Some of the table's columns with values (keys too when asked)."""
        d = {}
        cols = TABLES[table][0]
        for c in cols:
            if c == "id" and not keys and not self.chance(0.1):
                continue
            if self.chance(0.4 if c != "id" else 0.7):
                d[c] = self.wvalue(c)
        if self.chance(0.04):
            d[self.pick(["nope", "", "ID", "id.id", "$", "select", "create"])] = self.scalar()
        return d

    def wdata(self, table, depth, mode):
        """A data object for relorm_create / relorm_update (mode "create" / "update")."""
        if depth > 0 and self.chance(0.03):
            return self.pick([None, [], 1, "x", [[]], True])
        d = self.wcols(table, keys=(mode == "create" and TABLES[table][2] != "int"))
        self.budget -= 1
        rels = TABLES[table][1]
        if rels and depth < 4 and self.budget > 0:
            for name in rels:
                if self.chance(0.35 if depth == 0 else 0.15):
                    d[name] = self.wrel(table, name, depth, mode)
        return d

    def wlist(self, f):
        """A list of f() results: usually short, sometimes one item bare, sometimes long."""
        r = self.r.random()
        if self.budget <= 0:
            return []
        if r < 0.15:
            return f()
        if r < 0.93 or self.budget < 2500:
            return [f() for _ in range(self.r.randint(0, 3))]
        if r < 0.97:
            return [f() for _ in range(self.pick([20, 100]))]
        return [f() for _ in range(self.pick([1000, 3000]))]

    def wrel(self, table, name, depth, mode):
        """The operations object of one relation key."""
        kind, target = TABLES[table][1][name]
        one = kind in ("bt", "ho")
        if self.chance(0.03):
            return self.pick([None, [], {}, 1, "create", [{"create": {}}]])

        def cr():
            return self.wdata(target, depth + 1, "create")

        def coc():
            o = {"where": self.wfilter(target), "create": cr()}
            if self.chance(0.05):
                del o[self.pick(["where", "create"])]
            return o

        if mode == "create":
            ops = ["create", "connect", "connect_or_create"]
        elif one:
            ops = ["create", "update", "upsert", "set", "disconnect", "delete"]
        else:
            ops = ["create", "add", "set", "disconnect", "update", "delete"]
        if self.chance(0.05):
            ops = ops + ["bogus", "update", "upsert", "add", "connect"]
        if one:
            n = 1 if self.chance(0.9) else self.pick([0, 2])
        else:
            n = self.r.randint(1, 3)
        o = {}
        for op in self.r.sample(ops, min(n, len(ops))):
            if op == "create":
                o[op] = cr() if one else self.wlist(cr)
            elif op == "connect":
                o[op] = self.wfilter(target) if one else self.wlist(lambda: self.wfilter(target))
            elif op == "connect_or_create":
                o[op] = coc() if one else self.wlist(coc)
            elif op == "update":
                if one:
                    o[op] = self.wdata(target, depth + 1, "update")
                else:
                    o[op] = self.wlist(lambda: {"where": self.wfilter(target),
                                                "data": self.wdata(target, depth + 1, "update")})
            elif op == "upsert":
                o[op] = {"update": self.wdata(target, depth + 1, "update"), "create": cr()}
            elif op in ("set", "add", "disconnect", "delete"):
                if one and op in ("disconnect", "delete"):
                    o[op] = True if self.chance(0.9) else self.pick([False, 1, {}])
                elif one:
                    o[op] = self.wfilter(target)
                else:
                    o[op] = self.wlist(lambda: self.wfilter(target))
            else:
                o[op] = self.scalar()
        return o

    def wentity(self, table, depth):
        """A relorm_save entity: key (existing, new or absent), columns, relations."""
        d = self.wcols(table, keys=False)
        self.budget -= 1
        kind = TABLES[table][2]
        r = self.r.random()
        if r < 0.45:
            if kind == "int":
                d["id"] = self.r.randint(1, 45)
            elif kind == "pair":
                d["a"], d["b"] = self.r.randint(0, 4), self.r.randint(0, 4)
            elif kind == "char":
                d["c"] = self.pick(["abc", "a", "ab", "n1"])
        elif r < 0.6 and kind == "int":
            d["id"] = self.r.randint(5000, 9000)
        elif r < 0.65:
            d.pop("id", None)
        rels = TABLES[table][1]
        if rels and depth < 4 and self.budget > 0:
            for name, (k, target) in rels.items():
                if not self.chance(0.35 if depth == 0 else 0.15):
                    continue
                if k in ("bt", "ho"):
                    d[name] = None if self.chance(0.15) else self.wentity(target, depth + 1)
                else:
                    r2 = self.r.random()
                    if r2 < 0.1:
                        d[name] = self.pick([None, []])
                    elif r2 < 0.13:
                        d[name] = self.wentity(target, depth + 1)
                    else:
                        d[name] = self.wlist(lambda: self.wentity(target, depth + 1))
        if depth > 0 and self.chance(0.02):
            return self.pick([1, "x", [1], None])
        return d

    def deep(self, mode):
        """A long self-referencing chain: node.children (or parent) nested n deep."""
        n = self.pick([5, 20, 60, 200])
        if mode == "save":
            e = {"id": self.r.randint(5000, 9000)}
            for _ in range(n):
                e = {"children": [e]} if self.chance(0.7) else {"parent": e}
            return e
        e = {}
        for _ in range(n):
            e = {"children": {"create": [e]}} if self.chance(0.7) else {"parent": {"create": e}}
        return e

    def write_call(self):
        # objects one call may hold: the first big list takes most of it
        self.budget = 3000
        related = [t for t in TABLES if TABLES[t][1]]
        table = self.pick(related) if self.chance(0.9) else self.pick(list(TABLES))
        t = "'fz.%s'" % table
        fn = self.pick(["create", "create", "update", "update", "delete", "save", "save",
                        "create_related", "update_related", "delete_related", "deep", "raw"])
        if fn == "deep":
            m = self.pick(["create", "update", "save"])
            t = "'fz.node'"
            if m == "save":
                return "SELECT relorm_save(%s, %s)" % (t, self.jsonb(self.deep(m)))
            if m == "update":
                return "SELECT relorm_update(%s, %s, %s)" % (t, self.jsonb(self.wfilter("node")),
                                                            self.jsonb(self.deep(m)))
            return "SELECT relorm_create(%s, %s)" % (t, self.jsonb(self.deep(m)))
        if fn == "raw":
            # malformed top-level arguments
            bad = self.pick(["NULL", "'null'::jsonb", "'1'::jsonb", "'\"x\"'::jsonb", "'[1, 2]'::jsonb",
                             "'[[]]'::jsonb", "'[]'::jsonb", "'{}'::jsonb", "'[null]'::jsonb"])
            f = self.pick(["create", "update", "delete", "save", "create_related", "update_related",
                           "delete_related"])
            rel = "'%s'" % self.relation(table).replace("'", "''")
            if f in ("create", "save"):
                return "SELECT relorm_%s(%s, %s)" % (f, t, bad)
            if f == "delete":
                return "SELECT relorm_delete(%s, %s)" % (t, bad)
            if f == "update":
                return "SELECT relorm_update(%s, %s, %s)" % (t, self.pick([bad, "'{}'::jsonb"]), bad)
            if f == "create_related":
                return "SELECT relorm_create_related(%s, %s, %s, %s)" % (t, rel, self.key_sql(table), bad)
            if f == "update_related":
                return "SELECT relorm_update_related(%s, %s, %s, %s, %s)" % (
                    t, rel, self.key_sql(table), bad, self.pick([bad, "'{}'::jsonb"]))
            return "SELECT relorm_delete_related(%s, %s, %s, %s)" % (t, rel, self.key_sql(table), bad)
        if fn == "create":
            if self.chance(0.25):
                v = self.wlist(lambda: self.wdata(table, 0, "create"))
            else:
                v = self.wdata(table, 0, "create")
            return "SELECT relorm_create(%s, %s)" % (t, self.jsonb(v))
        if fn == "update":
            return "SELECT relorm_update(%s, %s, %s)" % (t, self.jsonb(self.wfilter(table)),
                                                        self.jsonb(self.wdata(table, 0, "update")))
        if fn == "delete":
            return "SELECT relorm_delete(%s, %s)" % (t, self.jsonb(self.wfilter(table)))
        if fn == "save":
            v = self.wentity(table, 0)
            if self.chance(0.15):
                v = [v] + [self.wentity(table, 0) for _ in range(self.r.randint(0, 3))]
            return "SELECT relorm_save(%s, %s)" % (t, self.jsonb(v))
        rel = self.relation(table)
        target = TABLES[table][1].get(rel, ("?", table))[1]
        rl = "'%s'" % rel.replace("'", "''")
        owner = self.key_sql(table)
        if fn == "create_related":
            v = self.wdata(target, 1, "create")
            if self.chance(0.2):
                v = self.wlist(lambda: self.wdata(target, 1, "create"))
            return "SELECT relorm_create_related(%s, %s, %s, %s)" % (t, rl, owner, self.jsonb(v))
        if fn == "update_related":
            return "SELECT relorm_update_related(%s, %s, %s, %s, %s)" % (
                t, rl, owner, self.jsonb(self.wfilter(target)), self.jsonb(self.wdata(target, 1, "update")))
        if self.chance(0.1):
            return "SELECT relorm_delete_related(%s, %s, %s)" % (t, rl, owner)
        return "SELECT relorm_delete_related(%s, %s, %s, %s)" % (t, rl, owner, self.jsonb(self.wfilter(target)))

    # ---- calls ----------------------------------------------------------
    def jsonb(self, v):
        return "'%s'::jsonb" % json.dumps(v).replace("'", "''")

    def relation(self, table):
        rels = TABLES[table][1]
        if not rels or self.chance(0.05):
            return self.pick(["nope", "", "a.b", 'x"y', "books"])
        return self.pick(list(rels))

    def call(self):
        if self.chance(self.write_share):
            return self.write_call()
        related = [t for t in TABLES if TABLES[t][1]]
        table = self.pick(related) if self.chance(0.9) else self.pick(list(TABLES))
        rel = self.relation(table)
        target = TABLES[table][1].get(rel, ("?", table))[1]
        t = "'fz.%s'" % table
        rl = "'%s'" % rel.replace("'", "''")
        owner = self.key_sql(table)
        targets = self.key_sql(target)
        fn = self.pick(["select", "select", "select", "query_related", "count_related", "exists_related",
                        "chain", "where_exists", "join", "sql", "load_one", "load_many", "relation_ids",
                        "add", "remove", "set", "attach", "detach", "sync", "toggle", "update_pivot",
                        "associate", "dissociate", "typed"])
        if fn == "select":
            return "SELECT relorm_select(%s, %s)" % (t, self.jsonb(self.query(table)))
        if fn == "typed":
            return "SELECT * FROM relorm_select(NULL::fz.%s, %s, %s)" % (
                self.pick([table, target]), t, self.jsonb(self.query(table)))
        if fn == "query_related":
            return "SELECT relorm_query_related(%s, %s, %s, %s)" % (t, rl, owner, self.jsonb(self.query(target)))
        if fn in ("count_related", "exists_related"):
            return "SELECT relorm_%s(%s, %s, %s, %s)" % (fn, t, rl, owner, self.jsonb(self.filter(target, 0)))
        if fn == "chain":
            path = [rel]
            tt = target
            for _ in range(self.r.randint(0, 4)):
                if tt not in TABLES or not TABLES[tt][1]:
                    break
                n2 = self.pick(list(TABLES[tt][1]))
                path.append(n2)
                tt = TABLES[tt][1][n2][1]
            q = self.query(tt if tt in TABLES else table)
            if self.chance(0.5):
                q["of"] = self.jsonb_keys()
            if self.chance(0.03):
                path = path * self.r.randint(5, 40)
            return "SELECT relorm_chain(%s, '%s', %s)" % (t, ".".join(path).replace("'", "''"), self.jsonb(q))
        if fn == "where_exists":
            return "SELECT relorm_where_exists(%s, %s, %s)" % (t, rl, self.jsonb(self.filter(target, 0)))
        if fn == "join":
            return "SELECT relorm_join(%s, %s, %s)" % (t, rl, self.jsonb(self.query(table)))
        if fn == "sql":
            return "SELECT length(relorm_sql(%s, %s))" % (t, self.jsonb(self.query(table)))
        if fn in ("load_one", "relation_ids"):
            return "SELECT relorm_%s(%s, %s, %s)" % (fn, t, rl, owner)
        if fn == "load_many":
            return "SELECT relorm_load_many(%s, %s, %s, %s)" % (t, rl, owner, self.jsonb(self.query(target)))
        if fn in ("add", "remove", "set", "toggle", "detach"):
            return "SELECT relorm_%s(%s, %s, %s, %s)" % (fn, t, rl, owner, targets)
        if fn == "attach":
            return "SELECT relorm_attach(%s, %s, %s, %s, %s, %s)" % (
                t, rl, owner, targets, self.pick(["NULL", self.jsonb({"note": self.scalar()}),
                                                  self.jsonb({"rank": self.scalar()}), "'[]'::jsonb"]),
                self.pick(["false", "true"]))
        if fn == "sync":
            return "SELECT relorm_sync(%s, %s, %s, %s, %s)" % (t, rl, owner, targets, self.pick(["true", "false"]))
        if fn == "update_pivot":
            return "SELECT relorm_update_pivot(%s, %s, %s, %s, %s)" % (
                t, rl, owner, targets, self.jsonb({self.pick(["note", "rank", "nope"]): self.scalar()}))
        return "SELECT relorm_%s(%s, %s, %s, %s)" % (fn, t, rl, owner, targets)


class Session:
    """One psql session; run() sends one statement and waits for its end."""

    def __init__(self, db, timeout_ms):
        self.db = db
        self.timeout_ms = timeout_ms
        self.start()

    def start(self):
        self.p = subprocess.Popen(["psql", "-X", "-q", "-d", self.db, "-v", "VERBOSITY=terse"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.send("\\o /dev/null\nSET search_path = fz, public;\n"
                  "SET statement_timeout = %d;\nSET client_min_messages = error;\n" % self.timeout_ms)
        self.run("SELECT 1")

    def send(self, text):
        """False when psql has gone (its connection lost and not regained)."""
        try:
            self.p.stdin.write(text)
            self.p.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def run(self, sql):
        """(sqlstate, message, seconds, lost): the statement's outcome."""
        t0 = time.monotonic()
        if not self.send(sql.replace("\n", " ") + ";\n\\echo @@ :SQLSTATE :LAST_ERROR_MESSAGE\n"):
            return "", "psql exited", 0.0, True
        lines = []
        while True:
            line = self.p.stdout.readline()
            if line == "":
                return "", "psql exited: " + " ".join(lines)[-300:], time.monotonic() - t0, True
            if line.startswith("@@ "):
                break
            lines.append(line.strip())
        secs = time.monotonic() - t0
        parts = line[3:].rstrip("\n").split(" ", 1)
        state = parts[0]
        msg = parts[1] if len(parts) > 1 else ""
        text = " ".join(lines)
        lost = bool(CRASH.search(text)) or bool(CRASH.search(msg))
        return state, (msg if state != "00000" else ""), secs, lost

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()


def setup(db):
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=SCHEMA, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("fuzz: setup failed:\n" + r.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")))
    ap.add_argument("--calls", type=int, default=int(os.environ.get("FUZZ_CALLS", "3000")))
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", "0")))
    ap.add_argument("--timeout", type=int, default=2000, help="statement_timeout, ms")
    ap.add_argument("--db", default=os.environ.get("FUZZ_DB", "relorm_fuzz"))
    ap.add_argument("--log", default=os.environ.get("FUZZ_LOG", ""))
    a = ap.parse_args()

    subprocess.run(["dropdb", "--if-exists", a.db], capture_output=True)
    r = subprocess.run(["createdb", a.db], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("fuzz: createdb failed: " + r.stderr)
    setup(a.db)
    gen = Gen(random.Random(a.seed))
    s = Session(a.db, a.timeout)
    log = open(a.log, "w") if a.log else None
    states = collections.Counter()
    crashes, internal, overruns = [], [], []
    slowest = (0.0, "")
    calls = 0
    t_start = time.monotonic()
    limit_s = a.timeout / 1000.0 + 1.0
    while True:
        if a.calls and calls >= a.calls:
            break
        if a.seconds and time.monotonic() - t_start >= a.seconds:
            break
        sql = gen.call()
        state, msg, secs, lost = s.run(sql)
        calls += 1
        states[state or "lost"] += 1
        if secs > slowest[0]:
            slowest = (secs, sql)
        if log:
            log.write("%s\t%.3f\t%s\t%s\n" % (state, secs, sql, msg))
        if lost or state.startswith("08") or state in ("57P01", "57P02", "57P03", ""):
            crashes.append((sql, state, msg))
            s.close()
            time.sleep(2)
            s = Session(a.db, a.timeout)
            if s.run("SELECT 1")[3]:
                print("fuzz: the server is gone; stopping")
                break
        elif state.startswith("XX") or (state != "00000" and INTERNAL.search(msg)
                                         and state not in ("54001", "54000")):
            internal.append((sql, state, msg))
        if secs > limit_s:
            overruns.append((sql, secs))
        # the data drifts with the writes: reset it now and then
        if calls % 2000 == 0:
            s.close()
            setup(a.db)
            s = Session(a.db, a.timeout)
    s.close()
    elapsed = time.monotonic() - t_start
    subprocess.run(["dropdb", "--if-exists", a.db], capture_output=True)

    print("fuzz: seed %d, %d calls in %.1f s (%.0f calls/s), statement_timeout %d ms"
          % (a.seed, calls, elapsed, calls / max(elapsed, 0.001), a.timeout))
    print("fuzz: outcomes by SQLSTATE: " + ", ".join("%s %d" % kv for kv in sorted(states.items())))
    print("fuzz: crashes %d, internal errors %d, overruns (> timeout + 1 s) %d; slowest call %.2f s"
          % (len(crashes), len(internal), len(overruns), slowest[0]))
    for sql, state, msg in crashes[:5]:
        print("CRASH %s %s\n  %s" % (state, msg, sql[:2000]))
    for sql, state, msg in internal[:5]:
        print("INTERNAL %s %s\n  %s" % (state, msg, sql[:2000]))
    for sql, secs in overruns[:5]:
        print("OVERRUN %.2f s\n  %s" % (secs, sql[:2000]))
    if crashes or internal or overruns:
        print("0 passed, 1 failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
